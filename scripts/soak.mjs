#!/usr/bin/env node
// Soak: agents posting, commenting, voting, following and reading for a fixed time against a local
// server, then a check that every write the server acknowledged is there and consistent (content,
// tallies, karma, deletions). While it runs it samples the resident memory of every process the
// server started, and fails if one grows past a bound or keeps growing. Not part of `npm test`.
//
//   npm run soak [-- --minutes 5] [--agents 24] [--connections 8] [--mix writes|load]
//                [--persist-to DIR] [--url http://localhost:8787 --pid PID]
//                [--max-rss-mb 1500] [--max-growth-mb-per-min 3] [--sample-seconds 5] [--report FILE]
//
// Without --url it starts its own `npm run dev` with RATE_LIMITS=off and NEW_AGENT_HOURS=0 (API.md
// §2), on a fresh state or on --persist-to (e.g. a network made by `npm run seed -- --persist-to`).
// `--mix load` is a reader's day on a big network: listings, feeds, search and votes over whatever
// the network holds, with a fifth of the operations the writes the check follows. Each agent is
// driven by one connection at a time, so the order the server acknowledged an agent's writes is the
// order they happened in. Exits 1 on any lost or inconsistent write, any 5xx or connection error,
// a process past --max-rss-mb, or one still growing faster than --max-growth-mb-per-min over the
// last 10 minutes (the last half of a shorter run).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer } from "./lib/dev-server.mjs";
import { oneOf, parseCommand, positiveNumber, usageError, valueOr, wholeNumber } from "./lib/cli.mjs";
import { slope, treeMemory } from "./lib/process-memory.mjs";

const USAGE = `Usage: npm run soak -- [--minutes M] [--agents N] [--connections N] [--mix writes|load]
                       [--persist-to DIR | --url URL --pid PID] [--max-rss-mb MB]
                       [--max-growth-mb-per-min MB] [--sample-seconds S] [--report FILE]

Agents write and read for a fixed time against a local server, then every acknowledged write is
checked; the server's processes' memory is sampled throughout. Exits 1 on a lost or inconsistent
write, any 5xx, or memory past the bounds. Starts its own \`npm run dev\` unless given --url.

  --minutes M                 how long to run (default 5)
  --agents N                  agents, at least 2 (default max(24, connections))
  --connections N             concurrent connections, 1 to agents (default 8)
  --mix M                     writes (default) or load (a reader's day on a big network)
  --persist-to DIR            the state its server uses, e.g. a seeded network (default a fresh one)
  --url URL                   a server already running (with RATE_LIMITS=off, NEW_AGENT_HOURS=0)
  --pid PID                   with --url: the process whose tree's memory is sampled
  --max-rss-mb MB             fails past this resident memory per process (default 1500)
  --max-growth-mb-per-min MB  fails when memory keeps growing faster (default 3)
  --sample-seconds S          memory sampling interval (default 5)
  --report FILE               writes the run's figures as JSON
  -h, --help                  this text

Example: npm run soak -- --minutes 10 --mix load --persist-to .wrangler/big`;
const { values: args } = parseCommand({
  usage: USAGE,
  options: {
    minutes: { type: "string", default: "5" },
    agents: { type: "string" },
    connections: { type: "string", default: "8" },
    mix: { type: "string", default: "writes" },
    "persist-to": { type: "string" },
    url: { type: "string" },
    pid: { type: "string" },
    "max-rss-mb": { type: "string", default: "1500" },
    "max-growth-mb-per-min": { type: "string", default: "3" },
    "sample-seconds": { type: "string", default: "5" },
    report: { type: "string" },
  },
});
const MINUTES = positiveNumber(args, "minutes", USAGE);
const CONNECTIONS = wholeNumber(args, "connections", USAGE, { min: 1 });
const AGENTS = wholeNumber(valueOr(args, "agents", Math.max(24, CONNECTIONS)), "agents", USAGE, { min: Math.max(2, CONNECTIONS) });
const MIX = oneOf(args, "mix", ["writes", "load"], USAGE);
const SAMPLE_SECONDS = positiveNumber(args, "sample-seconds", USAGE);
const MAX_RSS_MB = positiveNumber(args, "max-rss-mb", USAGE);
const MAX_GROWTH = Number(args["max-growth-mb-per-min"]);
if (!(MAX_GROWTH >= 0)) usageError(`--max-growth-mb-per-min takes a number ≥ 0, got "${args["max-growth-mb-per-min"]}"`, USAGE);
if (args.url && args["persist-to"]) usageError("--url is a server already running: --persist-to is for the one soak starts", USAGE);
const PORT = 8795;

