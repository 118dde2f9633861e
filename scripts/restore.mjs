#!/usr/bin/env node
// npm run restore -- DIR [--remote] [--persist-to DIR] [--no-reindex] [--force]
// Loads a backup made by `npm run backup` into an empty Tidepool database: applies the migrations,
// checks every file against the manifest before writing anything, loads the rows with the triggers
// set aside (the backup already holds what they computed: tallies, daily stats), puts the triggers
// back, rebuilds the FTS5 keyword indexes from the restored rows, queues every live post and comment
// for re-embedding (the vector index: Vectorize lives outside D1; --no-reindex skips it when the
// restored search_vectors rows are the index, as with the local adapter) and checks the row counts.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { FORMAT, migrationLevel, sqlLiteral, sqlString } from "./lib/backup-format.mjs";
import { parseCommand, usageError } from "./lib/cli.mjs";
import { heldNetwork, openD1, wranglerBin } from "./lib/d1-access.mjs";
import { applyLocalMigrations } from "./lib/local-migrations.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const ROWS_PER_INSERT = 100;
const SQL_PER_CALL = 2 * 1024 * 1024;

function fail(message) {
  console.error(`✗ ${message}`);
  process.exit(1);
}

const USAGE = `Usage: npm run restore -- BACKUP_DIR [--remote] [--persist-to DIR] [--no-reindex] [--force]

Loads a backup made by \`npm run backup\` into Tidepool's D1 (local by default): checks every file
against the manifest first, applies the migrations, loads the rows, rebuilds the keyword index and
queues every post and comment for re-embedding, then checks the row counts.

  --remote           the deployed D1 (wrangler d1 execute --remote; log in with wrangler first)
  --persist-to DIR   the local D1 of \`npm run dev -- --persist-to DIR\` (default .wrangler/state)
  --no-reindex       do not queue content for re-embedding (the restored local vectors are the index)
  --force            restore over a database that already holds agents, posts or comments (they are replaced)
  -h, --help         this text

Example: npm run restore -- backups/2026-12-01 --persist-to .wrangler/restored`;
const { values: args, positionals } = parseCommand({
  usage: USAGE,
  positionals: true,
  options: { remote: { type: "boolean", default: false }, "persist-to": { type: "string" }, "no-reindex": { type: "boolean", default: false }, force: { type: "boolean", default: false } },
});
if (positionals.length !== 1) usageError(positionals.length ? `one backup directory, not ${positionals.length}: ${positionals.join(" ")}` : "the backup directory is required", USAGE);
if (args.remote && args["persist-to"] !== undefined) usageError("--remote and --persist-to name two databases: give one", USAGE);
const dir = positionals[0];
const manifestFile = path.join(dir, "manifest.json");
if (!existsSync(manifestFile)) fail(`${manifestFile} not found: is ${dir} a backup made by npm run backup?`);
const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
if (manifest.format !== FORMAT) fail(`${dir} is a ${manifest.format ?? "unknown"} backup; this restore reads ${FORMAT}`);

// 1. Every file as the manifest says, before anything is written.
const data = new Map();
for (const t of manifest.tables) {
  let text = "";
  try {
    text = gunzipSync(readFileSync(path.join(dir, t.file))).toString("utf8");
  } catch (err) {
    fail(`${t.file} cannot be read (${err.code ?? err.message}): the backup is damaged`);
  }
  const sha = createHash("sha256").update(text).digest("hex");
  const lines = text === "" ? [] : text.slice(0, -1).split("\n");
  if (sha !== t.sha256 || lines.length !== t.rows) fail(`${t.file} does not match the manifest (${lines.length} rows, sha256 ${sha.slice(0, 12)}…): the backup is damaged`);
  data.set(t.name, lines);
}

// 2. The schema, at the backup's migration level.
const remote = args.remote;
const persistTo = args["persist-to"];
if (remote) {
  const migrate = spawnSync(wranglerBin(root), ["d1", "migrations", "apply", "DB", "--remote"], {
    cwd: root,
    encoding: "utf8",
    env: { WRANGLER_SEND_METRICS: "false", ...process.env, CI: "true" },
  });
  if (migrate.status !== 0) fail(`applying migrations failed:\n${migrate.stderr || migrate.stdout}`);
} else {
  await applyLocalMigrations({ root, persistTo }).catch((err) => fail(`applying migrations failed: ${err.message}`));
}
const d1 = openD1({ root, remote, persistTo });
const level = migrationLevel(d1);
if (level !== manifest.migration) {
  fail(`the backup is at migration ${manifest.migration}, this checkout's schema at ${level}: restore with the checkout the backup was made with, then upgrade`);
}
const what = heldNetwork(d1);
if (what) {
  if (!args.force) fail(`${d1.describe} already holds ${what}: restore goes into an empty database (--force replaces everything in it)`);
  console.log(`Replacing ${what} in ${d1.describe}, as --force asks`);
}
console.log(`Restoring ${dir} (${manifest.created_at}, ${manifest.tables.length} tables) into ${d1.describe}`);

