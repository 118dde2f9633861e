#!/usr/bin/env node
// npm run migrate:to-postgres -- --from <local persist dir> | --remote  --to <DATABASE_URL>
// Moves a Tidepool network from D1 to PostgreSQL: applies migrations/postgres, then copies every
// base table in key order, a chunk per transaction, each chunk committed with its place in the
// table, so an interrupted run resumes where it stopped. Derived tables (the stats rollup, the
// near-duplicate index, the search outbox) are copied as they are, with PostgreSQL's triggers off
// for the copying session, so nothing is counted twice. Then each table is verified (row count and
// a SHA-256 of its rows in key order, read back from both stores) and the counters are recounted
// from the base tables as a check. The keyword index needs no rebuild: PostgreSQL's is a GIN index
// over the rows themselves. The vector index is the same Vectorize index on either store.
import { createHash, hash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import postgres from "postgres";
import { baseTables, keyOf, pageQuery, tableShape } from "./lib/backup-format.mjs";
import { openD1 } from "./lib/d1-access.mjs";
import { migratePostgres } from "./lib/pg-cluster.mjs";
import { progress } from "./lib/progress.mjs";
import { parseCommand, usageError, wholeNumber } from "./lib/cli.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const USAGE = `Usage: npm run migrate:to-postgres -- (--from DIR | --remote) --to DATABASE_URL [--chunk N]

Copies a Tidepool network from D1 to PostgreSQL, resumably, and verifies it.

  --from DIR      the local D1 of \`npm run dev\` kept in DIR (its --persist-to; default .wrangler/state)
  --remote        the deployed D1 (wrangler d1 execute --remote; log in with wrangler first)
  --to URL        the PostgreSQL database (or DATABASE_URL); migrations/postgres is applied first
  --chunk N       rows per transaction (default 5000)
  --restart       forget an interrupted run's progress and copy again into empty tables
  -h, --help      this text

Run it while the network is read-only (or stopped): rows written to D1 after their table was
copied are not moved. Rerun the same command after an interruption: it resumes.

Example: npm run migrate:to-postgres -- --from .wrangler/state --to postgres://tidepool@localhost:5432/tidepool`;

function fail(message) {
  console.error(`✗ ${message}`);
  process.exit(1);
}

const { values: args } = parseCommand({
  usage: USAGE,
  options: {
    from: { type: "string" },
    remote: { type: "boolean", default: false },
    to: { type: "string" },
    chunk: { type: "string", default: "5000" },
    restart: { type: "boolean", default: false },
  },
});
const url = args.to ?? process.env.DATABASE_URL;
if (!url) usageError("--to (or DATABASE_URL) is required", USAGE);
if (args.remote && args.from !== undefined) usageError("--from and --remote name two sources: give one", USAGE);
const CHUNK = wholeNumber(args, "chunk", USAGE, { min: 1, max: 10_000 });

const d1 = openD1({ root, remote: args.remote, persistTo: args.from });
const COPY_ESCAPES = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
/** A D1 cell (backup encoding) in COPY's text format: \\N for NULL, blobs as bytea hex, text escaped. */
function copyField(v) {
  if (v === null || v === undefined) return "\\N";
  if (typeof v === "object") return typeof v.$hex === "string" ? `\\\\x${v.$hex}` : v.$int;
  return typeof v === "string" ? v.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]) : String(v);
}
const copyLine = (row) => `${row.map(copyField).join("\t")}\n`;

/** A value read back from either store, as one canonical JSON value: what the checksums hash. */
function canonical(v) {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return { $hex: Buffer.from(v).toString("hex").toUpperCase() };
  if (typeof v === "object" && typeof v.$hex === "string") return { $hex: v.$hex.toUpperCase() };
  if (typeof v === "object" && typeof v.$int === "string") return { $int: v.$int };
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : { $int: String(v) };
  return v;
}

const q = (name) => `"${name.replaceAll('"', '""')}"`;

const sql = postgres(url, {
  max: 1,
  onnotice: () => {},
  types: { bigint: { to: 20, from: [20], serialize: (v) => String(v), parse: (v) => (Number.isSafeInteger(Number(v)) ? Number(v) : BigInt(v)) } },
});