let server;
let dir;
let base = args.url;
let rootPid = args.pid ? wholeNumber(args, "pid", USAGE, { min: 1 }) : null;
let publicPort = null;
if (!base) {
  dir = args["persist-to"] ?? mkdtempSync(path.join(tmpdir(), "tidepool-soak-"));
  server = await startServer({ port: PORT, persistTo: dir, vars: ["RATE_LIMITS:off", "NEW_AGENT_HOURS:0"] });
  base = server.base;
  rootPid = server.pid;
  publicPort = PORT;
} else {
  publicPort = Number(new URL(base).port || 80);
}
base = base.replace(/\/$/, "");

// ---- memory ---------------------------------------------------------------------------------
/** One row per sample: minutes since the start, then MB per process name. */
const samples = [];
const memoryStarted = Date.now();
function sampleMemory() {
  if (!rootPid) return;
  const row = { minute: (Date.now() - memoryStarted) / 60_000, rss: {} };
  // Two processes may share a name (two workerd): number them in start order.
  const seen = {};
  for (const p of treeMemory(rootPid, publicPort)) {
    seen[p.name] = (seen[p.name] ?? 0) + 1;
    row.rss[seen[p.name] > 1 ? `${p.name} #${seen[p.name]}` : p.name] = p.rssMb;
  }
  samples.push(row);
}
sampleMemory();
const sampler = setInterval(sampleMemory, SAMPLE_SECONDS * 1000);

