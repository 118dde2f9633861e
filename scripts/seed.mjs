#!/usr/bin/env node
// Loads a realistic network into the local D1 through the project's own schema (every trigger
// fires: full-text index, search outbox, daily stats), fast: multi-row INSERTs in large files run
// by `wrangler d1 execute`, not one HTTP request per row. Repeatable: a seeded RNG.
//
//   npm run seed -- --posts 10000 [--seed 42] [--persist-to DIR]
//
// Per post: 1 agent, 8 comments (threads up to depth 10), 4 votes; per 100 posts a submolt; per
// agent 2 follows and 3 subscriptions. Skewed like a real network: submolts, authors and comment
// counts follow Zipf-like distributions (a few huge submolts and threads, a long tail of small ones).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const POSTS = Number(opt("posts", "10000"));
const SEED = Number(opt("seed", "42"));
const persist = opt("persist-to");
if (!Number.isInteger(POSTS) || POSTS < 10) {
  console.error("--posts must be a whole number ≥ 10");
  process.exit(2);
}

const AGENTS = Math.max(50, POSTS);
const SUBMOLTS = Math.max(10, Math.round(POSTS / 100));
const COMMENTS = POSTS * 8;
const VOTES = POSTS * 4;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 1);
const START = NOW - 30 * DAY;

// mulberry32: small, fast, seedable.
let state = SEED >>> 0;
const rand = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const int = (n) => Math.floor(rand() * n);
/** Zipf-like pick from 0..n-1: index 0 is the most popular. */
const zipf = (n, s = 1.1) => Math.min(n - 1, Math.floor(n ** (rand() ** s)) - 1);

const WORDS =
  "tide pool reef kelp current shell crab anemone lobster shore wave salt drift harbour lighthouse gull estuary coral urchin octopus agent memory context prompt token model reasoning tool heartbeat submolt karma thread reply signal noise pattern loop cache latency protocol schema query index vector garden compost seed bloom orbit comet nebula telescope recipe bread ferment budget savings marathon stretch guitar chord melody history empire bridge river".split(
    " ",
  );
const sentence = (n) => Array.from({ length: n }, () => WORDS[int(WORDS.length)]).join(" ");
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

let idCounter = 0;
/** UUIDv7 layout (time-ordered, as the app writes them) from a timestamp and a counter. */
function uuid7(ms) {
  const c = (idCounter++).toString(16).padStart(15, "0");
  const t = ms.toString(16).padStart(12, "0");
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${c.slice(0, 3)}-8${c.slice(3, 6)}-${c.slice(6, 15).padEnd(12, "0")}`;
}

// Same formula as worker/domain/ranking.ts hotScore (D1 has no log10, so hot is stored).
const hot = (score, created) => Math.sign(score) * Math.log10(Math.max(Math.abs(score), 1)) + created / 1000 / 45000;

const run = (args) => {
  const r = spawnSync(path.join(root, "node_modules", ".bin", "wrangler"), args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${r.stderr}\n${r.stdout.slice(-2000)}`);
};
const persistArgs = persist ? ["--persist-to", persist] : [];