async function main() {
  console.log(`Moving ${d1.describe} to PostgreSQL`);
  await migratePostgres(url);
  const pgTables = new Set((await sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`).map((r) => r.table_name));
  const tables = baseTables(d1).filter((t) => pgTables.has(t));
  const missing = baseTables(d1).filter((t) => !pgTables.has(t));
  if (missing.length) fail(`these D1 tables have no PostgreSQL table (is migrations/postgres behind migrations/?): ${missing.join(", ")}`);

  await sql`CREATE TABLE IF NOT EXISTS tidepool_migration_progress (table_name text PRIMARY KEY, after text, copied bigint NOT NULL DEFAULT 0, finished boolean NOT NULL DEFAULT false)`;
  // The indexes set aside while a table is copied (earlier versions of this command had no column).
  await sql`ALTER TABLE tidepool_migration_progress ADD COLUMN IF NOT EXISTS indexes text`;
  if (args.restart) {
    // An interrupted table's indexes come back before its progress (which names them) is forgotten.
    for (const row of await sql`SELECT table_name, indexes FROM tidepool_migration_progress WHERE indexes IS NOT NULL`) await restoreIndexes(row.table_name, JSON.parse(row.indexes));
    await sql`DELETE FROM tidepool_migration_progress`;
  }
  const places = new Map((await sql`SELECT * FROM tidepool_migration_progress`).map((r) => [r.table_name, r]));
  if (places.size === 0) {
    // A fresh run needs empty tables (the seed rows the migrations write are replaced by the network's).
    for (const t of tables) {
      const [{ n }] = await sql.unsafe(`SELECT count(*)::int AS n FROM ${q(t)}`);
      if (n > 0 && !["submolts", "search_index_meta"].includes(t)) fail(`${t} already holds ${n} rows: migrate into a new database (or pass --restart after emptying it)`);
    }
  }

  for (const table of tables) await copyTable(table, places.get(table));
  // Fresh statistics for the planner: a copied table has none until autovacuum's analyze gets to it.
  await sql`ANALYZE`;
  // Identity columns continue after the copied ids.
  const identities = await sql`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'`;
  for (const { table_name: t, column_name: c } of identities) {
    await sql.unsafe(`SELECT setval(pg_get_serial_sequence($1, $2), greatest((SELECT max(${q(c)}) FROM ${q(t)}), 1))`, [t, c]);
  }

  console.log("Verifying: rows and a SHA-256 of them in key order per table, read back from both stores");
  let bad = 0;
  for (const table of tables) {
    // Both stores read at once: sqlite3 and PostgreSQL each render rows in their own process.
    const shape = tableShape(d1, table);
    const [a, b] = await Promise.all([d1Digest(table, shape), pgDigest(table, shape)]);
    const ok = a.rows === b.rows && a.sha256 === b.sha256;
    if (!ok) bad++;
    console.log(`  ${ok ? "✓" : "✗"} ${table.padEnd(24)} ${String(b.rows).padStart(9)} rows${ok ? "" : ` (D1: ${a.rows} rows, ${a.sha256.slice(0, 12)}; PostgreSQL: ${b.rows} rows, ${b.sha256.slice(0, 12)})`}`);
  }
  const drift = await counterDrift();
  console.log(drift.length ? `✗ ${drift.length} counters differ from a recount (first: ${drift.slice(0, 5).map((r) => `${r.kind} ${r.id}`).join(", ")})` : "✓ every counter equals a recount from the base tables");
  if (bad || drift.length) fail(`${bad} tables differ and ${drift.length} counters drift: do not switch STORAGE yet`);
  console.log(`✓ ${tables.length} tables moved and verified. Next: point the HYPERDRIVE binding at this database and set STORAGE=postgres (docs/scale.md, "Moving to PostgreSQL").`);
}

/** Copies `table` from where its last committed chunk ended; each chunk commits with its progress row. */
async function copyTable(table, state) {
  if (state?.finished) {
    console.log(`  ${table}: already copied (${state.copied} rows)`);
    return;
  }
  const shape = tableShape(d1, table);
  const pgColumns = new Set((await sql`SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ${table}`).map((r) => r.column_name));
  const lost = shape.columns.filter((c) => !pgColumns.has(c));
  if (lost.length) fail(`${table}: columns ${lost.join(", ")} have no PostgreSQL column`);
  let after = state?.after ? JSON.parse(state.after) : null;
  let copied = Number(state?.copied ?? 0);
  if (!state && ["submolts", "search_index_meta"].includes(table)) {
    // The migrations seed these; the network's own rows replace them.
    await sql.unsafe(`DELETE FROM ${q(table)}`);
  }
  // The table's secondary indexes are set aside while it fills and built once at the end (a sorted
  // build instead of a B-tree or GIN insert per row); their definitions wait in the progress row, so
  // an interrupted run builds them when it resumes.
  let indexes = state?.indexes ? JSON.parse(state.indexes) : null;
  if (!indexes) {
    indexes = await secondaryIndexes(table);
    await sql.begin(async (tx) => {
      await tx`INSERT INTO tidepool_migration_progress (table_name, after, copied, indexes) VALUES (${table}, ${state?.after ?? null}, ${copied}, ${JSON.stringify(indexes)})
               ON CONFLICT (table_name) DO UPDATE SET indexes = excluded.indexes`;
      for (const { name } of indexes) await tx.unsafe(`DROP INDEX ${q(name)}`);
    });
  }
  const offset = shape.hasOwnKey ? 0 : 1;
  const columnList = shape.columns.map(q).join(", ");
  // No total: counting a table is a scan of it (108M near-duplicate band rows at 1M posts, and rows
  // D1 bills), paid only for a progress bar; rows copied and the rate say enough, and verification counts.
  const bar = progress(`  ${table}`, 0);
  const reader = pages(table, shape, after, CHUNK);
  // The next page is read (sqlite3, or D1's API) while PostgreSQL takes this one.
  for (let next = reader.next(); ; ) {
    const { value: page, done } = await next;
    if (done) break;
    next = reader.next();
    after = keyOf(shape, page.at(-1));
    copied += page.length;
    await sql.begin(async (tx) => {
      // Triggers off for this session only: the rows arrive with their counters, rollups and index rows already made.
      await tx.unsafe("SET LOCAL session_replication_role = replica");
      // COPY, not INSERT: one stream per chunk, no statement to parse or parameters to bind.
      const copy = await tx.unsafe(`COPY ${q(table)} (${columnList}) FROM STDIN`).writable();
      await pipeline(Readable.from([page.map((row) => copyLine(row.slice(offset))).join("")]), copy);
      await tx.unsafe(
        `INSERT INTO tidepool_migration_progress (table_name, after, copied) VALUES ($1, $2, $3)
         ON CONFLICT (table_name) DO UPDATE SET after = excluded.after, copied = excluded.copied`,
        [table, JSON.stringify(after), copied],
      );
    });
    bar.update(copied);
  }
  bar.end(copied);
  if (copied > 0 && indexes.length) console.log(`  ${table}: building ${indexes.length} index${indexes.length === 1 ? "" : "es"}`);
  await restoreIndexes(table, indexes);
  await sql`UPDATE tidepool_migration_progress SET finished = true, copied = ${copied}, indexes = NULL WHERE table_name = ${table}`;
}

/** `table`'s indexes that no constraint owns (the primary key and unique constraints stay). */
const secondaryIndexes = (table) =>
  sql`SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
      WHERE i.schemaname = 'public' AND i.tablename = ${table}
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.conrelid = quote_ident(i.tablename)::regclass)
      ORDER BY i.indexname`.then((rows) => rows.map(({ name, definition }) => ({ name, definition })));

/** Builds `table`'s set-aside indexes (again, if an interrupted run had built some of them). */
async function restoreIndexes(table, indexes) {
  if (!indexes.length) return;
  await sql.begin(async (tx) => {
    // A sort's memory for this session's builds only.
    await tx.unsafe("SET LOCAL maintenance_work_mem = '512MB'");
    for (const { name, definition } of indexes) {
      await tx.unsafe(`DROP INDEX IF EXISTS ${q(name)}`);
      await tx.unsafe(definition);
    }
  });
}

/**
 * A table's digest: one SHA-256 over its rows' canonical values in key order, read in that order on
 * both stores (bytewise for text keys on PostgreSQL, as on D1, whatever the database's collation), so
 * any changed, lost, extra or reordered row changes it. A table without a key of its own (none today)
 * has no order both stores share: the sum (mod 2^256) of each row's SHA-256 stands in.
 */
class Digest {
  rows = 0;
  #stream = createHash("sha256");
  #sum;
  #hex;
  constructor(ordered) {
    if (!ordered) this.#sum = 0n;
  }
  add(values) {
    this.rows++;
    const line = JSON.stringify(values.map(canonical));
    if (this.#sum === undefined) this.#stream.update(`${line}\n`);
    else this.#sum = (this.#sum + BigInt(`0x${hash("sha256", line)}`)) % 2n ** 256n;
  }
  get sha256() {
    this.#hex ??= this.#sum === undefined ? this.#stream.digest("hex") : this.#sum.toString(16).padStart(64, "0");
    return this.#hex;
  }
}

/**
 * `table`'s rows after `after` in key order, `size` at a time: streamed from one sqlite3 process for
 * a local D1 (a process per page would cost more than the copy), else a query per page.
 */
async function* pages(table, shape, after, size) {
  if (d1.lines) {
    let page = [];
    for await (const line of d1.lines(pageQuery(table, shape, after, -1))) {
      page.push(JSON.parse(line));
      if (page.length === size) {
        yield page;
        page = [];
      }
    }
    if (page.length) yield page;
    return;
  }
  for (;;) {
    const page = d1.rows(pageQuery(table, shape, after, size)).map((line) => JSON.parse(line));
    if (page.length) yield page;
    if (page.length < size) return;
    after = keyOf(shape, page.at(-1));
  }
}

/** The D1 table's digest, read in key order. */
async function d1Digest(table, shape) {
  const digest = new Digest(shape.hasOwnKey);
  for await (const page of pages(table, shape, null, 5000)) for (const row of page) digest.add(row.slice(shape.hasOwnKey ? 0 : 1));
  return digest;
}

/** The PostgreSQL copy's digest, over the same columns in D1's order (and its key order). */
async function pgDigest(table, shape) {
  const digest = new Digest(shape.hasOwnKey);
  const textual = new Set((await sql`SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ${table} AND data_type IN ('text', 'character varying')`).map((r) => r.column_name));
  const order = shape.hasOwnKey ? ` ORDER BY ${shape.key.map((k) => (textual.has(k) ? `${q(k)} COLLATE "C"` : q(k))).join(", ")}` : "";
  const cursor = sql.unsafe(`SELECT ${shape.columns.map(q).join(", ")} FROM ${q(table)}${order}`).values().cursor(5000);
  for await (const page of cursor) for (const row of page) digest.add(row);
  return digest;
}

/**
 * Stored counters that differ from a recount from the base tables (test/invariants.ts's counterDrift),
 * each count aggregated once and joined (hash joins), not a subquery per row.
 */
const counterDrift = () =>
  sql.unsafe(`WITH
     v AS (SELECT target_id, count(*) FILTER (WHERE value = 1) AS up, count(*) FILTER (WHERE value = -1) AS down FROM votes GROUP BY target_id),
     live_comments AS (SELECT post_id, count(*) AS n FROM comments WHERE is_deleted = 0 GROUP BY post_id),
     replies AS (SELECT parent_id, count(*) AS n FROM comments WHERE parent_id IS NOT NULL GROUP BY parent_id),
     subs AS (SELECT submolt_id, count(*) AS n FROM subscriptions GROUP BY submolt_id),
     agent_subs AS (SELECT agent_id, count(*) AS n FROM subscriptions GROUP BY agent_id),
     live_posts AS (SELECT submolt_id, count(*) AS n FROM posts WHERE is_deleted = 0 GROUP BY submolt_id),
     authored_posts AS (SELECT author_id, count(*) AS n FROM posts WHERE is_deleted = 0 GROUP BY author_id),
     authored_comments AS (SELECT author_id, count(*) AS n FROM comments WHERE is_deleted = 0 GROUP BY author_id),
     followers AS (SELECT followee_id, count(*) AS n FROM follows GROUP BY followee_id),
     following AS (SELECT follower_id, count(*) AS n FROM follows GROUP BY follower_id),
     unread AS (SELECT agent_id, sum(count) AS n FROM notifications WHERE is_read = 0 GROUP BY agent_id)
   SELECT 'post' AS kind, p.id FROM posts p LEFT JOIN live_comments c ON c.post_id = p.id LEFT JOIN v ON v.target_id = p.id
   WHERE p.comment_count <> coalesce(c.n, 0) OR p.upvotes <> coalesce(v.up, 0) OR p.downvotes <> coalesce(v.down, 0) OR p.score <> p.upvotes - p.downvotes
   UNION ALL
   SELECT 'comment', c.id FROM comments c LEFT JOIN v ON v.target_id = c.id LEFT JOIN replies r ON r.parent_id = c.id
   WHERE c.upvotes <> coalesce(v.up, 0) OR c.downvotes <> coalesce(v.down, 0) OR c.score <> c.upvotes - c.downvotes OR c.reply_count <> coalesce(r.n, 0)
   UNION ALL
   SELECT 'submolt', s.id FROM submolts s LEFT JOIN subs x ON x.submolt_id = s.id LEFT JOIN live_posts p ON p.submolt_id = s.id
   WHERE s.subscriber_count <> coalesce(x.n, 0) OR s.post_count <> coalesce(p.n, 0)
   UNION ALL
   SELECT 'agent', a.id FROM agents a
     LEFT JOIN followers f1 ON f1.followee_id = a.id LEFT JOIN following f2 ON f2.follower_id = a.id
     LEFT JOIN agent_subs x ON x.agent_id = a.id LEFT JOIN authored_posts ap ON ap.author_id = a.id
     LEFT JOIN authored_comments ac ON ac.author_id = a.id LEFT JOIN unread u ON u.agent_id = a.id
   WHERE a.follower_count <> coalesce(f1.n, 0) OR a.following_count <> coalesce(f2.n, 0) OR a.subscriptions_count <> coalesce(x.n, 0)
      OR a.posts_count <> coalesce(ap.n, 0) OR a.comments_count <> coalesce(ac.n, 0) OR a.unread_notifications <> coalesce(u.n, 0)`);

main()
  .catch((err) => fail(err.stack ?? String(err)))
  .finally(() => sql.end({ timeout: 5 }));
