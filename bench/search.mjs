#!/usr/bin/env node
// Search at scale with the local adapters: seeds N posts (default 100k; --quick 10k) straight into a
// fresh local D1 through the schema's own triggers (FTS5 + outbox), drains the outbox into the local
// vector index through the operator API, then times GET /api/v1/search against a trivial D1 point
// read (GET /api/v1/submolts/general) in the same run. Loopback only; bounded request counts.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { percentile, startServer } from "./lib/server.mjs";
import { parseCommand, valueOr, wholeNumber } from "../scripts/lib/cli.mjs";
import { progress } from "../scripts/lib/progress.mjs";
import { applyLocalMigrations } from "../scripts/lib/local-migrations.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const USAGE = `Usage: npm run bench:search -- [--quick] [--posts N]

Search at scale with the local adapters: seeds N posts into a fresh local D1, indexes them through
the operator API, then times GET /api/v1/search against a trivial point read in the same run.

  --posts N     posts to seed, at least 100 (default 100000; 10000 with --quick)
  --quick       10k posts and fewer requests
  -h, --help    this text

Example: npm run bench:search -- --quick`;
const { values: args } = parseCommand({ usage: USAGE, options: { quick: { type: "boolean", default: false }, posts: { type: "string" } } });
const quick = args.quick;
const N = wholeNumber(valueOr(args, "posts", quick ? 10_000 : 100_000), "posts", USAGE, { min: 100 });
const PORT = 8791;
const dir = mkdtempSync(path.join(tmpdir(), "tidepool-search-bench-"));
const wrangler = path.join(root, "node_modules", ".bin", "wrangler");
const run = (args) => {
  const r = spawnSync(wrangler, args, { cwd: root, encoding: "utf8", env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" } });
  if (r.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${r.stderr}`);
};

// Seeded RNG and a vocabulary drawn from the evaluation corpus, so documents read like posts.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const corpus = readFileSync(path.join(root, "test", "eval", "corpus.ts"), "utf8");
const words = [...new Set(corpus.toLowerCase().match(/[a-z]{4,}/g))];
const sentence = (n) => Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(" ");

console.log(`Seeding ${N} posts into ${dir} ...`);
await applyLocalMigrations({ root, persistTo: dir });
const agentId = "00000000-0000-7000-8000-00000000b001";
const general = "00000000-0000-7000-8000-000000000001";
const t0 = Date.now();
const seeding = progress("  seeding", N, { unit: "posts" });
const CHUNK = 20_000;
for (let start = 0; start < N; start += CHUNK) {
  const lines = start === 0 ? [`INSERT INTO agents (id, name, name_key, created_at, updated_at, last_active) VALUES ('${agentId}', 'bench', 'bench', 0, 0, 0);`] : [];
  for (let i = start; i < Math.min(N, start + CHUNK); i++) {
    const id = `00000000-0000-7000-9000-${i.toString(16).padStart(12, "0")}`;
    lines.push(`INSERT INTO posts (id, submolt_id, author_id, title, content, type, hot, created_at, updated_at) VALUES ('${id}', '${general}', '${agentId}', '${sentence(6)}', '${sentence(30)}', 'text', 0, ${t0 + i}, ${t0 + i});`);
  }
  const file = path.join(dir, "seed.sql");
  writeFileSync(file, lines.join("\n"));
  run(["d1", "execute", "DB", "--local", "--persist-to", dir, "--file", file]);
  seeding.update(Math.min(N, start + CHUNK));
}
seeding.end(N);

const server = await startServer({ port: PORT, persistTo: dir, vars: ["RATE_LIMITS:off"] });
const pct = percentile;
try {
  const token = /^ADMIN_TOKEN=(.+)$/m.exec(readFileSync(path.join(root, ".dev.vars"), "utf8"))[1].trim();
  const admin = { authorization: `Bearer ${token}` };
  const drainStart = Date.now();
  let left = Infinity;
  const indexing = progress("  indexing", N, { unit: "posts" });
  while (left > 0) {
    const r = await (await fetch(`${server.base}/api/v1/admin/search/drain?batch=500`, { method: "POST", headers: admin })).json();
    left = r.remaining;
    indexing.update(N - left);
    if (r.failed) throw new Error("indexing failed; see the server log");
  }
  indexing.end(N - left);
  console.log(`Indexed ${N} posts in ${((Date.now() - drainStart) / 1000).toFixed(1)} s`);

  const time = async (url, n) => {
    const ms = [];
    let errors = 0;
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      try {
        // A query slower than this counts as an error: the number to report is "does not serve".
        const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
        await res.arrayBuffer();
        if (!res.ok) errors++;
      } catch {
        errors++;
      }
      ms.push(performance.now() - t);
    }
    return { p50: pct(ms, 50), p99: pct(ms, 99), errors };
  };
  await time(`${server.base}/api/v1/submolts/general`, 5);
  const rounds = 20;
  const point = await time(`${server.base}/api/v1/submolts/general`, rounds);
  const queries = ["whales migrate", "sourdough starter", "borrow checker", "northern lights", "credit card debt"];
  const search = (i) => time(`${server.base}/api/v1/search?q=${encodeURIComponent(queries[i % queries.length])}&type=posts`, 1);
  // The first query after a start loads every sketch into the isolate; later ones only read changes.
  const cold = await search(0);
  const searchRuns = [];
  let errors = cold.errors;
  for (let i = 1; i <= rounds; i++) {
    const r = await search(i);
    searchRuns.push(r.p50);
    errors += r.errors;
  }
  const s = { p50: pct(searchRuns, 50), p99: pct(searchRuns, 99) };
  console.log(`documents: ${N}`);
  console.log(`D1 point read  p50 ${point.p50.toFixed(1)} ms  p99 ${point.p99.toFixed(1)} ms  errors ${point.errors}`);
  console.log(`search (hybrid), first after start: ${cold.p50.toFixed(1)} ms`);
  console.log(`search (hybrid) p50 ${s.p50.toFixed(1)} ms  p99 ${s.p99.toFixed(1)} ms  errors ${errors}`);
  console.log(`ratio search/point read: p50 ${(s.p50 / point.p50).toFixed(1)}x  p99 ${(s.p99 / point.p99).toFixed(1)}x`);
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
