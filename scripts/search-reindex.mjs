#!/usr/bin/env node
// Rebuilds the vector index for existing content: queues every live post and comment, then drains
// the outbox batch by batch through the operator API, with progress, rate and ETA.
//   npm run search:reindex [-- --url http://localhost:8787] [--batch 200]
// The token is ADMIN_TOKEN from the environment, or from .dev.vars for a local server.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseCommand, wholeNumber } from "./lib/cli.mjs";
import { progress } from "./lib/progress.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const USAGE = `Usage: npm run search:reindex -- [--url URL] [--batch N] [--fresh]

Rebuilds the vector index for existing content: queues every live post and comment, then drains
the outbox batch by batch through the operator API, with progress, rate and ETA. The operator
token is ADMIN_TOKEN from the environment, or from .dev.vars for a local server.

  --url URL     the server (default http://localhost:8787)
  --batch N     items per drain call, 1 to 500 (default 200)
  --fresh       empty the local vector index first: after changing the embedding model (another
                model's vectors, or another dimension, cannot be scored against the new one's)
  -h, --help    this text

Example: npm run search:reindex -- --url https://tidepool.example.org   (ADMIN_TOKEN in the environment)`;
const { values: args } = parseCommand({
  usage: USAGE,
  options: { url: { type: "string", default: "http://localhost:8787" }, batch: { type: "string", default: "200" }, fresh: { type: "boolean", default: false } },
});
const base = args.url.replace(/\/$/, "");
const batch = wholeNumber(args, "batch", USAGE, { min: 1, max: 500 });

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

const { queued, remaining } = await post(`/admin/search/reindex${args.fresh ? "?fresh=true" : ""}`);
console.log(`Queued ${queued} items for indexing at ${base} (${remaining} in the outbox).`);
const total = remaining;
const started = Date.now();
let left = remaining;
let failures = 0;
const bar = progress("Indexing", total, { unit: "items" });
while (left > 0) {
  const r = await post(`/admin/search/drain?batch=${batch}`);
  if (r.failed > 0 && ++failures >= 5) {
    console.error(`\n✗ indexing keeps failing (${r.failed} items in the last batch); see the server log. Items stay queued for the cron.`);
    process.exit(1);
  }
  left = r.remaining;
  bar.update(total - left);
  if (r.indexed + r.removed === 0 && r.failed === 0) break; // only items waiting on a retry delay remain
}
bar.end(total - left);
console.log(`✓ done in ${((Date.now() - started) / 1000).toFixed(1)}s${left ? ` (${left} waiting on retry delays; the cron will finish them)` : ""}`);
