#!/usr/bin/env node
// The benchmark: seeds (once, cached in .bench/) networks of 10k, 100k and 1M posts, serves a copy
// of each with `npm run dev`, drives it with autocannon and writes BENCHMARKS.md, the chart and the
// raw figures. Every number in the report comes from this run.
//
//   npm run bench                      10k, 100k, 1M posts; 10 s per workload
//   npm run bench -- --quick           10k posts; 3 s per workload; report in .bench/ (< 3 minutes)
//   npm run bench -- --sizes 10000,100000 --duration 5 --connections 10 [--out DIR]
//   npm run bench -- --storage postgres   the same on PostgreSQL (the seeded network moved into a
//                                         local cluster); BENCHMARKS.md shows both stores
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { localDatabaseFile, schemaVersion } from "../scripts/lib/local-d1.mjs";
import { capacity } from "./lib/capacity.mjs";
import { SETTINGS, SETTINGS_REASONS, dropRunDatabase, postgresCapacity, postgresVersion, runDatabase, seededPostgres, stopPostgres, tupleCounter } from "./lib/postgres.mjs";
import { writeReport } from "./lib/report.mjs";
import { searchQuality } from "./lib/search-eval.mjs";
import { root, startServer } from "./lib/server.mjs";
import { cycle, measure, measureInterleaved, seededAgent, seededSubmolt } from "./lib/workloads.mjs";
import { oneOf, parseCommand, positiveNumber, usageError, valueOr, wholeNumber } from "../scripts/lib/cli.mjs";

const argv = process.argv.slice(2);

// The last commit before search read its matches in tiers (issue 40): the quality to hold.
const EVAL_BEFORE = "caa262f^";
const USAGE = `Usage: npm run bench -- [--quick] [--sizes N,N] [--duration S] [--connections N] [--storage d1|postgres]
                        [--eval-before COMMIT] [--out DIR] [--report-only]

Seeds networks of each size once (cached in .bench/), serves a copy of each with \`npm run dev\`,
drives every workload with autocannon and writes BENCHMARKS.md, bench/latency.svg and
bench/results.json. Every number in the report comes from the run.

  --quick            10k posts, 3 s per workload, report in .bench/quick (under 3 minutes)
  --sizes N,N        posts per network, each ≥ 1000 (default 10000,100000,1000000)
  --duration S       seconds per workload (default 10; 3 with --quick)
  --connections N    concurrent connections (default 10)
  --storage S        d1 (default) or postgres: the network moved into a local cluster
                     (npm run migrate:to-postgres); BENCHMARKS.md shows both stores
  --eval-before C    search quality (npm run search:eval) is measured on this tree and on commit C
                     (default ${EVAL_BEFORE}, before search read tiers; "none" skips it); not with --quick
  --out DIR          write the report there instead of the repository's root
  --report-only      BENCHMARKS.md again from bench/results.json (no server, no load)
  -h, --help         this text

Example: npm run bench -- --sizes 10000,100000 --duration 5`;
const { values: args } = parseCommand({
  usage: USAGE,
  options: {
    quick: { type: "boolean", default: false },
    sizes: { type: "string" },
    duration: { type: "string" },
    connections: { type: "string", default: "10" },
    storage: { type: "string", default: "d1" },
    out: { type: "string" },
    "eval-before": { type: "string" },
    "report-only": { type: "boolean", default: false },
  },
});
const quick = args.quick;
const SIZES = (args.sizes ?? (quick ? "10000" : "10000,100000,1000000")).split(",").map(Number);
if (SIZES.some((n) => !Number.isInteger(n) || n < 1000)) usageError(`--sizes takes whole numbers ≥ 1000 separated by commas, got "${args.sizes}"`, USAGE);
const DURATION = positiveNumber(valueOr(args, "duration", quick ? 3 : 10), "duration", USAGE);
const CONNECTIONS = wholeNumber(args, "connections", USAGE, { min: 1 });
const SEED = 42;
const PORT = 8793;
const FEED_AGENTS = 300;
const STORAGE = oneOf(args, "storage", ["d1", "postgres"], USAGE);
const stateRoot = path.join(root, ".bench");

