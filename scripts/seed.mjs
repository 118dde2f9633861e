#!/usr/bin/env node
// Loads a realistic network into the local D1 through the project's own schema (migrations applied
// first; every trigger fires, and what the derive pass would write after each response is written at
// the end: full-text index, fingerprints, daily stats), fast: multi-row INSERTs
// of ≤ 90 KB (under D1's statement limit), never one HTTP request per row. Repeatable: seeded RNGs.
//
//   npm run seed -- --posts 10000 [--seed 42] [--persist-to DIR] [--executor sqlite3|wrangler]
//
// Per post: 1 agent, 8 comments (threads up to depth 10), ~4 votes; per 100 posts a submolt; per
// agent 2 follows and 3 subscriptions. Every derived row the API's write path writes is written
// too, computed by the Worker's own code (scripts/lib/worker-modules.mjs): exact-duplicate
// fingerprints, near-duplicate signatures and band keys, the API key and claim hashes of each agent,
// and the audit rows of each registration, submolt, post and comment (test/node/seed.test.ts checks
// them against the Worker's functions). Skewed like a real network: submolts, authors and comment
// counts follow Zipf-like distributions (a few huge submolts and threads, a long tail of small ones).
//
// Executors: `sqlite3` streams the SQL into the local D1 file in one process, one transaction per
// table (used when the sqlite3 command exists and for a million posts is the only practical one);
// `wrangler` runs files of statements through `wrangler d1 execute --local` (~1k rows/s).
// Either way the server must not be running on the same state while seeding.
import { spawn, spawnSync } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { heldNetwork, openD1 } from "./lib/d1-access.mjs";
import { localDatabaseFile, localStateDir, schemaVersion } from "./lib/local-d1.mjs";
import { applyLocalMigrations } from "./lib/local-migrations.mjs";
import { oneOf, parseCommand, usageError, wholeNumber } from "./lib/cli.mjs";
import { progress } from "./lib/progress.mjs";
import { importWorkerModules } from "./lib/worker-modules.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const hasSqlite = spawnSync("sqlite3", ["-version"]).status === 0;
const USAGE = `Usage: npm run seed -- [--posts N] [--seed N] [--persist-to DIR] [--executor sqlite3|wrangler] [--force]

Loads a realistic network into the local D1 of \`npm run dev\`: per post an agent, 8 comments and
~4 votes, a submolt per 100 posts, follows and subscriptions, skewed like a real network.

  --posts N          posts to make, at least 10 (default 10000)
  --seed N           the random seed: the same seed makes the same network (default 42)
  --persist-to DIR   the local state to seed, as \`npm run dev -- --persist-to DIR\` (default .wrangler/state)
  --executor E       sqlite3 (one process, fast; default when installed) or wrangler (~1k rows/s)
  --force            replace the D1 database already in DIR (its KV and Durable Object state stay)
  -h, --help         this text

Stop the dev server first. Example: npm run seed -- --posts 100000 --persist-to .wrangler/big`;
const { values: args } = parseCommand({
  usage: USAGE,
  options: {
    posts: { type: "string", default: "10000" },
    seed: { type: "string", default: "42" },
    "persist-to": { type: "string" },
    executor: { type: "string", default: hasSqlite ? "sqlite3" : "wrangler" },
    force: { type: "boolean", default: false },
  },
});
const POSTS = wholeNumber(args, "posts", USAGE, { min: 10 });
const SEED = wholeNumber(args, "seed", USAGE, { max: 2 ** 32 - 1 });
const persist = args["persist-to"];
const EXECUTOR = oneOf(args, "executor", ["sqlite3", "wrangler"], USAGE);
if (EXECUTOR === "sqlite3" && !hasSqlite) usageError("--executor sqlite3 needs the sqlite3 command (apt-get install sqlite3)", USAGE);
refuseToMix(persist, args.force);

/**
 * Seeding adds to whatever the local D1 holds, and a network already there would be mixed with the
 * seeded one (or collide with it): refused unless --force, which removes that database first.
 */
