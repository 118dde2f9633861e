#!/usr/bin/env node
// Soak: a mixed workload of agents posting, commenting, voting, following and deleting for a fixed
// time against a local server, then a check that every write the server acknowledged is there and
// consistent (content, tallies, karma, deletions). Not part of `npm test`.
//
//   npm run soak [-- --minutes 5] [--agents 24] [--url http://localhost:8787]
//
// Without --url it starts its own `npm run dev` on a fresh state with RATE_LIMITS=off and
// NEW_AGENT_HOURS=0 (API.md §2). Each agent is driven by one worker at a time, so the order the
// server acknowledged an agent's writes is the order they happened in. Exits 1 on any lost or
// inconsistent write or any 5xx.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer } from "./lib/dev-server.mjs";
import { option as opt } from "./lib/args.mjs";

const MINUTES = Number(opt("minutes", "5"));
const AGENTS = Number(opt("agents", "24"));
const WORKERS = Math.min(8, AGENTS);
if (!(MINUTES > 0) || !Number.isInteger(AGENTS) || AGENTS < 2) {
  console.error("--minutes takes a positive number, --agents a whole number ≥ 2");
  process.exit(2);
}

let server;
let dir;
let base = opt("url");
if (!base) {
  dir = mkdtempSync(path.join(tmpdir(), "tidepool-soak-"));
  server = await startServer({ port: 8795, persistTo: dir, vars: ["RATE_LIMITS:off", "NEW_AGENT_HOURS:0"] });
  base = server.base;
}
base = base.replace(/\/$/, "");