// Each store's figures are one run of their own (results.json: D1's at the top, PostgreSQL's under
// "postgres"); a run on one store keeps the other's as they were measured.
const savedFile = path.join(root, "bench", "results.json");
const saved = existsSync(savedFile) ? JSON.parse(readFileSync(savedFile, "utf8")) : null;
const savedRuns = { d1: saved?.sizes ? { ...saved, postgres: undefined } : null, postgres: saved?.postgres ?? null };
// --report-only: BENCHMARKS.md again from bench/results.json (the figures and versions as measured),
// after a change to the report's text; no server, no load.
if (args["report-only"]) {
  writeReport({ out: root, argv: ["--report-only"], runs: savedRuns });
  console.log("Report: BENCHMARKS.md (re-rendered from bench/results.json)");
  process.exit(0);
}
const wrangler = path.join(root, "node_modules", ".bin", "wrangler");

// The server as load tests run it (API.md §2): the rate gate on (every request pays its Durable
// Object round trip) with the write limits at their defaults; raised are the two per-network buckets
// a single load-generating IP would exhaust at once (registration, anonymous reads) and the
// per-agent request count (the feed and home agents make more than 100 requests a minute, then
// post), and bench agents are not "new". The seeded network ends on 2026-11-01: a retention window
// covering it keeps its near-duplicate signatures matched against (as a month-old network's are)
// instead of pruned by the dev cron mid-run. (startServer keeps the request log off, so the figures
// stay comparable with the runs before it existed.)
const VARS = ["BENCH_ROUTES:on", "NEW_AGENT_HOURS:0", "LIMIT_REGISTER:100000000/60", "LIMIT_REQUESTS:100000000/60", "LIMIT_ANON_READS:1000000000/60", "PAGE_CACHE_SECONDS:0", "API_CACHE_SECONDS:0", "NEAR_DUPLICATE_RETENTION_DAYS:3650"];

function sh(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" } });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status})`);
}

/**
 * The seeded state for `posts`, made once and kept in .bench/ (the seed's marker says it is complete
 * and under which schema: a state seeded before a migration is seeded again, since the seed writes
 * what the schema of its day had).
 */
function seededState(posts) {
  const dir = path.join(stateRoot, `posts-${posts}-seed-${SEED}`);
  const marker = path.join(dir, "seeded.json");
  if (!existsSync(marker) || JSON.parse(readFileSync(marker, "utf8")).schema !== schemaVersion(root)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    console.log(`\n== seeding ${posts} posts into ${path.relative(root, dir)}`);
    sh(process.execPath, ["--max-old-space-size=8192", "scripts/seed.mjs", "--posts", String(posts), "--seed", String(SEED), "--persist-to", dir], "seeding");
  }
  const info = JSON.parse(readFileSync(marker, "utf8"));
  if (!info.outboxEmptied) {
    // A live network's content is already indexed; the local vector index (an offline stand-in for
    // Vectorize) cannot hold millions of items, so seeded content is searchable by keyword only and
    // the outbox starts empty. Content the benchmark writes is indexed as usual.
    const empty = "DELETE FROM search_outbox";
    // Millions of rows: straight to the file when sqlite3 is there (wrangler's local execute may time out).
    if (spawnSync("sqlite3", ["-version"]).status === 0) sh("sqlite3", [localDatabaseFile(root, dir), empty], "emptying the search outbox");
    else sh(wrangler, ["d1", "execute", "DB", "--local", "--persist-to", dir, "--command", empty], "emptying the search outbox");
    info.outboxEmptied = true;
    writeFileSync(marker, JSON.stringify(info));
  }
  if (!info.biggestThreads) {
    info.biggestThreads = biggestThreads(dir);
    writeFileSync(marker, JSON.stringify(info));
  }
  return { dir, ...info };
}

