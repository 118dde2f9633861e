// The two schemas cannot drift silently: D1's migrations applied to SQLite and migrations/postgres
// applied to a throwaway PostgreSQL cluster must hold the same tables, columns (with nullability and
// type family), indexes (with uniqueness and partiality) and triggers, by name. The only differences
// allowed are listed below with what stands in for them.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root } from "../../scripts/lib/dev-server.mjs";
import { freePort } from "../postgres/cluster.ts";
import { clusterDir, ensureCluster, migratePostgres, postgresAvailable, stopCluster } from "../../scripts/lib/pg-cluster.mjs";

// D1-only objects: SQLite's own tables, the FTS5 machinery (on PostgreSQL: the GIN indexes
// posts_fts and comments_fts over the live rows) and its views.
const D1_ONLY_TABLE = /^(sqlite_|d1_migrations$|_cf_|(posts|comments)_fts($|_))/;
const D1_ONLY_VIEWS = ["comments_search_text", "posts_search_text"];
const PG_FOR_FTS5 = ["comments_fts", "posts_fts"];
// Indexes PostgreSQL's planner needs where SQLite's does without (each migration says why).
const PG_ONLY_INDEXES = ["posts_author_live_new_idx"];
// The stored documents those GIN indexes are over (FTS5 keeps the same words in its own tables).
const PG_FTS_COLUMNS: Record<string, string> = { comments: "search_document", posts: "search_document" };

let dir = "";
let sqliteFile = "";
let pg: postgres.Sql;

function sqlite<T>(query: string): T[] {
  const res = spawnSync("sqlite3", ["-json", sqliteFile, query], { encoding: "utf8" });
  if (res.status !== 0) throw new Error(res.stderr);
  return res.stdout.trim() ? (JSON.parse(res.stdout) as T[]) : [];
}

const family = (type: string) => {
  const t = type.toLowerCase();
  if (t === "text") return "text";
  if (t === "integer" || t === "bigint" || t === "smallint") return "integer";
  if (t === "real" || t === "double precision") return "real";
  if (t === "blob" || t === "bytea") return "blob";
  return t;
};

// Skipped locally without PostgreSQL's server (with a notice); CI installs it, so there it runs.
const runs = postgresAvailable() || !!process.env.CI;
if (!runs) console.warn("! PostgreSQL server binaries not found: the schema drift test is skipped (apt-get install postgresql)");

beforeAll(async () => {
  if (!runs) return;
  expect(spawnSync("sqlite3", ["-version"]).status, "the sqlite3 command is needed").toBe(0);
  dir = mkdtempSync(path.join(tmpdir(), "tidepool-pg-schema-"));
  sqliteFile = path.join(dir, "d1.sqlite");
  const migrations = readdirSync(path.join(root, "migrations")).filter((f) => f.endsWith(".sql")).sort();
  for (const f of migrations) {
    const text = readFileSync(path.join(root, "migrations", f), "utf8").replaceAll("--> statement-breakpoint", "");
    const res = spawnSync("sqlite3", [sqliteFile], { input: text, encoding: "utf8" });
    if (res.status !== 0) throw new Error(`${f}: ${res.stderr}`);
  }
  const url = await ensureCluster({ dir: path.join(dir, "pg"), port: await freePort() });
  await migratePostgres(url);
  // Twice: applying the migrations again is a no-op, as `npm run dev` and deploy rely on.
  await migratePostgres(url);
  pg = postgres(url, { max: 1, onnotice: () => {} });
}, 120_000);

