#!/usr/bin/env node
// What the rate gate costs: the same authenticated route on two local servers, one with the gate
// on (limits set high enough never to refuse) and one with RATE_LIMITS=off, measured in one run with
// interleaved rounds so machine noise hits both alike. Prints p50/p99 latency and throughput, and
// the on/off ratios. Loopback only; bounded request counts.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 3 : 6;
const PER_ROUND = quick ? 300 : 800;
const CONCURRENCY = 8;

function startServer(port, vars) {
  const dir = mkdtempSync(path.join(tmpdir(), "tidepool-bench-"));
  // Each server needs its own inspector port too, or the second one fails to start.
  const args = ["scripts/dev.mjs", "--port", String(port), "--inspector-port", String(port + 1000), "--persist-to", dir, "--log-level", "error", ...vars.flatMap((v) => ["--var", v])];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, CI: "true" } });
  return { child, dir, base: `http://127.0.0.1:${port}` };
}

async function waitReady(base, ms = 90_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`server at ${base} did not start`);
}

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

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const servers = {
  on: startServer(8788, ["LIMIT_REQUESTS:100000000/60", "NEW_AGENT_HOURS:0"]),
  off: startServer(8789, ["RATE_LIMITS:off"]),
};
try {
  await Promise.all(Object.values(servers).map((s) => waitReady(s.base)));
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
  for (const s of Object.values(servers)) {
    s.child.kill("SIGINT");
  }
  await new Promise((r) => setTimeout(r, 1500));
  for (const s of Object.values(servers)) rmSync(s.dir, { recursive: true, force: true });
}