/**
 * The seeded network's five busiest threads (the seed gives comments to posts Zipf-like, so the
 * first holds about a tenth of all comments): one scan of posts, once per seed, kept in its marker.
 */
function biggestThreads(dir) {
  const query = "SELECT id, comment_count FROM posts ORDER BY comment_count DESC LIMIT 5";
  const r =
    spawnSync("sqlite3", ["-version"]).status === 0
      ? spawnSync("sqlite3", ["-json", localDatabaseFile(root, dir), query], { encoding: "utf8" })
      : spawnSync(wrangler, ["d1", "execute", "DB", "--local", "--persist-to", dir, "--json", "--command", query], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`finding the biggest threads failed: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout);
  const rows = Array.isArray(parsed[0]?.results) ? parsed[0].results : parsed;
  return rows.map((row) => ({ id: row.id, comments: row.comment_count }));
}

async function getJson(base, p, headers = {}) {
  const res = await fetch(`${base}${p}`, { headers });
  if (!res.ok) throw new Error(`GET ${p}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * Bytes a read answers in the full and the compact view (issue 42), over `samples` of the workload's
 * own requests, each asked both ways: a language model reads every byte of them.
 */
async function viewBytes(base, spec, samples = 5) {
  const bytes = { full: 0, compact: 0, text: 0 };
  for (let i = 0; i < samples; i++) {
    const { path: p, headers = {} } = spec.next();
    for (const view of ["full", "compact"]) {
      const res = await fetch(`${base}${p}${view === "compact" ? `${p.includes("?") ? "&" : "?"}view=compact` : ""}`, { headers });
      const body = await res.arrayBuffer();
      if (!res.ok) throw new Error(`GET ${p} (${view}): ${res.status} ${new TextDecoder().decode(body).slice(0, 300)}`);
      bytes[view] += body.byteLength;
      if (view === "compact") bytes.text += textBytes(JSON.parse(new TextDecoder().decode(body)));
    }
  }
  return { full: bytes.full / samples, compact: bytes.compact / samples, text: bytes.text / samples };
}

/** The bytes of a body's titles and contents, as JSON spells them: what no view can leave out. */
function textBytes(v) {
  if (Array.isArray(v)) return v.reduce((n, x) => n + textBytes(x), 0);
  if (!v || typeof v !== "object") return 0;
  return Object.entries(v).reduce((n, [k, x]) => n + ((k === "title" || k === "content") && typeof x === "string" ? Buffer.byteLength(JSON.stringify(x)) : textBytes(x)), 0);
}

async function post(base, p, key, body) {
  const res = await fetch(`${base}${p}`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body ?? {}) });
  await res.arrayBuffer();
  return res.status;
}

/** The cron's runs a server logged (worker/index.ts logs one JSON line per run): when and how long. */
function cronRunsOf(server) {
  return server.crons().map((j) => ({ startedAt: j.started_at, ms: j.duration_ms, failed: Object.values(j.tasks).some((t) => t !== "ok") }));
}

/**
 * The work a write workload left for after its responses, once it is done: waits until the server
 * logs no drain pass for two seconds (at most a minute), then sums the passes logged since the
 * `from`-th (worker/middleware/index-drain.ts logs one per pass on benchmark servers) per
 * acknowledged write. Rows are D1's own meta (PostgreSQL: none).
 */
