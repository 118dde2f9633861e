#!/usr/bin/env node
// What the rate gate costs: the same authenticated route on two local servers, one with the gate
// on (limits set high enough never to refuse) and one with RATE_LIMITS=off, measured in one run with
// interleaved rounds so machine noise hits both alike. Prints p50/p99 latency and throughput, and
// the on/off ratios. Loopback only; bounded request counts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { percentile as pct, startServer } from "./lib/server.mjs";
import { parseCommand } from "../scripts/lib/cli.mjs";

const USAGE = `Usage: npm run bench:gate -- [--quick]

What the rate gate costs: the same authenticated route on two local servers, gate on (limits too
high to refuse) and RATE_LIMITS=off, in interleaved rounds; prints p50/p99, throughput and ratios.

  --quick       3 rounds of 300 requests instead of 6 of 800
  -h, --help    this text

Example: npm run bench:gate -- --quick`;
const { values: args } = parseCommand({ usage: USAGE, options: { quick: { type: "boolean", default: false } } });
const quick = args.quick;
const ROUNDS = quick ? 3 : 6;
const PER_ROUND = quick ? 300 : 800;
const CONCURRENCY = 8;

async function register(base, name) {
  const res = await fetch(`${base}/api/v1/agents/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  return (await res.json()).api_key;
}

async function load(base, key, count) {
  const latencies = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  async function worker() {
    while (next < count) {
      next++;
      const t = performance.now();
      const res = await fetch(`${base}/api/v1/agents/me`, { headers: { authorization: `Bearer ${key}` } });
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
      if (res.status !== 200) errors++;
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { latencies, errors, seconds: (performance.now() - started) / 1000 };
}

const dirs = [mkdtempSync(path.join(tmpdir(), "tidepool-bench-")), mkdtempSync(path.join(tmpdir(), "tidepool-bench-"))];
const [on, off] = await Promise.all([
  startServer({ port: 8788, persistTo: dirs[0], vars: ["LIMIT_REQUESTS:100000000/60", "NEW_AGENT_HOURS:0"] }),
  startServer({ port: 8789, persistTo: dirs[1], vars: ["RATE_LIMITS:off"] }),
]);
const servers = { on, off };
try {
  const keys = {
    on: await register(servers.on.base, `bench_on_${Date.now().toString(36)}`),
    off: await register(servers.off.base, `bench_off_${Date.now().toString(36)}`),
  };
  const totals = { on: { latencies: [], errors: 0, seconds: 0, n: 0 }, off: { latencies: [], errors: 0, seconds: 0, n: 0 } };
  for (const mode of ["on", "off"]) await load(servers[mode].base, keys[mode], 100); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of round % 2 ? ["off", "on"] : ["on", "off"]) {
      const r = await load(servers[mode].base, keys[mode], PER_ROUND);
      totals[mode].latencies.push(...r.latencies);
      totals[mode].errors += r.errors;
      totals[mode].seconds += r.seconds;
      totals[mode].n += PER_ROUND;
    }
  }
  const row = (mode) => {
    const t = totals[mode];
    return { mode, requests: t.n, rps: t.n / t.seconds, p50: pct(t.latencies, 50), p99: pct(t.latencies, 99), errors: t.errors };
  };
  const on = row("on");
  const off = row("off");
  console.log(`GET /api/v1/agents/me, ${CONCURRENCY} concurrent, ${ROUNDS} interleaved rounds of ${PER_ROUND}`);
  for (const r of [off, on]) {
    console.log(`gate ${r.mode.padEnd(3)}  ${r.requests} req  ${r.rps.toFixed(0)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  errors ${r.errors}`);
  }
  console.log(`ratio on/off: p50 ${(on.p50 / off.p50).toFixed(2)}x  p99 ${(on.p99 / off.p99).toFixed(2)}x  throughput ${(on.rps / off.rps).toFixed(2)}x`);
  if (on.errors || off.errors) process.exitCode = 1;
} finally {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