// ---- generate -------------------------------------------------------------------------------
const agents = Array.from({ length: AGENTS }, (_, i) => {
  const created = START + int(10 * DAY);
  return { id: uuid7(created), name: `seed_${i.toString(36)}_${SEED}`, created, posts: 0, comments: 0, karma: 0, followers: 0, following: 0, subs: 0 };
});
const submolts = Array.from({ length: SUBMOLTS }, (_, i) => ({ id: uuid7(START + i), name: `seed${i.toString(36)}s${SEED}`.slice(0, 24), posts: 0, subscribers: 0, creator: agents[i % AGENTS] }));
const posts = Array.from({ length: POSTS }, (_, i) => {
  const created = START + 10 * DAY + Math.floor((i / POSTS) * 20 * DAY) + int(60_000);
  const author = agents[zipf(AGENTS)];
  const submolt = submolts[zipf(SUBMOLTS)];
  author.posts++;
  submolt.posts++;
  return { id: uuid7(created), author, submolt, created, title: `${sentence(5 + int(6))} #${i}`, content: sentence(20 + int(60)), up: 0, down: 0, comments: 0 };
});
const comments = [];
const byPost = new Map();
for (let i = 0; i < COMMENTS; i++) {
  const post = posts[zipf(POSTS, 1.3)];
  const siblings = byPost.get(post.id) ?? [];
  // Deep threads: most comments reply to a recent comment of the same post.
  const parent = siblings.length && rand() < 0.6 ? siblings[siblings.length - 1 - int(Math.min(3, siblings.length))] : null;
  const depth = parent ? Math.min(parent.depth + 1, 10) : 0;
  const realParent = parent && parent.depth < 10 ? parent : null;
  const created = Math.min(NOW - 1000, post.created + 1000 + int(2 * DAY));
  const author = agents[zipf(AGENTS)];
  const c = { id: uuid7(created), post, parent: realParent, depth: realParent ? depth : 0, author, created, content: `${sentence(8 + int(30))} (${i})`, replies: 0, up: 0, down: 0 };
  if (realParent) realParent.replies++;
  author.comments++;
  post.comments++;
  siblings.push(c);
  byPost.set(post.id, siblings);
  comments.push(c);
}
const votes = new Map();
for (let i = 0; i < VOTES; i++) {
  const voter = agents[int(AGENTS)];
  const onPost = rand() < 0.75;
  const target = onPost ? posts[zipf(POSTS, 1.2)] : comments[zipf(COMMENTS, 1.2)];
  const key = `${voter.id}|${target.id}`;
  if (votes.has(key) || voter === target.author) continue;
  const value = rand() < 0.8 ? 1 : -1;
  if (value > 0) target.up++;
  else target.down++;
  target.author.karma += value;
  votes.set(key, { voter, target, type: onPost ? "post" : "comment", value, created: target.created + 1000 });
}
const follows = new Set();
for (let i = 0; i < AGENTS * 2; i++) {
  const a = agents[int(AGENTS)];
  const b = agents[zipf(AGENTS)];
  if (a === b || follows.has(`${a.id}|${b.id}`)) continue;
  follows.add(`${a.id}|${b.id}`);
  a.following++;
  b.followers++;
}
const subs = new Set();
for (let i = 0; i < AGENTS * 3; i++) {
  const a = agents[int(AGENTS)];
  const s = submolts[zipf(SUBMOLTS)];
  if (subs.has(`${a.id}|${s.id}`)) continue;
  subs.add(`${a.id}|${s.id}`);
  a.subs++;
  s.subscribers++;
}

// ---- write ----------------------------------------------------------------------------------
const dir = mkdtempSync(path.join(tmpdir(), "tidepool-seed-"));
const STATEMENTS_PER_FILE = 40;
let written = 0;
const total = agents.length + 2 * submolts.length + posts.length + comments.length + votes.size + follows.size + subs.size;
const t0 = Date.now();
let pending = [];

function progress() {
  const s = (Date.now() - t0) / 1000;
  const rate = written / Math.max(s, 0.001);
  const eta = (total - written) / Math.max(rate, 1);
  const width = 30;
  const done = Math.round((written / total) * width);
  process.stdout.write(`\r  [${"#".repeat(done)}${"-".repeat(width - done)}] ${written}/${total} rows  ${rate.toFixed(0)} rows/s  ETA ${eta.toFixed(0)} s   `);
}

function flush() {
  if (pending.length === 0) return;
  const file = path.join(dir, "chunk.sql");
  writeFileSync(file, pending.map((p) => p.sql).join("\n"));
  run(["d1", "execute", "DB", "--local", ...persistArgs, "--file", file]);
  written += pending.reduce((n, p) => n + p.rows, 0);
  pending = [];
  progress();
}

// D1 refuses statements over 100 KB: rows are grouped into INSERTs of at most ~90 KB each.
const MAX_STATEMENT = 90_000;

const timings = [];

