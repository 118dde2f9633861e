// What a Tidepool backup holds and how its rows are read out of D1, shared by backup.mjs and
// restore.mjs. A backup is a directory: manifest.json and one gzip-compressed NDJSON file per base
// table, each line one row as a JSON array in the manifest's column order. Blobs are {"$hex": …},
// integers past 2^53 {"$int": "…"} (JSON numbers would round them).

export const FORMAT = "tidepool-backup/1";

const q = (name) => `"${name.replaceAll('"', '""')}"`;

/**
 * The tables worth keeping: every ordinary table but SQLite's and D1's own, the migration ledger
 * (restore applies migrations itself) and FTS5 tables with their shadow tables (rebuilt from the
 * rows they index; `wrangler d1 export` refuses databases that have them at all).
 */
export function baseTables(d1) {
  const all = d1.rows(`SELECT json_array(name, sql) FROM sqlite_master WHERE type = 'table' ORDER BY name`).map((l) => JSON.parse(l));
  const virtual = all.filter(([, sql]) => /^CREATE VIRTUAL TABLE/i.test(sql ?? "")).map(([name]) => name);
  return all
    .map(([name]) => name)
    .filter((name) => !/^(sqlite_|_cf_|d1_)/.test(name) && !virtual.some((v) => name === v || name.startsWith(`${v}_`)));
}

/** A table's columns in order, and its primary key (rowid when it has none of its own). */
export function tableShape(d1, table) {
  const cols = d1.rows(`SELECT json_array(name, pk) FROM pragma_table_info(${sqlString(table)}) ORDER BY cid`).map((l) => JSON.parse(l));
  const key = cols.filter(([, pk]) => pk > 0).sort((a, b) => a[1] - b[1]).map(([name]) => name);
  return { columns: cols.map(([name]) => name), key: key.length ? key : ["rowid"], hasOwnKey: key.length > 0 };
}

export const sqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;

/** A value as the backup encodes it, as an SQL literal: text quoted, blobs X'…', big integers exact. */
export function sqlLiteral(v) {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`cannot store ${v}`);
    return String(v);
  }
  if (typeof v === "object" && typeof v.$hex === "string") return `X'${v.$hex}'`;
  if (typeof v === "object" && typeof v.$int === "string" && /^-?\d+$/.test(v.$int)) return v.$int;
  if (typeof v === "string") return sqlString(v);
  throw new Error(`unexpected value ${JSON.stringify(v)}`);
}

/** The schema's level: the last migration applied (a backup and its restore target must agree). */
export const migrationLevel = (d1) => d1.rows("SELECT json_quote(name) FROM d1_migrations ORDER BY id DESC LIMIT 1").map((l) => JSON.parse(l))[0] ?? null;

const BIG = 9007199254740991;
// A real as 17 significant digits (json() keeps the text as the number it is): json_array's own
// rendering keeps 15 and would round a hot rank on its way out.
const cell = (c) =>
  `CASE WHEN typeof(${q(c)}) = 'blob' THEN json_object('$hex', hex(${q(c)})) WHEN typeof(${q(c)}) = 'integer' AND (${q(c)} > ${BIG} OR ${q(c)} < -${BIG}) THEN json_object('$int', CAST(${q(c)} AS TEXT)) WHEN typeof(${q(c)}) = 'real' AND abs(${q(c)}) < 1e308 THEN json(printf('%!.17g', ${q(c)})) ELSE ${q(c)} END`;

/**
 * One page of rows after `after` (the previous page's last key values, or null), in key order:
 * keyset paging, so every page is an index range however large the table.
 */
export function pageQuery(table, shape, after, limit) {
  const keyCols = shape.key.map((k) => (k === "rowid" ? "rowid" : q(k)));
  const keyList = keyCols.join(", ");
  const where = after ? `WHERE (${keyList}) > (${after.map(sqlLiteral).join(", ")})` : "";
  // The key rides along first when it is rowid (not a column we keep) so the next page can start after it.
  const extra = shape.hasOwnKey ? "" : "rowid, ";
  return `SELECT json_array(${extra}${shape.columns.map(cell).join(", ")}) FROM ${q(table)} ${where} ORDER BY ${keyList} LIMIT ${limit}`;
}

/** The key values of a row read by pageQuery: where the next page starts. */
export function keyOf(shape, row) {
  if (!shape.hasOwnKey) return [row[0]];
  return shape.key.map((k) => row[shape.columns.indexOf(k)]);
}