function refuseToMix(persistTo, force) {
  let file;
  try {
    file = localDatabaseFile(root, persistTo);
  } catch {
    return; // no local D1 yet: the migrations make one
  }
  let holds;
  try {
    holds = heldNetwork(openD1({ root, persistTo }));
  } catch {
    // Without sqlite3 (or before the schema exists) the file's size says whether anything was written.
    holds = statSync(file).size > 0 ? "data" : "";
  }
  if (!holds) return;
  const dir = localStateDir(root, persistTo);
  const where = path.relative(root, dir).startsWith("..") ? dir : path.relative(root, dir);
  if (!force) {
    console.error(`✗ ${where} already holds a network (${holds}): seeding would mix the two.\n  Pass --force to replace that D1 database (its KV and Durable Object state stay), or --persist-to another directory.`);
    process.exit(1);
  }
  console.log(`Replacing the D1 database in ${where} (${holds}), as --force asks`);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
}

const AGENTS = Math.max(50, POSTS);
const SUBMOLTS = Math.max(10, Math.round(POSTS / 100));
const COMMENTS = POSTS * 8;
const VOTES = POSTS * 4;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 1);
const START = NOW - 30 * DAY;

// mulberry32: small, fast, seedable. Structure and text draw from separate streams so the text
// can be made while writing, in write order, without holding millions of strings in memory.
function rng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(SEED);
const textRand = rng(SEED ^ 0x5eed);
const int = (n) => Math.floor(rand() * n);
/** Zipf-like pick from 0..n-1: index 0 is the most popular. */
const zipf = (n, s = 1.1) => Math.min(n - 1, Math.floor(n ** (rand() ** s)) - 1);

