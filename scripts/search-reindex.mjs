#!/usr/bin/env node
// Rebuilds the vector index for existing content: queues every live post and comment, then drains
// the outbox batch by batch through the operator API, with a progress bar, rate and ETA.
//   npm run search:reindex [-- --url http://localhost:8787] [--batch 200]
// The token is ADMIN_TOKEN from the environment, or from .dev.vars for a local server.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { option as opt } from "./lib/args.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const base = opt("url", "http://localhost:8787").replace(/\/$/, "");
const batch = Number(opt("batch", "200"));

function token() {
  if (process.env.ADMIN_TOKEN) return process.env.ADMIN_TOKEN;
  const file = path.join(root, ".dev.vars");
  const m = existsSync(file) && /^ADMIN_TOKEN=(.+)$/m.exec(readFileSync(file, "utf8"));
  if (!m) {
    console.error("✗ no ADMIN_TOKEN: set it in the environment (production) or run npm run dev once (local)");
    process.exit(1);
  }
  return m[1].trim();
}

async function post(p) {
  const res = await fetch(`${base}/api/v1${p}`, { method: "POST", headers: { authorization: `Bearer ${token()}` } }).catch(() => {
    console.error(`\n✗ cannot reach ${base}: is the server running (npm run dev)? Pass --url for another one.`);
    process.exit(1);
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    console.error(`\n✗ ${p}: HTTP ${res.status} ${body.error ?? ""} ${body.hint ?? ""}`);
    process.exit(1);
  }
  return body;
}

function bar(done, total, started) {
  const frac = total ? Math.min(1, done / total) : 1;
  const width = 30;
  const elapsed = (Date.now() - started) / 1000;
  const rate = elapsed > 0 ? done / elapsed : 0;
  const eta = rate > 0 ? Math.max(0, (total - done) / rate) : 0;
  const line = `[${"#".repeat(Math.round(frac * width)).padEnd(width, ".")}] ${done}/${total} ${(frac * 100).toFixed(0)}%  ${rate.toFixed(0)}/s  ETA ${eta.toFixed(0)}s`;
  process.stdout.write(process.stdout.isTTY ? `\r${line}` : `${line}\n`);
}

const { queued, remaining } = await post("/admin/search/reindex");
console.log(`Queued ${queued} items for indexing at ${base} (${remaining} in the outbox).`);
const total = remaining;
const started = Date.now();
let left = remaining;
let failures = 0;
while (left > 0) {
  const r = await post(`/admin/search/drain?batch=${batch}`);
  if (r.failed > 0 && ++failures >= 5) {
    console.error(`\n✗ indexing keeps failing (${r.failed} items in the last batch); see the server log. Items stay queued for the cron.`);
    process.exit(1);
  }
  left = r.remaining;
  bar(total - left, total, started);
  if (r.indexed + r.removed === 0 && r.failed === 0) break; // only items waiting on a retry delay remain
}
console.log(`\n✓ done in ${((Date.now() - started) / 1000).toFixed(1)}s${left ? ` (${left} waiting on retry delays; the cron will finish them)` : ""}`);
