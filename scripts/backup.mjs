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
import { flag, option } from "./lib/args.mjs";
import { openD1 } from "./lib/d1-access.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const PAGE = 2000;

function fail(message) {
  console.error(`✗ ${message}`);
  process.exit(1);
}

const out = option("out") ?? fail("usage: npm run backup -- --out DIR [--remote] [--persist-to DIR]");
if (existsSync(out) && readdirSync(out).length > 0) fail(`${out} is not empty: a backup goes into a new directory`);
mkdirSync(out, { recursive: true });

const d1 = openD1({ root, remote: flag("remote"), persistTo: option("persist-to") });
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
const manifest = { format: FORMAT, created_at: new Date().toISOString(), source: flag("remote") ? "remote" : "local", migration, tables };
writeFileSync(path.join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`✓ ${tables.length} tables, ${tables.reduce((n, t) => n + t.rows, 0)} rows. Restore with: npm run restore -- ${out}`);
