// Applies migrations/ to the local D1 exactly as `wrangler d1 migrations apply DB --local` does (the
// same d1_migrations table, each migration and its row in one batch, wrangler's statement splitter),
// in one Miniflare. wrangler starts a workerd per migration and per query: 13 s for 21 migrations
// on this machine, paid by every `npm run dev`, seed and restore; this takes about one second.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { wranglerModules } from "./wrangler-modules.mjs";

/**
 * Applies the pending migrations of the project at `root` (its wrangler.toml and migrations folder)
 * to the local D1 under `persistTo` (default root/.wrangler/state); the names applied, in order.
 * `wrangler d1 migrations apply --local` afterwards finds nothing to do.
 */
export async function applyLocalMigrations({ root, persistTo }) {
  const { miniflare, wrangler } = wranglerModules();
  const config = wrangler.unstable_readConfig({ config: path.join(root, "wrangler.toml") });
  const d1 = config.d1_databases.find((d) => d.binding === "DB");
  if (!d1) throw new Error("wrangler.toml has no D1 database bound as DB");
  const table = d1.migrations_table ?? "d1_migrations";
  const dir = path.join(root, d1.migrations_dir ?? "migrations");
  const persist = persistTo ? path.resolve(persistTo) : path.join(root, ".wrangler", "state");
  const mf = new miniflare.Miniflare({
    modules: true,
    script: "",
    d1Persist: path.join(persist, "v3", "d1"),
    d1Databases: { DATABASE: d1.preview_database_id ?? d1.database_id },
  });
  try {
    const db = await mf.getD1Database("DATABASE");
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
  } finally {
    await mf.dispose();
  }
}