function insert(table, columns, rows) {
  const started = Date.now();
  const head = `INSERT INTO ${table} (${columns.join(", ")}) VALUES `;
  let values = [];
  let size = head.length;
  const emit = () => {
    if (values.length === 0) return;
    pending.push({ sql: `${head}${values.join(",\n")};`, rows: values.length });
    values = [];
    size = head.length;
    if (pending.length >= STATEMENTS_PER_FILE) flush();
  };
  for (const r of rows) {
    const v = `(${r.join(", ")})`;
    if (size + v.length + 2 > MAX_STATEMENT) emit();
    values.push(v);
    size += v.length + 2;
  }
  emit();
  flush();
  timings.push(`${table} ${rows.length} rows ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** UPDATE … FROM (VALUES …) in statements under the size limit: one write per row, one statement per chunk. */
function updateFrom(table, column, pairs) {
  const started = Date.now();
  for (let i = 0; i < pairs.length; ) {
    const values = [];
    let size = 0;
    while (i < pairs.length && size < MAX_STATEMENT - 200) {
      const v = `(${pairs[i].join(", ")})`;
      values.push(v);
      size += v.length + 1;
      i++;
    }
    pending.push({ sql: `UPDATE ${table} SET ${column} = v.column2 FROM (VALUES ${values.join(",")}) AS v WHERE ${table}.id = v.column1;`, rows: 0 });
    if (pending.length >= STATEMENTS_PER_FILE) flush();
  }
  flush();
  timings.push(`${table}.${column} ${pairs.length} updates ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

console.log(`Seeding ${POSTS} posts, ${COMMENTS} comments, ${AGENTS} agents, ${SUBMOLTS} submolts, ~${VOTES} votes (seed ${SEED})`);
run(["d1", "migrations", "apply", "DB", "--local", ...persistArgs]);
insert(
  "agents",
  ["id", "name", "name_key", "description", "karma", "follower_count", "following_count", "posts_count", "comments_count", "subscriptions_count", "created_at", "updated_at", "last_active"],
  agents.map((a) => [q(a.id), q(a.name), q(a.name.toLowerCase()), q(sentence(8)), a.karma, a.followers, a.following, a.posts, a.comments, a.subs, a.created, a.created, NOW - int(3 * DAY)]),
);
insert(
  "submolts",
  ["id", "name", "display_name", "description", "creator_id", "subscriber_count", "post_count", "created_at", "last_activity_at"],
  submolts.map((s) => [q(s.id), q(s.name), q(s.name), q(sentence(10)), q(s.creator.id), s.subscribers, s.posts, START, NOW]),
);
insert("submolt_roles", ["submolt_id", "agent_id", "role", "created_at"], submolts.map((s) => [q(s.id), q(s.creator.id), "'owner'", START]));
insert(
  "posts",
  ["id", "submolt_id", "author_id", "title", "content", "type", "upvotes", "downvotes", "score", "hot", "comment_count", "created_at", "updated_at"],
  posts.map((p) => [q(p.id), q(p.submolt.id), q(p.author.id), q(p.title), q(p.content), "'text'", p.up, p.down, p.up - p.down, hot(p.up - p.down, p.created), p.comments, p.created, p.created]),
);
// Parents before replies: comments are written in creation order within each post's thread.
insert(
  "comments",
  ["id", "post_id", "parent_id", "author_id", "content", "depth", "upvotes", "downvotes", "score", "controversy", "reply_count", "created_at", "updated_at"],
  comments.map((c) => {
    const total = c.up + c.down;
    return [q(c.id), q(c.post.id), c.parent ? q(c.parent.id) : "NULL", q(c.author.id), q(c.content), c.depth, c.up, c.down, c.up - c.down, total * (1 - Math.abs(c.up - c.down) / Math.max(total, 1)), 0, c.created, c.created];
  }),
);
// Reply counts set by UPDATE, as replies would, so the daily "comments that got a reply" trigger
// counts them; the counts are known here, so no per-row recount (comments.parent_id has no index).
updateFrom(
  "comments",
  "reply_count",
  comments.filter((c) => c.replies > 0).map((c) => [q(c.id), c.replies]),
);
insert("votes", ["agent_id", "target_id", "target_type", "value", "created_at"], [...votes.values()].map((v) => [q(v.voter.id), q(v.target.id), q(v.type), v.value, v.created]));
insert("follows", ["follower_id", "followee_id", "created_at"], [...follows].map((k) => [...k.split("|").map(q), START]));
insert("subscriptions", ["agent_id", "submolt_id", "created_at"], [...subs].map((k) => [...k.split("|").map(q), START]));
console.log(`\n${timings.join("; ")}`);
console.log(`Seeded ${written} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s. The search outbox holds every post and comment: run the server and \`npm run search:reindex\` (or let the cron drain it).`);
rmSync(dir, { recursive: true, force: true });
