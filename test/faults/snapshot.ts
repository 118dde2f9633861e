// Whole-database snapshots, to tell "nothing happened" and "all of it happened" apart from "part of it".
import { env } from "cloudflare:workers";

/** Tables filled after the response (the search outbox drain) or by SQLite itself; invariants.unindexed() checks them instead. */
const EVENTUAL = new Set(["search_outbox", "search_vectors", "search_index_meta"]);

export type Snapshot = Map<string, Map<string, string>>;

let tables: { name: string; key: string }[] | null = null;

async function tableNames(): Promise<{ name: string; key: string }[]> {
  if (tables) return tables;
  const rows = await env.DB.prepare(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'",
  ).all<{ name: string; sql: string }>();
  const shadow = (name: string) => rows.results.some((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql) && name.startsWith(`${t.name}_`));
  const kept = rows.results.filter((t) => !EVENTUAL.has(t.name) && !shadow(t.name));
  // WITHOUT ROWID tables have no rowid: their rows are keyed by their primary key instead.
  tables = await Promise.all(
    kept.map(async (t) => {
      if (!/WITHOUT ROWID\s*$/i.test(t.sql)) return { name: t.name, key: "rowid" };
      const cols = await env.DB.prepare(`SELECT name FROM pragma_table_info('${t.name}') WHERE pk > 0 ORDER BY pk`).all<{ name: string }>();
      return { name: t.name, key: `json_array(${cols.results.map((c) => `"${c.name}"`).join(", ")})` };
    }),
  );
  return tables;
}

/** Every row of every table, keyed by rowid (or primary key). */
export async function snapshot(): Promise<Snapshot> {
  const names = await tableNames();
  // One batch: a consistent read of every table in a single round trip.
  const results = await env.DB.batch<Record<string, unknown>>(names.map((t) => env.DB.prepare(`SELECT ${t.key} AS __rowid, * FROM "${t.name}"`)));
  return new Map(names.map((t, i) => [t.name, new Map(results[i]!.results.map(({ __rowid, ...row }) => [String(__rowid), JSON.stringify(row)]))]));
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
