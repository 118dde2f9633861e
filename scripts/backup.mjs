#!/usr/bin/env node
// npm run backup -- --out DIR [--remote] [--persist-to DIR]
// Every base table of Tidepool's D1 (local by default, the deployed one with --remote) to
// gzip-compressed NDJSON with a manifest: table, columns, rows, SHA-256 of the uncompressed lines,
// the schema's migration level. FTS5 tables are left out (restore rebuilds them), which is what lets
// it work where `wrangler d1 export` refuses. Reads page by page in key order, so memory stays flat.
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createGzip } from "node:zlib";
import { baseTables, FORMAT, keyOf, migrationLevel, pageQuery, tableShape } from "./lib/backup-format.mjs";
import { parseCommand, usageError } from "./lib/cli.mjs";
import { openD1 } from "./lib/d1-access.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const PAGE = 2000;

function fail(message) {
  console.error(`✗ ${message}`);
  process.exit(1);
}

const USAGE = `Usage: npm run backup -- --out DIR [--remote] [--persist-to DIR]

Writes every base table of Tidepool's D1 to DIR (which must be new or empty): one gzip-compressed
NDJSON file per table and a manifest with each table's rows and SHA-256. \`npm run restore\` reads it.

  --out DIR          where the backup goes (required; refused when it already holds files)
  --remote           the deployed D1 (wrangler d1 execute --remote; log in with wrangler first)
  --persist-to DIR   the local D1 of \`npm run dev -- --persist-to DIR\` (default .wrangler/state)
  -h, --help         this text

Example: npm run backup -- --remote --out backups/$(date +%F)`;
const { values: args } = parseCommand({
  usage: USAGE,
  options: { out: { type: "string" }, remote: { type: "boolean", default: false }, "persist-to": { type: "string" } },
});
const out = args.out ?? usageError("--out DIR is required", USAGE);
if (args.remote && args["persist-to"] !== undefined) usageError("--remote and --persist-to name two databases: give one", USAGE);
if (existsSync(out) && readdirSync(out).length > 0) fail(`${out} is not empty: a backup goes into a new directory`);
mkdirSync(out, { recursive: true });

const d1 = openD1({ root, remote: args.remote, persistTo: args["persist-to"] });
const migration = migrationLevel(d1);
console.log(`Backing up ${d1.describe} at migration ${migration} to ${out}`);

async function dumpTable(table) {
  const shape = tableShape(d1, table);
  const file = `${table}.ndjson.gz`;
  const gzip = createGzip();
  const sink = createWriteStream(path.join(out, file));
  const done = new Promise((resolve, reject) => {
    sink.once("finish", resolve);
    sink.once("error", reject);
    gzip.once("error", reject);
  });
  gzip.pipe(sink);
  const sha = createHash("sha256");
  let rows = 0;
  let after = null;
  for (;;) {
    const page = d1.rows(pageQuery(table, shape, after, PAGE));
    for (const line of page) {
      const row = JSON.parse(line);
      // Without a key of its own the table's rowid led the row (for paging); it is not kept.
      const kept = shape.hasOwnKey ? line : JSON.stringify(row.slice(1));
      sha.update(`${kept}\n`);
      if (!gzip.write(`${kept}\n`)) await new Promise((r) => gzip.once("drain", r));
      rows++;
      after = keyOf(shape, row);
    }
    if (page.length < PAGE) break;
  }
  gzip.end();
  await done;
  return { name: table, file, columns: shape.columns, rows, sha256: sha.digest("hex") };
}

const tables = [];
for (const table of baseTables(d1)) {
  const t = await dumpTable(table);
  tables.push(t);
  console.log(`  ${t.name.padEnd(22)} ${String(t.rows).padStart(9)} rows`);
}
const manifest = { format: FORMAT, created_at: new Date().toISOString(), source: args.remote ? "remote" : "local", migration, tables };
writeFileSync(path.join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`✓ ${tables.length} tables, ${tables.reduce((n, t) => n + t.rows, 0)} rows. Restore with: npm run restore -- ${out}`);