async function afterResponses(server, from, r) {
  const started = Date.now();
  let seen = -1;
  let quietSince = Date.now();
  while (Date.now() - started < 60_000) {
    const n = server.drains().length;
    if (n !== seen) {
      seen = n;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= 2_000) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const passes = server.drains().slice(from);
  const acknowledged = Object.entries(r.statuses).filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0) || 1;
  const sum = (k) => passes.reduce((n, p) => n + (p[k] ?? 0), 0);
  return {
    passes: passes.length,
    idleAfterMs: quietSince - started,
    // Statements: D1's meta comes per statement (a batch is one call of many).
    statements: sum("d1_statements") / acknowledged,
    calls: sum("d1_calls") / acknowledged,
    rowsRead: sum("rows_read") / acknowledged,
    rowsWritten: sum("rows_written") / acknowledged,
  };
}

/** Runs `fn` over items with `n` in flight. */
async function pool(items, n, fn) {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await fn(items[i++]);
  }));
}

const words = "tide reef kelp current harbour signal pattern memory context orbit comet garden bread melody river bridge lantern compass".split(" ");
let textCounter = 0;
/** Distinct, varied text: the exact-duplicate and near-duplicate checks run on every write as usual. */
function text(n) {
  const k = textCounter++;
  return Array.from({ length: n }, (_, i) => words[(k * 7 + i * (k % 5 + 1) + Math.floor(k / (i + 1))) % words.length]).join(" ") + ` #${k.toString(36)}`;
}