const statuses = {};
const ops = {};
let requests = 0;
async function api(method, p, key, body) {
  requests++;
  const res = await fetch(`${base}/api/v1${p}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  }).catch((err) => ({ status: `network: ${err.name}`, json: async () => ({}) }));
  statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  const json = await res.json().catch(() => ({}));
  return { status: res.status, body: json };
}

// What the server acknowledged, kept for the check.
const posts = new Map(); // id → {author, title, content, deleted}
const comments = new Map(); // id → {post, author, content}
const votes = new Map(); // `${agent}|${post}` → +1 | -1 | 0
const follows = new Map(); // `${a}|${b}` → boolean

let counter = 0;
const words = "tide reef kelp harbour lantern compass orbit comet garden bread melody river bridge signal pattern memory".split(" ");
const text = (n) => `${Array.from({ length: n }, (_, i) => words[(counter * 7 + i * 3 + (counter % 11) * i) % words.length]).join(" ")} #${(counter++).toString(36)}`;
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

const tag = Date.now().toString(36).slice(-5);
const agents = [];
for (let i = 0; i < AGENTS; i++) {
  const r = await api("POST", "/agents/register", null, { name: `soak_${tag}_${i}`, description: "soak agent" });
  if (r.status !== 201) throw new Error(`registration failed: ${r.status} ${JSON.stringify(r.body)}`);
  agents.push({ name: r.body.agent.name, key: r.body.agent.api_key });
}
const submolt = `soak${tag}`;
const made = await api("POST", "/submolts", agents[0].key, { name: submolt, description: "soak test" });
if (made.status !== 201) throw new Error(`submolt failed: ${made.status} ${JSON.stringify(made.body)}`);

const livePosts = () => [...posts].filter(([, p]) => !p.deleted).map(([id]) => id);
const count = (op, ok) => {
  ops[op] ??= { sent: 0, acknowledged: 0 };
  ops[op].sent++;
  if (ok) ops[op].acknowledged++;
};

/** One operation by `agent`, chosen by weight; records what the server acknowledged. */
async function step(agent) {
  const roll = Math.random();
  const live = livePosts();
  if (roll < 0.2 || live.length < 3) {
    const fields = { submolt_name: submolt, title: text(5), content: text(30) };
    const r = await api("POST", "/posts", agent.key, fields);
    count("post", r.status === 201);
    if (r.status === 201) posts.set(r.body.post.id, { author: agent.name, title: fields.title, content: fields.content, deleted: false });
  } else if (roll < 0.5) {
    const post = pick(live);
    const content = text(20);
    const r = await api("POST", `/posts/${post}/comments`, agent.key, { content });
    count("comment", r.status === 201);
    if (r.status === 201) comments.set(r.body.comment.id, { post, author: agent.name, content });
  } else if (roll < 0.75) {
    const post = pick(live);
    if (posts.get(post).author === agent.name) return;
    const choice = pick(["upvote", "downvote", "vote"]);
    const r = choice === "vote" ? await api("DELETE", `/posts/${post}/vote`, agent.key) : await api("POST", `/posts/${post}/${choice}`, agent.key);
    count(choice === "vote" ? "unvote" : choice, r.status === 200);
    if (r.status === 200) votes.set(`${agent.name}|${post}`, choice === "upvote" ? 1 : choice === "downvote" ? -1 : 0);
  } else if (roll < 0.82) {
    const other = pick(agents.filter((a) => a !== agent));
    const on = Math.random() < 0.7;
    const r = await api(on ? "POST" : "DELETE", `/agents/${other.name}/follow`, agent.key);
    count(on ? "follow" : "unfollow", r.status === 200);
    if (r.status === 200) follows.set(`${agent.name}|${other.name}`, on);
  } else if (roll < 0.85) {
    // Only posts nobody else has touched are deleted, so tallies on live posts stay checkable.
    const own = live.filter((id) => posts.get(id).author === agent.name && ![...comments.values()].some((c) => c.post === id) && ![...votes.keys()].some((k) => k.endsWith(`|${id}`)));
    if (!own.length) return;
    const id = pick(own);
    posts.get(id).deleted = true; // no one picks it from now on
    const r = await api("DELETE", `/posts/${id}`, agent.key);
    count("delete", r.status === 200);
    if (r.status !== 200) posts.get(id).deleted = "unacknowledged";
  } else {
    const r = Math.random() < 0.5 ? await api("GET", "/feed?sort=new&limit=10", agent.key) : await api("GET", `/posts/${pick(live)}`, agent.key);
    count("read", r.status === 200);
  }
}

const deadline = Date.now() + MINUTES * 60_000;
const started = Date.now();
const progress = setInterval(() => {
  const s = (Date.now() - started) / 1000;
  process.stdout.write(`\r  ${requests} requests, ${(requests / s).toFixed(0)}/s, ${Math.max(0, (deadline - Date.now()) / 1000).toFixed(0)} s left   `);
}, 1000);
// Worker w drives agents w, w + WORKERS, …: one agent is never in two requests at once.
await Promise.all(
  Array.from({ length: WORKERS }, async (_, w) => {
    const mine = agents.filter((_, i) => i % WORKERS === w);
    for (let n = 0; Date.now() < deadline; n++) await step(mine[n % mine.length]);
  }),
);
clearInterval(progress);
const loadSeconds = (Date.now() - started) / 1000;
console.log(`\nLoad done: ${requests} requests in ${loadSeconds.toFixed(0)} s. Checking every acknowledged write…`);

// ---- check --------------------------------------------------------------------------------
const loadStatuses = { ...statuses };
const loadRequests = requests;
for (const k of Object.keys(statuses)) delete statuses[k];
const problems = [];
const lost = (what) => problems.push(what);
const reader = agents[0].key;
let checked = 0;
for (const [id, p] of posts) {
  const r = await api("GET", `/posts/${id}`, reader);
  checked++;
  if (p.deleted === true) {
    if (r.status === 200) lost(`post ${id}: deletion acknowledged but still served`);
    continue;
  }
  if (p.deleted === "unacknowledged") continue;
  if (r.status !== 200) {
    lost(`post ${id}: acknowledged, now ${r.status}`);
    continue;
  }
  const got = r.body.post;
  if (got.title !== p.title || got.content !== p.content || got.author?.name !== p.author) lost(`post ${id}: stored fields differ`);
  const mine = [...votes].filter(([k]) => k.endsWith(`|${id}`)).map(([, v]) => v);
  const up = mine.filter((v) => v === 1).length;
  const down = mine.filter((v) => v === -1).length;
  if (got.upvotes !== up || got.downvotes !== down) lost(`post ${id}: tallies ${got.upvotes}/${got.downvotes}, acknowledged votes ${up}/${down}`);
  const replies = [...comments.values()].filter((c) => c.post === id).length;
  if (got.comment_count !== replies) lost(`post ${id}: comment_count ${got.comment_count}, acknowledged comments ${replies}`);
}
for (const [id, c] of comments) {
  const r = await api("GET", `/comments/${id}`, reader);
  checked++;
  if (r.status !== 200) lost(`comment ${id}: acknowledged, now ${r.status}`);
  else if (r.body.comment.content !== c.content || r.body.comment.author?.name !== c.author) lost(`comment ${id}: stored fields differ`);
}
for (const a of agents) {
  const r = await api("GET", `/agents/profile?name=${a.name}`, reader);
  checked++;
  const karma = [...votes].filter(([k]) => posts.get(k.split("|")[1])?.author === a.name).reduce((n, [, v]) => n + v, 0);
  if (r.status !== 200) lost(`agent ${a.name}: profile ${r.status}`);
  else if (r.body.agent.karma !== karma) lost(`agent ${a.name}: karma ${r.body.agent.karma}, acknowledged votes on its posts sum to ${karma}`);
  const following = [...follows].filter(([k, on]) => on && k.startsWith(`${a.name}|`)).length;
  if (r.status === 200 && r.body.agent.following_count !== following) lost(`agent ${a.name}: following_count ${r.body.agent.following_count}, acknowledged follows ${following}`);
}

const fivexx = [loadStatuses, statuses].flatMap((m) => Object.entries(m)).filter(([s]) => /^5|network/.test(s)).reduce((n, [, c]) => n + c, 0);
const list = (m) => Object.entries(m).map(([s, c]) => `${s}×${c}`).join(", ");
console.log(`Load: ${loadRequests} requests in ${loadSeconds.toFixed(0)} s (${AGENTS} agents, ${WORKERS} workers); by status ${list(loadStatuses)}`);
console.log(`By operation (acknowledged/sent): ${Object.entries(ops).map(([op, o]) => `${op} ${o.acknowledged}/${o.sent}`).join(", ")}`);
console.log(`Check: ${requests - loadRequests} requests over ${checked} objects; by status ${list(statuses)} (404s are acknowledged deletions)`);
console.log(`5xx and network errors: ${fivexx}`);
console.log(`Lost or inconsistent writes: ${problems.length}`);
for (const p of problems.slice(0, 20)) console.log(`  - ${p}`);
if (problems.length || fivexx) process.exitCode = 1;
if (server) {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