// Words for titles and bodies: the search evaluation corpus's vocabulary (real English across many
// topics), ranked in a seeded order and drawn Zipf-like, so a few words are everywhere and most are
// rare, as in real text; keyword search then sees realistic match-set sizes.
const VOCABULARY = (() => {
  const corpus = readFileSync(path.join(root, "test", "eval", "corpus.ts"), "utf8").toLowerCase();
  const list = [...new Set(corpus.match(/[a-z]{3,}/g))].sort();
  const order = rng(SEED ^ 0x0dd);
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(order() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
})();
const textZipf = (n) => Math.min(n - 1, Math.floor(n ** (textRand() ** 1.1)) - 1);
const sentence = (n) => Array.from({ length: n }, () => VOCABULARY[textZipf(VOCABULARY.length)]).join(" ");
const words = (min, spread) => sentence(min + Math.floor(textRand() * spread));
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
const blob = (bytes) => `X'${Buffer.from(bytes).toString("hex")}'`;

const { normalizeText, signature, bandKeys } = await importWorkerModules("worker/domain/minhash.ts", "worker/domain/fingerprint.ts");
// worker/domain/fingerprint.ts, synchronously (node:crypto; the Worker's is Web Crypto's async digest).
const fingerprint = (...parts) => createHash("sha256").update(normalizeText(parts.filter((p) => p != null && p !== "").join("\n"))).digest("hex").slice(0, 16);
// Stand-ins for the HMAC-SHA256 hex digests of each agent's API key, claim token and code (the raw
// secrets of seeded agents are never needed, so a fixed pepper over the agent's index will do).
const secretHash = (purpose, i) => createHmac("sha256", "seed-pepper").update(`${purpose}:${SEED}:${i}`).digest("hex");

/** UUIDv7 layout (time-ordered, as the app writes them): a timestamp, then the kind and index. */
function uuid7(ms, kind, index) {
  const t = Math.floor(ms).toString(16).padStart(12, "0");
  const c = kind.toString(16) + index.toString(16).padStart(17, "0");
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${c.slice(0, 3)}-8${c.slice(3, 6)}-${c.slice(6, 18)}`;
}

// Same formula as worker/domain/ranking.ts hotScore (D1 has no log10, so hot is stored).
const hot = (score, created) => Math.sign(score) * Math.log10(Math.max(Math.abs(score), 1)) + created / 1000 / 45000;

// ---- generate the structure (numbers only) --------------------------------------------------
const agent = {
  created: new Float64Array(AGENTS),
  posts: new Int32Array(AGENTS),
  comments: new Int32Array(AGENTS),
  karma: new Int32Array(AGENTS),
  followers: new Int32Array(AGENTS),
  following: new Int32Array(AGENTS),
  subs: new Int32Array(AGENTS),
};
for (let i = 0; i < AGENTS; i++) agent.created[i] = START + int(10 * DAY);
const agentId = (i) => uuid7(agent.created[i], 1, i);
const agentName = (i) => `seed_${i.toString(36)}_${SEED}`;

const submolt = { posts: new Int32Array(SUBMOLTS), subscribers: new Int32Array(SUBMOLTS) };
const submoltId = (i) => uuid7(START + i, 2, i);
const submoltName = (i) => `seed${i.toString(36)}s${SEED}`.slice(0, 24);

const post = {
  author: new Int32Array(POSTS),
  submolt: new Int32Array(POSTS),
  created: new Float64Array(POSTS),
  up: new Int32Array(POSTS),
  down: new Int32Array(POSTS),
  comments: new Int32Array(POSTS),
};
for (let i = 0; i < POSTS; i++) {
  post.created[i] = START + 10 * DAY + Math.floor((i / POSTS) * 20 * DAY) + int(60_000);
  post.author[i] = zipf(AGENTS);
  post.submolt[i] = zipf(SUBMOLTS);
  agent.posts[post.author[i]]++;
  submolt.posts[post.submolt[i]]++;
}
const postId = (i) => uuid7(post.created[i], 3, i);

const comment = {
  post: new Int32Array(COMMENTS),
  parent: new Int32Array(COMMENTS).fill(-1),
  depth: new Uint8Array(COMMENTS),
  author: new Int32Array(COMMENTS),
  created: new Float64Array(COMMENTS),
  up: new Int32Array(COMMENTS),
  down: new Int32Array(COMMENTS),
  replies: new Int32Array(COMMENTS),
};
// The last four comments of each post: deep threads come from replying to recent comments.
const recent = new Int32Array(POSTS * 4);
const recentCount = new Int32Array(POSTS);
for (let i = 0; i < COMMENTS; i++) {
  const p = zipf(POSTS, 1.3);
  const n = recentCount[p];
  let parent = -1;
  if (n > 0 && rand() < 0.6) {
    const back = int(Math.min(4, n));
    const candidate = recent[p * 4 + ((n - 1 - back) % 4)];
    if (comment.depth[candidate] < 10) parent = candidate;
  }
  const after = parent >= 0 ? comment.created[parent] : post.created[p];
  comment.post[i] = p;
  comment.parent[i] = parent;
  comment.depth[i] = parent >= 0 ? comment.depth[parent] + 1 : 0;
  comment.author[i] = zipf(AGENTS);
  comment.created[i] = Math.min(NOW - 1000, after + 1000 + int(DAY));
  if (parent >= 0) comment.replies[parent]++;
  agent.comments[comment.author[i]]++;
  post.comments[p]++;
  recent[p * 4 + (n % 4)] = i;
  recentCount[p] = n + 1;
}
const commentId = (i) => uuid7(comment.created[i], 4, i);

// Near-duplicate signatures, made as each text is written (posts 0..POSTS-1, then comments), kept
// until both tables are in: 64 bytes an item.
const signatures = new Uint8Array((POSTS + COMMENTS) * 64);
const hasSignature = new Uint8Array(POSTS + COMMENTS);
function sign(item, text) {
  const sig = signature(text);
  if (!sig) return;
  signatures.set(sig, item * 64);
  hasSignature[item] = 1;
}
// Rows go in id order (time, then index), so each primary-key index grows at its end instead of
// taking random page writes; replies are made after their parents, so parents still come first.
const byTime = (created) => (a, b) => created[a] - created[b] || a - b;
const commentOrder = Int32Array.from({ length: COMMENTS }, (_, i) => i).sort(byTime(comment.created));

// Votes: targets 0..POSTS-1 are posts, POSTS.. are comments. Keys are exact below 2^53.
const seen = new Set();
const vote = { voter: new Int32Array(VOTES), target: new Int32Array(VOTES), value: new Int8Array(VOTES) };
let voteCount = 0;
for (let i = 0; i < VOTES; i++) {
  const voter = int(AGENTS);
  const target = rand() < 0.75 ? zipf(POSTS, 1.2) : POSTS + zipf(COMMENTS, 1.2);
  const author = target < POSTS ? post.author[target] : comment.author[target - POSTS];
  const key = voter * 2 ** 26 + target;
  if (seen.has(key) || voter === author) continue;
  seen.add(key);
  const value = rand() < 0.8 ? 1 : -1;
  const side = target < POSTS ? post : comment;
  const t = target < POSTS ? target : target - POSTS;
  if (value > 0) side.up[t]++;
  else side.down[t]++;
  agent.karma[author] += value;
  vote.voter[voteCount] = voter;
  vote.target[voteCount] = target;
  vote.value[voteCount++] = value;
}
seen.clear();
const agentTime = byTime(agent.created);
const agentOrder = Int32Array.from({ length: AGENTS }, (_, i) => i).sort(agentTime);
const voteOrder = Int32Array.from({ length: voteCount }, (_, i) => i).sort((a, b) => agentTime(vote.voter[a], vote.voter[b]) || a - b);

/** Distinct pairs (a, b) drawn `count` times: a uniform, b Zipf-skewed. */
function pairs(count, bCount, skip) {
  const keys = new Set();
  const out = [];
  for (let i = 0; i < count; i++) {
    const a = int(AGENTS);
    const b = zipf(bCount);
    const key = a * 2 ** 26 + b;
    if (skip(a, b) || keys.has(key)) continue;
    keys.add(key);
    out.push([a, b]);
  }
  return Int32Array.from(out.sort((x, y) => agentTime(x[0], y[0]) || x[1] - y[1]).flat());
}
const follows = pairs(AGENTS * 2, AGENTS, (a, b) => a === b);
for (let i = 0; i < follows.length; i += 2) {
  agent.following[follows[i]]++;
  agent.followers[follows[i + 1]]++;
}
const subs = pairs(AGENTS * 3, SUBMOLTS, () => false);
for (let i = 0; i < subs.length; i += 2) {
  agent.subs[subs[i]]++;
  submolt.subscribers[subs[i + 1]]++;
}

// ---- executors ------------------------------------------------------------------------------
const wranglerBin = path.join(root, "node_modules", ".bin", "wrangler");
const persistArgs = persist ? ["--persist-to", persist] : [];
function wrangler(args) {
  const r = spawnSync(wranglerBin, args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${r.stderr}\n${r.stdout.slice(-2000)}`);
}