// 3. Parents before children, so foreign keys hold row by row.
const parents = new Map(manifest.tables.map((t) => [t.name, d1.rows(`SELECT json_quote("table") FROM pragma_foreign_key_list(${sqlString(t.name)})`).map((l) => JSON.parse(l))]));
const order = [];
const visit = (name, seen = new Set()) => {
  if (order.includes(name) || seen.has(name)) return;
  seen.add(name);
  for (const p of parents.get(name) ?? []) if (p !== name && parents.has(p)) visit(p, seen);
  order.push(name);
};
manifest.tables.map((t) => t.name).sort().forEach((n) => visit(n));

// 4. Triggers aside, seed rows out, backup rows in, triggers back.
const triggers = d1.rows("SELECT json_array(name, sql) FROM sqlite_master WHERE type = 'trigger' ORDER BY name").map((l) => JSON.parse(l));
const statements = [...triggers.map(([name]) => `DROP TRIGGER IF EXISTS "${name}";`), ...[...order].reverse().map((t) => `DELETE FROM "${t}";`)];
for (const name of order) {
  const t = manifest.tables.find((x) => x.name === name);
  const cols = t.columns.map((c) => `"${c}"`).join(", ");
  const lines = data.get(name);
  for (let i = 0; i < lines.length; i += ROWS_PER_INSERT) {
    const values = lines.slice(i, i + ROWS_PER_INSERT).map((l) => `(${JSON.parse(l).map(sqlLiteral).join(", ")})`);
    statements.push(`INSERT INTO "${name}" (${cols}) VALUES ${values.join(", ")};`);
  }
}
const reindex = !args["no-reindex"];
const restoreTriggers = triggers.map(([, sql]) => `${sql};`);
const fts = d1.rows("SELECT json_quote(name) FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'").map((l) => JSON.parse(l));

function run(list) {
  let chunk = "";
  for (const s of list) {
    if (chunk.length + s.length > SQL_PER_CALL && chunk) {
      d1.exec(`PRAGMA defer_foreign_keys = on;\n${chunk}`);
      chunk = "";
    }
    chunk += `${s}\n`;
  }
  if (chunk) d1.exec(`PRAGMA defer_foreign_keys = on;\n${chunk}`);
}

try {
  run(statements);
} catch (err) {
  // Never leave the database without its triggers (they keep tallies and guard the audit log).
  run(restoreTriggers);
  fail(`loading rows failed; the triggers are back, the rows loaded so far stay:\n${err.message}`);
}
// 5. Every table holds what the manifest says (before the re-embedding queue adds to the outbox).
const count = (table) => Number(d1.rows(`SELECT count(*) FROM "${table}"`)[0]);
const wrong = manifest.tables.filter((t) => count(t.name) !== t.rows).map((t) => t.name);
if (wrong.length) {
  run(restoreTriggers);
  fail(`row counts differ from the manifest in: ${wrong.join(", ")}`);
}
run([
  ...restoreTriggers,
  ...fts.map((t) => `INSERT INTO "${t}"("${t}") VALUES('rebuild');`),
  ...(reindex
    ? [
        `INSERT INTO search_outbox (target_id, target_type, op, created_at) SELECT id, 'post', 'upsert', ${Date.now()} FROM posts WHERE is_deleted = 0;`,
        `INSERT INTO search_outbox (target_id, target_type, op, created_at) SELECT id, 'comment', 'upsert', ${Date.now()} FROM comments WHERE is_deleted = 0;`,
      ]
    : []),
]);

console.log(`✓ ${manifest.tables.reduce((n, t) => n + t.rows, 0)} rows in ${manifest.tables.length} tables; keyword indexes rebuilt (${fts.join(", ")})${reindex ? "; every live post and comment queued for re-embedding (the cron drains it)" : ""}.`);
