// Where `wrangler dev` and `wrangler d1 --local` keep the local D1 database: one SQLite file per
// database under the persist directory (default .wrangler/state).
import { readdirSync } from "node:fs";
import path from "node:path";

/** The local state directory: `persistTo`, else the project's .wrangler/state. */
export const localStateDir = (root, persistTo) => (persistTo ? path.resolve(persistTo) : path.join(root, ".wrangler", "state"));

export function localDatabaseFile(root, persistTo) {
  const dir = path.join(localStateDir(root, persistTo), "v3", "d1", "miniflare-D1DatabaseObject");
  const files = readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (files.length !== 1) throw new Error(`expected one local D1 database in ${dir}, found ${files.length}`);
  return path.join(dir, files[0]);
}

/** The last migration's file name: a seeded state made under another schema is stale. */
export function schemaVersion(root) {
  return readdirSync(path.join(root, "migrations")).filter((f) => f.endsWith(".sql")).sort().at(-1);
}
