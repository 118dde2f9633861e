// Applies migrations/ to the local D1 exactly as `wrangler d1 migrations apply DB --local` does (the
// same d1_migrations table, each migration and its row in one batch, wrangler's statement splitter),
// in one Miniflare. wrangler starts a workerd per migration and per query: 13 s for 21 migrations
// on this machine, paid by every `npm run dev`, seed and restore; this takes about one second.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { wranglerModules } from "./wrangler-modules.mjs";

/** Runs `work` on the local D1 of the project at `root` under `persistTo`, in one Miniflare. */
async function withLocalD1({ root, persistTo }, work) {
  const { miniflare, wrangler } = wranglerModules();
  const config = wrangler.unstable_readConfig({ config: path.join(root, "wrangler.toml") });
  const d1 = config.d1_databases.find((d) => d.binding === "DB");
  if (!d1) throw new Error("wrangler.toml has no D1 database bound as DB");
  const persist = persistTo ? path.resolve(persistTo) : path.join(root, ".wrangler", "state");
  const mf = new miniflare.Miniflare({
    modules: true,
    script: "",
    d1Persist: path.join(persist, "v3", "d1"),
    d1Databases: { DATABASE: d1.preview_database_id ?? d1.database_id },
  });
  try {
    return await work(await mf.getD1Database("DATABASE"), { d1, wrangler });
  } finally {
    await mf.dispose();
  }
}

/**
 * Applies the pending migrations of the project at `root` (its wrangler.toml and migrations folder)
 * to the local D1 under `persistTo` (default root/.wrangler/state); the names applied, in order.
 * `wrangler d1 migrations apply --local` afterwards finds nothing to do.
 */
export function applyLocalMigrations({ root, persistTo }) {
  return withLocalD1({ root, persistTo }, async (db, { d1, wrangler }) => {
    const table = d1.migrations_table ?? "d1_migrations";
    const dir = path.join(root, d1.migrations_dir ?? "migrations");
    // wrangler's statement to the character, so the two leave the same schema behind.
    await db.prepare(`CREATE TABLE IF NOT EXISTS ${table}(\n\t\tid         INTEGER PRIMARY KEY AUTOINCREMENT,\n\t\tname       TEXT UNIQUE,\n\t\tapplied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL\n);`).run();
    const applied = new Set((await db.prepare(`SELECT name FROM ${table}`).all()).results.map((r) => r.name));
    const number = (name) => parseInt(name.split("_")[0], 10);
    const pending = readdirSync(dir)
      .filter((name) => name.endsWith(".sql") && !applied.has(name))
      .sort()
      .sort((a, b) => number(a) - number(b));
    for (const name of pending) {
      const sql = `${readFileSync(path.join(dir, name), "utf8")}\nINSERT INTO ${table} (name) values ('${name}');`;
      try {
        await db.batch(wrangler.unstable_splitSqlQuery(sql).map((q) => db.prepare(q)));
      } catch (err) {
        throw new Error(`migration ${name} failed: ${err.cause?.message ?? err.message}`);
      }
    }
    return pending;
  });
}

/** The dimension of the vectors the local vector index holds (null: none yet), as the Worker recorded it. */
export function localIndexDimensions({ root, persistTo }) {
  return withLocalD1({ root, persistTo }, async (db) => {
    const row = await db.prepare("SELECT value FROM search_index_meta WHERE key = 'dimensions'").first().catch(() => null);
    return row ? Number(row.value) : null;
  });
}

/**
 * Empties the local vector index for another embedding model before a server starts, with the
 * statements of the Worker's own reset (worker/ports/vector-index/local.ts): every vector and the
 * recorded dimension go, and a new identity makes each isolate's cache start over.
 * The number of vectors removed.
 */
export function emptyLocalIndex({ root, persistTo }) {
  return withLocalD1({ root, persistTo }, async (db) => {
    const [removed] = await db.batch([
      db.prepare("DELETE FROM search_vectors"),
      db.prepare("DELETE FROM search_index_meta WHERE key = 'dimensions'"),
      db.prepare("UPDATE search_index_meta SET value = lower(hex(randomblob(16))) WHERE key = 'instance'"),
    ]);
    return removed.meta.changes;
  });
}
