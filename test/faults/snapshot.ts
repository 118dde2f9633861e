// Whole-database snapshots, to tell "nothing happened" and "all of it happened" apart from "part of it".
import { env } from "cloudflare:workers";

/** Tables filled after the response (the search outbox drain) or by SQLite itself; invariants.unindexed() checks them instead. */
const EVENTUAL = new Set(["search_outbox", "search_vectors", "search_index_meta"]);

export type Snapshot = Map<string, Map<string, string>>;

let tables: string[] | null = null;

async function tableNames(): Promise<string[]> {
  if (tables) return tables;
  const rows = await env.DB.prepare(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'",
  ).all<{ name: string; sql: string }>();
  const shadow = (name: string) => rows.results.some((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql) && name.startsWith(`${t.name}_`));
  tables = rows.results.map((t) => t.name).filter((name) => !EVENTUAL.has(name) && !shadow(name));
  return tables;
}

/** Every row of every table, keyed by rowid. */
export async function snapshot(): Promise<Snapshot> {
  const names = await tableNames();
  // One batch: a consistent read of every table in a single round trip.
  const results = await env.DB.batch<Record<string, unknown>>(names.map((name) => env.DB.prepare(`SELECT rowid AS __rowid, * FROM "${name}"`)));
  return new Map(names.map((name, i) => [name, new Map(results[i]!.results.map(({ __rowid, ...row }) => [String(__rowid), JSON.stringify(row)]))]));
}

/** What changed between two snapshots, per table: rows inserted, deleted and updated. */
export function changes(before: Snapshot, after: Snapshot): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, rows] of after) {
    const old = before.get(name) ?? new Map<string, string>();
    let inserted = 0;
    let updated = 0;
    for (const [key, row] of rows) {
      const was = old.get(key);
      if (was === undefined) inserted++;
      else if (was !== row) updated++;
    }
    const deleted = [...old.keys()].filter((k) => !rows.has(k)).length;
    if (inserted || updated || deleted) out[name] = `+${inserted} -${deleted} ~${updated}`;
  }
  return out;
}