async function benchSize(posts, measureCapacity) {
  const state = seededState(posts);
  const runDir = path.join(stateRoot, "run");
  rmSync(runDir, { recursive: true, force: true });
  let serve;
  let pgSeed = null;
  let pgRun = null;
  if (STORAGE === "postgres") {
    pgSeed = await seededPostgres(root, stateRoot, state);
    console.log(`\n== ${posts} posts: copying the PostgreSQL database (the copy takes the writes)`);
    pgRun = await runDatabase(stateRoot, pgSeed);
    // The run's D1 holds only what stays local on either store (the local vector index).
    mkdirSync(runDir, { recursive: true });
    serve = (vars) => startServer({ port: PORT, persistTo: runDir, vars, args: ["--storage", "postgres"], env: { DATABASE_URL: pgRun.url } });
  } else {
    console.log(`\n== ${posts} posts: copying the seeded state (the copy takes the writes)`);
    cpSync(state.dir, runDir, { recursive: true });
    serve = (vars) => startServer({ port: PORT, persistTo: runDir, vars });
  }
  let server = await serve(VARS);
  const base = server.base;
  const results = {};
  // On PostgreSQL, reads also get the tuples the server read for them (it reports no rows per call).
  const tuples = pgRun ? tupleCounter(pgRun.direct) : null;
  /** One workload's line on the console, and the server's log when it answered a 5xx. */
  const show = (name, r, note = "") => {
    const bad = Object.entries(r.statuses).filter(([s]) => s >= 300).map(([s, c]) => `${s}×${c}`).join(" ");
    const counted = STORAGE === "postgres" ? `statements ${r.statements?.toFixed(1) ?? "-"}${r.tuplesRead === undefined ? "" : `, tuples read ${r.tuplesRead.toFixed(1)}`}` : `D1 calls ${r.calls?.toFixed(1) ?? "-"} (statements ${r.statements?.toFixed(1) ?? "-"}), rows read ${r.rowsRead?.toFixed(1) ?? "-"} written ${r.rowsWritten?.toFixed(1) ?? "-"}`;
    const f = (x, d, w) => (x === undefined ? "-" : x.toFixed(d)).padStart(w);
    console.log(`  ${name.padEnd(22)}${f(r.rps, 0, 6)} req/s  p50 ${f(r.p50, 2, 7)} ms  p99 ${f(r.p99, 2, 7)} ms  errors ${r.errors}${bad ? ` (${bad})` : ""}  ${counted}, Gate calls ${r.gateCalls?.toFixed(1) ?? "-"}${note}`);
    // A server error, or connections refused (a server that died: a PostgreSQL run's 100k vote pass
    // once met 20,242 of them and left no log), is the server's to explain: show what it logged.
    if (Object.keys(r.statuses).some((s) => s >= 500) || r.errors > 0) console.log(server.output().split("\n").slice(-40).map((l) => `    | ${l}`).join("\n"));
  };
  const run = async (name, spec, { countTuples = false, derived = false, views = false } = {}) => {
    const before = countTuples && tuples ? await tuples.read() : null;
    const from = server.drains().length;
    const r = await measure(base, { connections: CONNECTIONS, duration: DURATION, ...spec });
    if (before !== null) r.tuplesRead = ((await tuples.read()) - before) / r.requests;
    // A write's derived work runs after its response: measured once the drains are idle.
    if (derived) r.after = await afterResponses(server, from, r);
    if (views) r.bytes = await viewBytes(base, spec);
    results[name] = r;
    const bytes = r.bytes ? `; ${Math.round(r.bytes.full)} bytes, compact ${Math.round(r.bytes.compact)} (${((100 * r.bytes.compact) / r.bytes.full).toFixed(0)}%)` : "";
    const after = r.after ? `; after the response: ${r.after.passes} drain passes, idle ${(r.after.idleAfterMs / 1000).toFixed(1)} s after the workload, ${r.after.calls.toFixed(2)} D1 calls (${r.after.statements.toFixed(1)} statements) and ${r.after.rowsWritten.toFixed(1)} rows written per write` : "";
    show(name, r, after + bytes);
    return r;
  };
  const runInterleaved = async (pairs) => {
    const measured = await measureInterleaved(base, pairs.map(([, spec]) => spec), { connections: CONNECTIONS, duration: DURATION, slices: 5 });
    for (const [i, [name]] of pairs.entries()) {
      results[name] = measured[i];
      show(name, measured[i], " (interleaved)");
    }
  };
  try {
    const agents = Array.from({ length: Math.min(posts, 500) }, (_, i) => seededAgent(i, SEED));
    const submolts = Array.from({ length: 10 }, (_, i) => seededSubmolt(i, SEED));
    const hotIds = (await getJson(base, "/api/v1/posts?sort=hot&limit=50")).posts.map((p) => p.id);
    const topIds = (await getJson(base, "/api/v1/posts?sort=top&limit=50")).posts.map((p) => p.id);
    const postIds = [...new Set([...hotIds.slice(0, 25), ...topIds.slice(0, 25)])];
    const queries = ["humpback whales", "sourdough starter", "northern lights", "borrow checker", "credit card", "marathon training", "coral reef", "kernel panic"];

    const get = (paths) => {
      const nextPath = cycle(paths);
      return { next: () => ({ path: nextPath() }) };
    };
    const reads = {
      "posts hot": get(["/api/v1/posts?sort=hot&limit=25"]),
      "posts new": get(["/api/v1/posts?sort=new&limit=25"]),
      "posts top": get(["/api/v1/posts?sort=top&limit=25"]),
      "posts top day": get(["/api/v1/posts?sort=top&t=day&limit=25"]),
      "submolt hot": get(submolts.slice(0, 3).map((s) => `/api/v1/submolts/${s}/feed?sort=hot&limit=25`)),
      "post + comments": get(postIds.map((id) => `/api/v1/posts/${id}`)),
      "biggest threads": get(state.biggestThreads.map(({ id }) => `/api/v1/posts/${id}`)),
      profile: get(agents.map((a) => `/api/v1/agents/profile?name=${a}`)),
      search: get(queries.map((q) => `/api/v1/search?q=${encodeURIComponent(q)}&limit=20`)),
    };
    const baselines = {
      health: get(["/health"]),
      "storage read": get(agents.map((a) => `/api/v1/bench/read?name=${a}`)),
    };
    // Warm every path once (isolate start, page cache, the search index load).
    for (const spec of [...Object.values(baselines), ...Object.values(reads)]) await measure(base, { ...spec, connections: 2, amount: 20 });

    for (const [name, spec] of Object.entries(baselines)) await run(name, spec);
    for (const [name, spec] of Object.entries(reads)) await run(name, spec, { countTuples: true, views: true });

    // Writes. Registration makes the agents every later write uses, so no per-agent limit binds:
    // each agent posts once (1 post / 30 min), comments and votes spread over all of them.
    const keys = [];
    let registered = 0;
    const tag = `${posts.toString(36)}${Date.now().toString(36).slice(-4)}`;
    await run("register", {
      next: () => ({ method: "POST", path: "/api/v1/agents/register", body: { name: `b${tag}_${(registered++).toString(36)}`, description: "benchmark agent" } }),
      onBody: (status, body) => status === 201 && keys.push(JSON.parse(body).agent.api_key),
    });
    if (keys.length < 50) throw new Error(`only ${keys.length} agents registered; see the errors above`);
    // The cheapest keyed request: the agent from the isolate's cache, confirmed by one Gate call, no D1 call.
    const meKey = cycle(keys.slice(0, 50));
    await measure(base, { next: () => ({ path: "/api/v1/agents/me", headers: { authorization: `Bearer ${meKey()}` } }), connections: 2, amount: 100 });
    // Against /health in slices taken in turn: the machine's pace drifts over a run (/health alone ran
    // 1,000 to 1,900 req/s on one server here), so the ratio is taken where both met the same states.
    await runInterleaved([
      ["health again", baselines.health],
      ["agents me", { next: () => ({ path: "/api/v1/agents/me", headers: { authorization: `Bearer ${meKey()}` } }) }],
    ]);
    // The feed workloads need FEED_AGENTS + 50 agents: a slow store (or a short --duration) registers
    // the rest untimed.
    await pool(Array.from({ length: Math.max(0, FEED_AGENTS + 50 - keys.length) }), 8, async () => {
      const res = await fetch(`${base}/api/v1/agents/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: `b${tag}_${(registered++).toString(36)}`, description: "benchmark agent" }) });
      if (res.status !== 201) throw new Error(`registering: ${res.status} ${await res.text()}`);
      keys.push((await res.json()).agent.api_key);
    });

    // Personal feeds: agents that subscribe to submolts and follow active authors.
    const feedKeys = keys.slice(0, FEED_AGENTS);
    await pool(feedKeys.map((k, i) => [k, i]), 8, async ([key, i]) => {
      const statuses = [
        await post(base, `/api/v1/submolts/${submolts[0]}/subscribe`, key),
        await post(base, `/api/v1/submolts/${submolts[1 + (i % 9)]}/subscribe`, key),
        await post(base, `/api/v1/agents/${agents[0]}/follow`, key),
        await post(base, `/api/v1/agents/${agents[1 + (i % 49)]}/follow`, key),
        await post(base, `/api/v1/agents/${agents[50 + (i % (agents.length - 50))]}/follow`, key),
      ];
      if (statuses.some((s) => s >= 300)) throw new Error(`feed setup failed: ${statuses.join(",")}`);
    });
    for (const sort of ["hot", "new", "top"]) {
      const key = cycle(feedKeys);
      await run(`feed ${sort}`, { next: () => ({ path: `/api/v1/feed?sort=${sort}&limit=25`, headers: { authorization: `Bearer ${key()}` } }) }, { views: true });
    }

    // Sparse feeds: one of the five smallest submolts and two quiet agents (the seed's sizes are
    // Zipf-like, so the last submolts and agents from the middle of the list on post little).
    const sparseKeys = keys.slice(FEED_AGENTS, FEED_AGENTS + 50);
    const lastSubmolt = Math.max(10, Math.round(posts / 100)) - 1; // as scripts/seed.mjs counts them
    await pool(sparseKeys.map((k, i) => [k, i]), 8, async ([key, i]) => {
      const statuses = [
        await post(base, `/api/v1/submolts/${seededSubmolt(lastSubmolt - (i % 5), SEED)}/subscribe`, key),
        await post(base, `/api/v1/agents/${seededAgent(Math.floor(posts / 2) + 2 * i, SEED)}/follow`, key),
        await post(base, `/api/v1/agents/${seededAgent(Math.floor(posts / 2) + 2 * i + 1, SEED)}/follow`, key),
      ];
      if (statuses.some((s) => s >= 300)) throw new Error(`sparse feed setup failed: ${statuses.join(",")}`);
    });
    for (const sort of ["hot", "new"]) {
      const key = cycle(sparseKeys);
      await run(`feed sparse ${sort}`, { next: () => ({ path: `/api/v1/feed?sort=${sort}&limit=25`, headers: { authorization: `Bearer ${key()}` } }) });
    }

    // The heartbeat's first call, for agents with something waiting: each of 50 feed agents comments
    // on a read post and gets two replies from other agents (unread notifications, a thread to show).
    const homeKeys = feedKeys.slice(0, 50);
    await pool(homeKeys.map((k, i) => [k, i]), 8, async ([key, i]) => {
      const res = await fetch(`${base}/api/v1/posts/${postIds[i % postIds.length]}/comments`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ content: text(10) }),
      });
      if (res.status !== 201) throw new Error(`home setup comment: ${res.status} ${await res.text()}`);
      const { comment } = await res.json();
      for (const other of [feedKeys[(i + 1) % feedKeys.length], feedKeys[(i + 2) % feedKeys.length]]) {
        const status = await post(base, `/api/v1/posts/${postIds[i % postIds.length]}/comments`, other, { content: text(8), parent_id: comment.id });
        if (status !== 201) throw new Error(`home setup reply: ${status}`);
      }
    });
    const homeKey = cycle(homeKeys);
    await run("home", { next: () => ({ path: "/api/v1/home", headers: { authorization: `Bearer ${homeKey()}` } }) }, { views: true });

    await run("storage write", { next: () => ({ method: "POST", path: "/api/v1/bench/write" }) });
    const poster = cycle(keys);
    const target = cycle(postIds);
    await run("post", {
      amount: keys.length,
      next: () => ({ method: "POST", path: "/api/v1/posts", headers: { authorization: `Bearer ${poster()}` }, body: { submolt_name: submolts[textCounter % submolts.length], title: text(6), content: text(40) } }),
    }, { derived: true });
    const commenter = cycle(keys);
    await run("comment", {
      next: () => ({ method: "POST", path: `/api/v1/posts/${target()}/comments`, headers: { authorization: `Bearer ${commenter()}` }, body: { content: text(25) } }),
    }, { derived: true });
    // Agent n % K votes on post ⌊n / K⌋: every vote is a new (agent, post) pair.
    let votes = 0;
    await run("vote", {
      next: () => {
        const n = votes++;
        return { method: "POST", path: `/api/v1/posts/${postIds[Math.floor(n / keys.length) % postIds.length]}/upvote`, headers: { authorization: `Bearer ${keys[n % keys.length]}` } };
      },
    }, { derived: true });
    const stats = await getJson(base, "/api/v1/stats");
    // The one-minute cron ran beside the workloads: its runs, from the server's log, for the tail.
    const cronRuns = cronRunsOf(server);
    const outcome = { posts, seedSeconds: state.seedSeconds, rows: state.rows, biggestThreads: state.biggestThreads, ...(pgSeed ? { migrateSeconds: pgSeed.migrateSeconds } : {}), agentsUsed: keys.length, cron: cronRuns, totals: { agents: stats.agents.total, posts: stats.posts, comments: stats.comments }, results };
    // The anonymous hot page as deployed: the server again, with the API cache at its default, so
    // one rendering every few seconds serves every anonymous reader (every other workload runs with
    // it off, to measure D1).
    await server.stop();
    server = await serve(VARS.filter((v) => !v.startsWith("API_CACHE_SECONDS:")));
    const cachedHot = get(["/api/v1/posts?sort=hot&limit=25"]);
    await measure(base, { ...cachedHot, connections: 2, amount: 20 });
    await run("posts hot cached", cachedHot);
    await server.stop();
    // The deployed default logs a line per request (REQUEST_LOG, docs/operators.md): a read and the
    // writes with it off and then on, each on a server restarted and warmed the same way (a restart
    // empties the isolate's key cache and SQLite's page cache, so the passes above are no reference).
    // Each agent has posted its one post (30 min apart): the passes comment and vote.
    const logged = {
      "posts hot": () => reads["posts hot"],
      comment: () => ({ next: () => ({ method: "POST", path: `/api/v1/posts/${target()}/comments`, headers: { authorization: `Bearer ${commenter()}` }, body: { content: text(25) } }) }),
      vote: () => ({
        next: () => {
          const n = votes++;
          return { method: "POST", path: `/api/v1/posts/${postIds[Math.floor(n / keys.length) % postIds.length]}/upvote`, headers: { authorization: `Bearer ${keys[n % keys.length]}` } };
        },
      }),
    };
    for (const log of ["off", "on"]) {
      server = await serve([...VARS, `REQUEST_LOG:${log}`]);
      await measure(base, { ...reads["posts hot"], connections: 2, amount: 20 });
      await pool(keys, 8, (key) => fetch(`${base}/api/v1/agents/me`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.arrayBuffer()));
      for (const [name, spec] of Object.entries(logged)) await run(`${name} (request log ${log})`, spec());
      await server.stop();
    }
    // Measured after the writes, so rows only writes make (signatures, audit) are counted too.
    if (measureCapacity) outcome.capacity = pgRun ? await postgresCapacity(pgRun.direct) : capacity(root, runDir);
    return outcome;
  } finally {
    await server.stop();
    await tuples?.end();
    rmSync(runDir, { recursive: true, force: true });
    if (pgRun) await dropRunDatabase(stateRoot);
  }
}

const started = new Date();
const evalBefore = args["eval-before"] ?? EVAL_BEFORE;
// Before any server starts: the evaluation's own workerd would share the two cores with the load.
const quality = quick || evalBefore === "none" ? null : searchQuality(root, evalBefore);
if (quality) console.log(`search:eval hybrid recall@10 ${quality.after.scores.hybrid.recall} MRR ${quality.after.scores.hybrid.mrr}${quality.before ? ` (at ${quality.before.commit}: ${quality.before.scores.hybrid.recall}, ${quality.before.scores.hybrid.mrr})` : ""}`);
const sizes = [];
// A cluster left running (by an interrupted run) may have other settings: the run starts its own.
if (STORAGE === "postgres") stopPostgres(stateRoot);
try {
  for (const posts of SIZES) sizes.push(await benchSize(posts, posts === Math.max(...SIZES)));
} finally {
  if (STORAGE === "postgres") stopPostgres(stateRoot);
}
const cap = sizes.find((s) => s.capacity)?.capacity ?? null;
const out = args.out ? path.resolve(args.out) : quick ? path.join(stateRoot, STORAGE === "postgres" ? "quick-postgres" : "quick") : root;
const run = { started, duration: DURATION, connections: CONNECTIONS, vars: VARS, sizes, capacity: cap, searchQuality: quality ?? savedRuns[STORAGE]?.searchQuality ?? null, ...(STORAGE === "postgres" ? { postgresVersion: postgresVersion(), postgresSettings: SETTINGS, postgresSettingsWhy: SETTINGS_REASONS } : {}) };
writeReport({ out, argv, runs: { ...savedRuns, [STORAGE]: run } });
console.log(`\nReport: ${path.relative(root, path.join(out, "BENCHMARKS.md")) || "BENCHMARKS.md"} (${((Date.now() - started.getTime()) / 1000).toFixed(0)} s)`);