const statuses = {};
/** A server that stops answering ends the load early: 100 connection failures in a row. */
let refusedInARow = 0;
let stoppedAt = null;
const ops = {};
let requests = 0;
async function api(method, p, key, body) {
  requests++;
  const res = await fetch(`${base}/api/v1${p}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  }).catch((err) => ({ status: `network: ${err.cause?.code ?? err.name}`, json: async () => ({}) }));
  statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  refusedInARow = typeof res.status === "string" ? refusedInARow + 1 : 0;
  if (refusedInARow >= 100 && stoppedAt === null) stoppedAt = (Date.now() - memoryStarted) / 60_000;
  const json = await res.json().catch(() => ({}));
  return { status: res.status, body: json };
}

// What the server acknowledged, kept for the check.
const posts = new Map(); // id → {author, title, content, deleted}
const comments = new Map(); // id → {post, author, content}
const votes = new Map(); // `${agent}|${post}` → +1 | -1 | 0
const follows = new Map(); // `${a}|${b}` → boolean
/** Votes on the network's own posts: their tallies predate the run, so the check reads user_vote. */
const networkVotes = new Map(); // `${agentIndex}|${post}` → +1 | -1
/** Live soak posts as an array (picked from on every step) and the ones someone else commented or voted on. */
const live = [];
const touched = new Set();

let counter = 0;
const words = "tide reef kelp harbour lantern compass orbit comet garden bread melody river bridge signal pattern memory".split(" ");
const text = (n) => `${Array.from({ length: n }, (_, i) => words[(counter * 7 + i * 3 + (counter % 11) * i) % words.length]).join(" ")} #${(counter++).toString(36)}`;
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

const tag = Date.now().toString(36).slice(-5);
const agents = [];
for (let i = 0; i < AGENTS; i++) {
  const r = await api("POST", "/agents/register", null, { name: `soak_${tag}_${i}`, description: "soak agent" });
  if (r.status !== 201) throw new Error(`registration failed: ${r.status} ${JSON.stringify(r.body)}`);
  agents.push({ index: i, name: r.body.agent.name, key: r.body.agent.api_key, posts: [] });
}
const submolt = `soak${tag}`;
const made = await api("POST", "/submolts", agents[0].key, { name: submolt, description: "soak test" });
if (made.status !== 201) throw new Error(`submolt failed: ${made.status} ${JSON.stringify(made.body)}`);

const count = (op, ok) => {
  ops[op] ??= { sent: 0, acknowledged: 0 };
  ops[op].sent++;
  if (ok) ops[op].acknowledged++;
};

function forget(id) {
  const i = live.indexOf(id);
  if (i >= 0) live[i] = live[live.length - 1];
  if (i >= 0) live.pop();
}

/** One write (or a read of soak content) by `agent`, chosen by weight; records what the server acknowledged. */
async function step(agent) {
  const roll = Math.random();
  if (roll < 0.2 || live.length < 3) {
    const fields = { submolt_name: submolt, title: text(5), content: text(30) };
    const r = await api("POST", "/posts", agent.key, fields);
    count("post", r.status === 201);
    if (r.status !== 201) return;
    posts.set(r.body.post.id, { author: agent.name, title: fields.title, content: fields.content, deleted: false });
    live.push(r.body.post.id);
    agent.posts.push(r.body.post.id);
  } else if (roll < 0.5) {
    const post = pick(live);
    const content = text(20);
    touched.add(post);
    const r = await api("POST", `/posts/${post}/comments`, agent.key, { content });
    count("comment", r.status === 201);
    if (r.status === 201) comments.set(r.body.comment.id, { post, author: agent.name, content });
  } else if (roll < 0.75) {
    const post = pick(live);
    if (posts.get(post).author === agent.name) return;
    const choice = pick(["upvote", "downvote", "vote"]);
    touched.add(post);
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
    const own = agent.posts.filter((id) => !posts.get(id).deleted && !touched.has(id));
    if (!own.length) return;
    const id = pick(own);
    posts.get(id).deleted = true; // no one picks it from now on
    forget(id);
    const r = await api("DELETE", `/posts/${id}`, agent.key);
    count("delete", r.status === 200);
    if (r.status !== 200) posts.get(id).deleted = "unacknowledged";
  } else {
    const r = Math.random() < 0.5 ? await api("GET", "/feed?sort=new&limit=10", agent.key) : await api("GET", `/posts/${pick(live)}`, agent.key);
    count("read", r.status === 200);
  }
}

// ---- a reader's day on the whole network (--mix load) ----------------------------------------
const network = { submolts: [], posts: [], words: [] };
const SORTS = ["hot", "new", "top", "rising"];

/** Remembers what a listing showed: post ids to read and vote on, title words to search for. */
function learn(list) {
  for (const p of list ?? []) {
    // The run's own posts are voted on by step(), whose votes the check counts into their tallies;
    // a listing can show one before its author's 201 has arrived, so they are told apart by author.
    if (String(p.author?.name ?? "").startsWith(`soak_${tag}_`)) continue;
    if (network.posts.length < 5000) network.posts.push(p.id);
    else network.posts[Math.floor(Math.random() * network.posts.length)] = p.id;
    for (const w of String(p.title ?? "").toLowerCase().match(/[a-z]{4,}/g) ?? []) {
      if (network.words.length < 2000) network.words.push(w);
    }
  }
}

if (MIX === "load") {
  const subs = await api("GET", "/submolts?sort=popular&limit=100");
  network.submolts = (subs.body.submolts ?? []).map((x) => x.name);
  for (const sort of SORTS) learn((await api("GET", `/posts?sort=${sort}&limit=100`)).body.posts);
  // Each agent reads a feed of three submolts and two authors, like an agent that has settled in.
  const authors = [...new Set(network.posts)].slice(0, 200);
  for (const a of agents) {
    for (let i = 0; i < 3 && network.submolts.length; i++) await api("POST", `/submolts/${pick(network.submolts)}/subscribe`, a.key);
    for (let i = 0; i < 2 && authors.length; i++) {
      const post = await api("GET", `/posts/${pick(authors)}`, a.key);
      const name = post.body.post?.author?.name;
      if (!name || name === a.name) continue;
      const r = await api("POST", `/agents/${name}/follow`, a.key);
      if (r.status === 200) follows.set(`${a.name}|${name}`, true);
    }
  }
}

async function loadStep(agent) {
  const roll = Math.random();
  if (roll < 0.2 || (roll >= 0.75 && network.posts.length === 0)) return step(agent);
  if (roll < 0.45) {
    const inSubmolt = network.submolts.length && Math.random() < 0.4;
    const path = inSubmolt ? `/submolts/${pick(network.submolts)}/feed?sort=${pick(["hot", "new"])}&limit=25` : `/posts?sort=${pick(SORTS)}&limit=25&offset=${pick([0, 0, 25, 50])}`;
    const r = await api("GET", path, agent.key);
    count("listing", r.status === 200);
    learn(r.body.posts);
  } else if (roll < 0.6) {
    const r = await api("GET", `/feed?sort=${pick(["hot", "new"])}&limit=25`, agent.key);
    count("feed", r.status === 200);
  } else if (roll < 0.75) {
    const vocabulary = network.words.length ? network.words : words;
    const q = Math.random() < 0.5 ? pick(vocabulary) : `${pick(vocabulary)} ${pick(vocabulary)}`;
    const r = await api("GET", `/search?q=${encodeURIComponent(q)}&limit=20`, agent.key);
    count("search", r.status === 200);
  } else if (roll < 0.9) {
    const post = pick(network.posts);
    const up = Math.random() < 0.75;
    const r = await api("POST", `/posts/${post}/${up ? "upvote" : "downvote"}`, agent.key);
    // 400: the agent's own post (it follows authors it may also be); 404: deleted since it was listed.
    count("vote (network)", r.status === 200 || r.status === 400 || r.status === 404);
    if (r.status === 200) networkVotes.set(`${agent.index}|${post}`, up ? 1 : -1);
  } else {
    const r = await api("GET", `/posts/${pick(network.posts)}`, agent.key);
    count("read (network)", r.status === 200 || r.status === 404);
  }
}

const deadline = Date.now() + MINUTES * 60_000;
const started = Date.now();
const latest = () => samples.at(-1)?.rss ?? {};
const memoryLine = () => Object.entries(latest()).map(([name, mb]) => `${name} ${mb.toFixed(0)} MB`).join(", ");
const status = () => {
  const s = (Date.now() - started) / 1000;
  return `${requests} requests, ${(requests / s).toFixed(0)}/s, ${Math.max(0, (deadline - Date.now()) / 1000).toFixed(0)} s left`;
};
// On a terminal one line redrawn each second; in a log, a plain line every 30 s.
const tty = process.stdout.isTTY;
const progress = setInterval(
  () => (tty ? process.stdout.write(`\r  ${status()}   `) : console.log(`  ${status()}; ${memoryLine()}`)),
  tty ? 1000 : 30_000,
);
// Connection w drives agents w, w + CONNECTIONS, …: one agent is never in two requests at once.
const act = MIX === "load" ? loadStep : step;
await Promise.all(
  Array.from({ length: CONNECTIONS }, async (_, w) => {
    const mine = agents.filter((_, i) => i % CONNECTIONS === w);
    for (let n = 0; Date.now() < deadline && stoppedAt === null; n++) await act(mine[n % mine.length]);
  }),
);
clearInterval(progress);
clearInterval(sampler);
sampleMemory();
const loadSeconds = (Date.now() - started) / 1000;
if (stoppedAt !== null) {
  console.log(`\nThe server stopped answering at minute ${stoppedAt.toFixed(1)} (100 connection failures in a row); last memory sample: ${memoryLine()}`);
  for (const line of memoryReport().lines) console.log(line);
  if (server) await server.stop();
  process.exit(1);
}
console.log(`\nLoad done: ${requests} requests in ${loadSeconds.toFixed(0)} s. Checking every acknowledged write…`);

// ---- check --------------------------------------------------------------------------------
const loadStatuses = { ...statuses };
const loadRequests = requests;
for (const k of Object.keys(statuses)) delete statuses[k];
const problems = [];
const lost = (what) => problems.push(what);
const reader = agents[0].key;
let checked = 0;
const votesOn = new Map(); // post → acknowledged votes on it
for (const [k, v] of votes) {
  const post = k.slice(k.indexOf("|") + 1);
  votesOn.set(post, [...(votesOn.get(post) ?? []), v]);
}
const repliesTo = new Map();
for (const c of comments.values()) repliesTo.set(c.post, (repliesTo.get(c.post) ?? 0) + 1);
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
  const mine = votesOn.get(id) ?? [];
  const up = mine.filter((v) => v === 1).length;
  const down = mine.filter((v) => v === -1).length;
  if (got.upvotes !== up || got.downvotes !== down) lost(`post ${id}: tallies ${got.upvotes}/${got.downvotes}, acknowledged votes ${up}/${down}`);
  const replies = repliesTo.get(id) ?? 0;
  if (got.comment_count !== replies) lost(`post ${id}: comment_count ${got.comment_count}, acknowledged comments ${replies}`);
}
for (const [id, c] of comments) {
  const r = await api("GET", `/comments/${id}`, reader);
  checked++;
  if (r.status !== 200) lost(`comment ${id}: acknowledged, now ${r.status}`);
  else if (r.body.comment.content !== c.content || r.body.comment.author?.name !== c.author) lost(`comment ${id}: stored fields differ`);
}
const karmaOf = new Map();
for (const [k, v] of votes) {
  const author = posts.get(k.slice(k.indexOf("|") + 1))?.author;
  karmaOf.set(author, (karmaOf.get(author) ?? 0) + v);
}
for (const a of agents) {
  const r = await api("GET", `/agents/profile?name=${a.name}`, reader);
  checked++;
  const karma = karmaOf.get(a.name) ?? 0;
  if (r.status !== 200) lost(`agent ${a.name}: profile ${r.status}`);
  else if (r.body.agent.karma !== karma) lost(`agent ${a.name}: karma ${r.body.agent.karma}, acknowledged votes on its posts sum to ${karma}`);
  const following = [...follows].filter(([k, on]) => on && k.startsWith(`${a.name}|`)).length;
  if (r.status === 200 && r.body.agent.following_count !== following) lost(`agent ${a.name}: following_count ${r.body.agent.following_count}, acknowledged follows ${following}`);
}
// Votes on the network's posts: each agent still sees its own (a sample; their tallies predate the run).
for (const [k, v] of [...networkVotes].slice(0, 300)) {
  const [index, post] = k.split("|");
  const r = await api("GET", `/posts/${post}`, agents[Number(index)].key);
  checked++;
  if (r.status === 200 && r.body.post.user_vote !== v) lost(`post ${post}: ${agents[Number(index)].name}'s acknowledged vote ${v}, user_vote ${r.body.post.user_vote}`);
}

// ---- memory verdict -------------------------------------------------------------------------
/** Per process: first, peak and last RSS, and the slope over the last 10 minutes (the last half of a shorter run). */
function memoryReport() {
  if (samples.length < 2) return { lines: ["Memory: not sampled (give --pid with --url)"], failures: [] };
  const end = samples.at(-1).minute;
  const from = end >= 20 ? end - 10 : end / 2;
  const names = [...new Set(samples.flatMap((r) => Object.keys(r.rss)))];
  const lines = [`Memory (RSS MB; slope over minutes ${from.toFixed(1)}–${end.toFixed(1)}; bounds ${MAX_RSS_MB} MB, ${MAX_GROWTH} MB/min):`];
  const failures = [];
  for (const name of names) {
    const series = samples.filter((r) => r.rss[name] !== undefined).map((r) => ({ x: r.minute, y: r.rss[name] }));
    const peak = Math.max(...series.map((p) => p.y));
    const trend = slope(series.filter((p) => p.x >= from));
    lines.push(`  ${name.padEnd(44)} start ${series[0].y.toFixed(0).padStart(5)}  peak ${peak.toFixed(0).padStart(5)}  end ${series.at(-1).y.toFixed(0).padStart(5)}  slope ${trend.toFixed(2).padStart(6)} MB/min`);
    if (peak > MAX_RSS_MB) failures.push(`${name} reached ${peak.toFixed(0)} MB (bound ${MAX_RSS_MB})`);
    if (trend > MAX_GROWTH) failures.push(`${name} still grows ${trend.toFixed(2)} MB/min (bound ${MAX_GROWTH})`);
  }
  // The curve, one row a minute, for the note or a chart.
  lines.push(`  ${"minute".padStart(6)}  ${names.map((n) => n.slice(0, 24).padStart(24)).join(" ")}`);
  for (let m = 0; m <= Math.floor(end); m++) {
    const row = samples.find((r) => r.minute >= m);
    if (row) lines.push(`  ${String(m).padStart(6)}  ${names.map((n) => (row.rss[n] === undefined ? "-" : row.rss[n].toFixed(0)).padStart(24)).join(" ")}`);
  }
  return { lines, failures };
}

const fivexx = [loadStatuses, statuses].flatMap((m) => Object.entries(m)).filter(([s]) => /^5|network/.test(s)).reduce((n, [, c]) => n + c, 0);
const list = (m) => Object.entries(m).map(([s, c]) => `${s}×${c}`).join(", ");
console.log(`Load: ${loadRequests} requests in ${loadSeconds.toFixed(0)} s (${AGENTS} agents, ${CONNECTIONS} connections, --mix ${MIX}); by status ${list(loadStatuses)}`);
console.log(`By operation (acknowledged/sent): ${Object.entries(ops).map(([op, o]) => `${op} ${o.acknowledged}/${o.sent}`).join(", ")}`);
console.log(`Check: ${requests - loadRequests} requests over ${checked} objects; by status ${list(statuses)} (404s are acknowledged deletions)`);
console.log(`5xx and network errors: ${fivexx}`);
console.log(`Lost or inconsistent writes: ${problems.length}`);
for (const p of problems.slice(0, 20)) console.log(`  - ${p}`);
const memory = memoryReport();
for (const line of memory.lines) console.log(line);
for (const f of memory.failures) console.log(`  ✗ ${f}`);
const report = args.report;
if (report) writeFileSync(report, JSON.stringify({ minutes: MINUTES, connections: CONNECTIONS, mix: MIX, requests: loadRequests, statuses: loadStatuses, ops, samples }, null, 1));
if (problems.length || fivexx || memory.failures.length) process.exitCode = 1;
if (server) {
  await server.stop();
  if (!args["persist-to"]) rmSync(dir, { recursive: true, force: true });
}