function sqliteExecutor() {
  const file = localDatabaseFile(root, persist);
  // Secondary (non-unique) indexes are dropped while their table loads and rebuilt from the same
  // schema SQL afterwards: one sorted build instead of millions of random B-tree inserts. The
  // authors' newest-first indexes stay: the exact-repeat triggers look an author's recent rows up by them.
  const r = spawnSync("sqlite3", ["-json", file, "SELECT tbl_name AS tbl, name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' AND name NOT LIKE '%_author_new_idx'"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  const indexes = JSON.parse(r.stdout || "[]");
  const child = spawn("sqlite3", ["-bail", file], { stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = once(child, "exit");
  const send = async (sql) => {
    if (!child.stdin.write(`${sql}\n`)) await Promise.race([once(child.stdin, "drain"), exited.then(() => Promise.reject(new Error(`sqlite3 stopped: ${stderr}`)))]);
  };
  return {
    // A big page cache keeps the indexes in memory while a table loads; durability per statement
    // is pointless for a bulk load that either finishes or is re-run on a fresh state. No journal
    // while loading: in the database's WAL mode a transaction larger than the cache writes every
    // spilled page again and again (8 GB written for 2 GB of data at a million posts); WAL returns
    // at the end, as workerd expects.
    start: () => send("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -4000000; PRAGMA foreign_keys = ON; BEGIN;"),
    statement: send,
    startTable: (table) => send(indexes.filter((i) => i.tbl === table).map((i) => `DROP INDEX "${i.name}";`).join("\n")),
    endTable: (table) => send(`${indexes.filter((i) => i.tbl === table).map((i) => `${i.sql};`).join("\n")}\nCOMMIT; BEGIN;`),
    async close() {
      await send("COMMIT; PRAGMA journal_mode = WAL;");
      child.stdin.end();
      const [code] = await exited;
      if (code !== 0) throw new Error(`sqlite3 failed (${code}): ${stderr}`);
    },
  };
}

function wranglerExecutor() {
  const dir = mkdtempSync(path.join(tmpdir(), "tidepool-seed-"));
  const STATEMENTS_PER_FILE = 40;
  let pending = [];
  const flush = () => {
    if (pending.length === 0) return;
    const file = path.join(dir, "chunk.sql");
    writeFileSync(file, pending.join("\n"));
    wrangler(["d1", "execute", "DB", "--local", ...persistArgs, "--file", file]);
    pending = [];
  };
  return {
    start: async () => {},
    startTable: async () => {},
    statement: async (sql) => {
      pending.push(sql);
      if (pending.length >= STATEMENTS_PER_FILE) flush();
    },
    endTable: async () => flush(),
    close: async () => {
      flush();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- write ----------------------------------------------------------------------------------
const total = 2 * AGENTS + 2 * SUBMOLTS + POSTS + COMMENTS + voteCount + follows.length / 2 + subs.length / 2 + 14 * (POSTS + COMMENTS) + AGENTS + SUBMOLTS;
let written = 0;
let t0 = Date.now();
let bar;

// D1 refuses statements over 100 KB: rows are grouped into INSERTs of at most ~90 KB each.
const MAX_STATEMENT = 90_000;
const timings = [];

/** Writes rows 0..count-1 made by `row(i)` (an array of SQL literals) as multi-row INSERTs. */
async function insert(exec, table, columns, count, row) {
  const started = Date.now();
  const head = `INSERT INTO ${table} (${columns.join(", ")}) VALUES `;
  await exec.startTable(table);
  let values = [];
  let size = head.length;
  const emit = async () => {
    if (values.length === 0) return;
    await exec.statement(`${head}${values.join(",\n")};`);
    written += values.length;
    values = [];
    size = head.length;
    bar.update(written);
  };
  for (let i = 0; i < count; i++) {
    const v = `(${row(i).join(", ")})`;
    if (size + v.length + 2 > MAX_STATEMENT) await emit();
    values.push(v);
    size += v.length + 2;
  }
  await emit();
  await exec.endTable(table);
  timings.push(`${table} ${count} rows ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** UPDATE … FROM (VALUES …) in statements under the size limit: one write per row, one statement per chunk. */
async function updateFrom(exec, table, column, list, pair) {
  const started = Date.now();
  for (let i = 0; i < list.length; ) {
    const values = [];
    let size = 0;
    while (i < list.length && size < MAX_STATEMENT - 200) {
      const v = `(${pair(list[i]).join(", ")})`;
      values.push(v);
      size += v.length + 1;
      i++;
    }
    await exec.statement(`UPDATE ${table} SET ${column} = v.column2 FROM (VALUES ${values.join(",")}) AS v WHERE ${table}.id = v.column1;`);
  }
  await exec.endTable("");
  timings.push(`${table}.${column} ${list.length} updates ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

console.log(`Seeding ${POSTS} posts, ${COMMENTS} comments, ${AGENTS} agents, ${SUBMOLTS} submolts, ${voteCount} votes (seed ${SEED}, executor ${EXECUTOR})`);
await applyLocalMigrations({ root, persistTo: persist });
t0 = Date.now();
bar = progress("  seeding", total);
const exec = EXECUTOR === "sqlite3" ? sqliteExecutor() : wranglerExecutor();
await exec.start();
await insert(
  exec,
  "agents",
  ["id", "name", "name_key", "description", "karma", "follower_count", "following_count", "posts_count", "comments_count", "subscriptions_count", "claim_token_hash", "verification_code_hash", "claim_expires_at", "created_at", "updated_at", "last_active"],
  AGENTS,
  (n, i = agentOrder[n]) => [q(agentId(i)), q(agentName(i)), q(agentName(i).toLowerCase()), q(sentence(8)), agent.karma[i], agent.followers[i], agent.following[i], agent.posts[i], agent.comments[i], agent.subs[i], q(secretHash("claim", i)), q(secretHash("code", i)), agent.created[i] + 3 * DAY, agent.created[i], agent.created[i], NOW - Math.floor(textRand() * 3 * DAY)],
);
await insert(exec, "api_keys", ["id", "agent_id", "hash", "prefix", "created_at"], AGENTS, (n, i = agentOrder[n]) => [q(uuid7(agent.created[i], 5, i)), q(agentId(i)), q(secretHash("api_key", i)), q(`moltbook_sk_${secretHash("prefix", i).slice(0, 4)}`), agent.created[i]]);
await insert(
  exec,
  "submolts",
  ["id", "name", "display_name", "description", "creator_id", "subscriber_count", "post_count", "created_at", "last_activity_at"],
  SUBMOLTS,
  (i) => [q(submoltId(i)), q(submoltName(i)), q(submoltName(i)), q(sentence(10)), q(agentId(i % AGENTS)), submolt.subscribers[i], submolt.posts[i], START, NOW],
);
await insert(exec, "submolt_roles", ["submolt_id", "agent_id", "role", "created_at"], SUBMOLTS, (i) => [q(submoltId(i)), q(agentId(i % AGENTS)), "'owner'", START]);
await insert(
  exec,
  "posts",
  ["id", "submolt_id", "author_id", "title", "content", "type", "upvotes", "downvotes", "score", "hot", "comment_count", "content_hash", "created_at", "updated_at"],
  POSTS,
  (i) => {
    const score = post.up[i] - post.down[i];
    const [title, content] = [`${words(5, 6)} #${i}`, words(20, 60)];
    sign(i, `${title}\n${content}`);
    return [q(postId(i)), q(submoltId(post.submolt[i])), q(agentId(post.author[i])), q(title), q(content), "'text'", post.up[i], post.down[i], score, hot(score, post.created[i]), post.comments[i], q(fingerprint(title, content)), post.created[i], post.created[i]];
  },
);
await insert(
  exec,
  "comments",
  ["id", "post_id", "parent_id", "author_id", "content", "depth", "upvotes", "downvotes", "score", "controversy", "reply_count", "content_hash", "created_at", "updated_at"],
  COMMENTS,
  (n) => {
    const i = commentOrder[n];
    const up = comment.up[i];
    const down = comment.down[i];
    const votes = up + down;
    const parent = comment.parent[i];
    const content = `${words(8, 30)} (${i})`;
    sign(POSTS + i, content);
    return [q(commentId(i)), q(postId(comment.post[i])), parent >= 0 ? q(commentId(parent)) : "NULL", q(agentId(comment.author[i])), q(content), comment.depth[i], up, down, up - down, votes * (1 - Math.abs(up - down) / Math.max(votes, 1)), 0, q(fingerprint(content)), comment.created[i], comment.created[i]];
  },
);
// Reply counts set by UPDATE, as replies would, so the daily "comments that got a reply" trigger
// counts them; the counts are known here, so no per-row recount (comments.parent_id has no index).
const replied = Int32Array.from({ length: COMMENTS }, (_, i) => i).filter((i) => comment.replies[i] > 0);
await updateFrom(exec, "comments", "reply_count", replied, (i) => [q(commentId(i)), comment.replies[i]]);
await insert(exec, "votes", ["agent_id", "target_id", "target_type", "value", "created_at"], voteCount, (n) => {
  const i = voteOrder[n];
  const t = vote.target[i];
  const onPost = t < POSTS;
  return [q(agentId(vote.voter[i])), q(onPost ? postId(t) : commentId(t - POSTS)), onPost ? "'post'" : "'comment'", vote.value[i], (onPost ? post.created[t] : comment.created[t - POSTS]) + 1000];
});
await insert(exec, "follows", ["follower_id", "followee_id", "created_at"], follows.length / 2, (i) => [q(agentId(follows[2 * i])), q(agentId(follows[2 * i + 1])), START]);
await insert(exec, "subscriptions", ["agent_id", "submolt_id", "created_at"], subs.length / 2, (i) => [q(agentId(subs[2 * i])), q(submoltId(subs[2 * i + 1])), START]);
// Near-duplicate signatures in the order the API would have written them (by time: signature ids
// grow with time, which the pruner relies on), then their band keys.
const signed = Int32Array.from({ length: POSTS + COMMENTS }, (_, i) => i).filter((i) => hasSignature[i]);
const itemCreated = (i) => (i < POSTS ? post.created[i] : comment.created[i - POSTS]);
signed.sort((a, b) => itemCreated(a) - itemCreated(b) || a - b);
const itemUuid = (i) => (i < POSTS ? postId(i) : commentId(i - POSTS)).replace(/-/g, "");
const sigOf = (i) => signatures.subarray(i * 64, i * 64 + 64);
const typeOf = (i) => (i < POSTS ? "post" : "comment");
await insert(exec, "near_signatures", ["id", "item_type", "item_id", "created_at", "signature"], signed.length, (n, i = signed[n]) => [n + 1, i < POSTS ? 0 : 1, `X'${itemUuid(i)}'`, itemCreated(i), blob(sigOf(i))]);
const BANDS = bandKeys("post", new Uint8Array(64)).length;
await insert(exec, "near_bands", ["key", "signature_id"], signed.length * BANDS, (n) => [bandKeys(typeOf(signed[Math.floor(n / BANDS)]), sigOf(signed[Math.floor(n / BANDS)]))[n % BANDS], Math.floor(n / BANDS) + 1]);
// The audit rows the API writes for each registration, submolt, post and comment (services/audit.ts),
// in one pass in id (time) order, as the API appends them.
const AUDIT = ["id", "at", "action", "agent_id", "target", "detail"];
const [A, S, P] = [AGENTS, AGENTS + SUBMOLTS, AGENTS + SUBMOLTS + POSTS];
const event = (e) =>
  e < A ? { kind: 6, i: e, at: agent.created[e], agent: agentId(e), action: "agent.register", target: agentName(e), detail: {} }
  : e < S ? { kind: 7, i: e - A, at: START, agent: agentId((e - A) % AGENTS), action: "submolt.create", target: submoltName(e - A), detail: {} }
  : e < P ? { kind: 8, i: e - S, at: post.created[e - S], agent: agentId(post.author[e - S]), action: "post.create", target: postId(e - S), detail: { submolt: submoltName(post.submolt[e - S]) } }
  : { kind: 9, i: e - P, at: comment.created[e - P], agent: agentId(comment.author[e - P]), action: "comment.create", target: commentId(e - P), detail: { post: postId(comment.post[e - P]) } };
const eventAt = (e) => (e < A ? agent.created[e] : e < S ? START : e < P ? post.created[e - S] : comment.created[e - P]);
const events = Int32Array.from({ length: P + COMMENTS }, (_, e) => e).sort((x, y) => eventAt(x) - eventAt(y) || x - y);
await insert(exec, "audit_log", AUDIT, events.length, (n) => {
  const e = event(events[n]);
  return [q(uuid7(e.at, e.kind, e.i)), e.at, q(e.action), q(e.agent), q(e.target), q(JSON.stringify(e.detail))];
});
// What the derive pass (services/derive.ts) writes after each post's and comment's response, done
// here in SQL over the loaded tables: the keyword index (FTS5 rebuilt from its content views), the
// text fingerprints, and the day's counts of items, exact duplicates (a text seen before, in write
// order) and flagged ones. The audit rows are above. The 'create' outbox rows the insert triggers
// left are then only the vector index's work.
for (const [table, type, column] of [["posts", 0, "posts"], ["comments", 1, "comments"]]) {
  await exec.statement(`INSERT INTO ${table}_fts (${table}_fts) VALUES ('rebuild');`);
  await exec.statement(`INSERT INTO content_fingerprints (item_type, hash) SELECT DISTINCT ${type}, content_hash FROM ${table} WHERE content_hash IS NOT NULL ON CONFLICT DO NOTHING;`);
  await exec.statement(
    `INSERT INTO daily_stats (day, ${column}, duplicates, flagged)
     SELECT x.created_at / 86400000, count(*), sum(CASE WHEN f.first IS NOT NULL AND x.rowid > f.first THEN 1 ELSE 0 END), sum(CASE WHEN x.flags <> '[]' THEN 1 ELSE 0 END)
     FROM ${table} x LEFT JOIN (SELECT content_hash AS h, min(rowid) AS first FROM ${table} WHERE content_hash IS NOT NULL GROUP BY content_hash) f ON f.h = x.content_hash
     WHERE true GROUP BY x.created_at / 86400000
     ON CONFLICT (day) DO UPDATE SET ${column} = ${column} + excluded.${column}, duplicates = duplicates + excluded.duplicates, flagged = flagged + excluded.flagged;`,
  );
}
await exec.statement("UPDATE search_outbox SET op = 'upsert' WHERE op = 'create';");
await exec.close();
bar.end(written);
const seconds = (Date.now() - t0) / 1000;
// Tells `npm run bench` this state is complete and how it was made (it reuses seeded states).
if (persist) writeFileSync(path.join(persist, "seeded.json"), JSON.stringify({ posts: POSTS, seed: SEED, rows: written, seedSeconds: seconds, executor: EXECUTOR, schema: schemaVersion(root) }));
console.log(timings.join("; "));
console.log(`Seeded ${written} rows in ${seconds.toFixed(1)} s. The search outbox holds every post and comment: run the server and \`npm run search:reindex\` (or let the cron drain it).`);