afterAll(async () => {
  await pg?.end();
  if (dir) {
    stopCluster(path.join(dir, "pg"));
    rmSync(clusterDir(path.join(dir, "pg")), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

describe.skipIf(!runs)("the PostgreSQL schema matches D1's", () => {
  it("has the same tables, and on each the same columns, types and nullability", async () => {
    const d1Tables = sqlite<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .map((t) => t.name)
      .filter((n) => !D1_ONLY_TABLE.test(n));
    const pgTables = (await pg<{ name: string }[]>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`).map((t) => t.name);
    expect(pgTables).toEqual(d1Tables);
    expect(d1Tables.length).toBeGreaterThan(25);

    for (const table of d1Tables) {
      const d1Cols = sqlite<{ name: string; type: string; notnull: number; pk: number }>(`SELECT name, type, "notnull", pk FROM pragma_table_info('${table}') ORDER BY name`).map((c) => ({
        name: c.name,
        type: family(c.type),
        // SQLite lets a non-integer primary key column hold NULL unless declared NOT NULL; PostgreSQL never does.
        notNull: c.notnull === 1 || c.pk > 0,
      }));
      const pgCols = (
        await pg<{ name: string; type: string; nullable: string }[]>`
          SELECT column_name AS name, data_type AS type, is_nullable AS nullable FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name = ${table} ORDER BY column_name COLLATE "C"`
      ).map((c) => ({ name: c.name, type: family(c.type), notNull: c.nullable === "NO" }));
      const fts = PG_FTS_COLUMNS[table];
      if (fts) expect(pgCols.find((c) => c.name === fts), `${table}.${fts}`).toEqual({ name: fts, type: "tsvector", notNull: false });
      expect(pgCols.filter((c) => c.name !== fts), table).toEqual(d1Cols);
      const d1Pk = sqlite<{ name: string; pk: number }>(`SELECT name, pk FROM pragma_table_info('${table}') WHERE pk > 0 ORDER BY pk`).map((c) => c.name);
      const pgPk = (
        await pg<{ name: string }[]>`
          SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
          WHERE i.indrelid = ${table}::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`
      ).map((c) => c.name);
      expect(pgPk, `${table} primary key`).toEqual(d1Pk);
    }
  });

  it("has the same indexes, each as unique and as partial as on D1, with FTS5's replaced by GIN and the planner's own beside them", async () => {
    const d1 = sqlite<{ name: string; unique: number; partial: number }>(
      `SELECT il.name, il."unique", il.partial FROM sqlite_master m, pragma_index_list(m.name) il
       WHERE m.type = 'table' AND il.origin <> 'pk' ORDER BY il.name`,
    )
      .filter((i) => !D1_ONLY_TABLE.test(i.name))
      .map((i) => ({ name: i.name, unique: i.unique === 1, partial: i.partial === 1 }));
    const pgIndexes = (
      await pg<{ name: string; unique: boolean; partial: boolean; method: string }[]>`
        SELECT c.relname AS name, i.indisunique AS unique, i.indpred IS NOT NULL AS partial, am.amname AS method
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = c.relam
        WHERE n.nspname = 'public' AND NOT i.indisprimary ORDER BY c.relname COLLATE "C"`
    ).map((i) => ({ ...i }));
    const gin = pgIndexes.filter((i) => i.method === "gin");
    expect(gin.map((i) => [i.name, i.partial])).toEqual(PG_FOR_FTS5.map((n) => [n, true]));
    expect(pgIndexes.filter((i) => PG_ONLY_INDEXES.includes(i.name)).map((i) => i.name)).toEqual(PG_ONLY_INDEXES);
    const shared = pgIndexes.filter((i) => i.method !== "gin" && !PG_ONLY_INDEXES.includes(i.name));
    expect(shared.map(({ name, unique, partial }) => ({ name, unique, partial }))).toEqual(d1);
    expect(d1.filter((i) => i.partial).length).toBeGreaterThan(10);
    const views = sqlite<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name").map((v) => v.name);
    expect(views).toEqual(D1_ONLY_VIEWS);
  });

  it("has the same triggers on the same tables", async () => {
    const d1 = sqlite<{ name: string; tbl: string }>("SELECT name, tbl_name AS tbl FROM sqlite_master WHERE type = 'trigger' ORDER BY name");
    const pgTriggers = await pg<{ name: string; tbl: string }[]>`
      SELECT t.tgname AS name, c.relname AS tbl FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal ORDER BY t.tgname COLLATE "C"`;
    expect(pgTriggers.map((t) => ({ ...t }))).toEqual(d1);
    expect(d1.length).toBeGreaterThan(12);
  });

  it("seeds the same default submolts", async () => {
    const d1 = sqlite<{ id: string; name: string }>("SELECT id, name FROM submolts ORDER BY id");
    const rows = await pg<{ id: string; name: string }[]>`SELECT id, name FROM submolts ORDER BY id`;
    expect(rows.map((r) => ({ ...r }))).toEqual(d1);
    expect(d1.map((s) => s.name)).toContain("general");
  });
});
