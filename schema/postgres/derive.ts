import {
  bigint,
  customType,
  doublePrecision,
  foreignKey,
  index,
  type PgColumnBuilderBase,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  type PgTableWithColumns,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import { getTableColumns, is, SQL, sql } from "drizzle-orm";
import { getTableConfig, type SQLiteColumn, type SQLiteTable } from "drizzle-orm/sqlite-core";

// The PostgreSQL tables are derived from the D1 (SQLite) tables in schema/, never written twice:
// a column, key or index added to schema/ reaches PostgreSQL's generated migrations with the same
// name (test/node/pg-schema.test.ts compares both migrated databases). What SQLite does in raw SQL
// (FTS5, triggers) has hand-written PostgreSQL equivalents in migrations/postgres.
//
// Types: integers are bigint (epoch milliseconds do not fit in int4) read as JS numbers; boolean-mode
// integers stay 0/1 smallints, so SQL such as `is_deleted = 0` means the same on both stores; reals
// are double precision; blobs bytea; text enums plain text (the domain checks values, as on D1).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DerivedTable = PgTableWithColumns<any>;

/** drizzle's pg-core has no bytea builder; the column is raw bytes as on D1. */
const bytea = customType<{ data: Uint8Array }>({ dataType: () => "bytea" });
/** A D1 boolean-mode integer: 0/1 in the table, true/false in rows read through drizzle, as on D1. */
const flag = customType<{ data: boolean; driverData: number }>({
  dataType: () => "smallint",
  toDriver: (v) => (v ? 1 : 0),
  fromDriver: (v) => Number(v) === 1,
});

const registry = new Map<SQLiteTable, DerivedTable>();

function columnBuilder(c: SQLiteColumn, table: string, singlePk: boolean): PgColumnBuilderBase {
  // The D1 column's own SQL type decides; drizzle's column kinds carry it as columnType.
  // One builder variable across the column kinds; each branch's builder is a PgColumnBuilder.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let b: any;
  switch (c.columnType) {
    case "SQLiteText":
      b = text(c.name);
      break;
    case "SQLiteBoolean":
      b = flag(c.name);
      break;
    case "SQLiteInteger":
    case "SQLiteTimestamp":
      b = bigint(c.name, { mode: "number" });
      // A rowid alias named id is assigned by the database when omitted (outbox, signatures).
      if (singlePk && c.primary && c.name === "id") b = b.generatedByDefaultAsIdentity();
      break;
    case "SQLiteReal":
      b = doublePrecision(c.name);
      break;
    case "SQLiteBlobBuffer":
      b = bytea(c.name);
      break;
    default:
      throw new Error(`${table}.${c.name}: no PostgreSQL type for ${c.columnType}`);
  }
  if (c.notNull) b = b.notNull();
  if (c.primary) b = b.primaryKey();
  if (c.hasDefault && c.default !== undefined) {
    const d = c.default;
    if (is(d, SQL)) throw new Error(`${table}.${c.name}: SQL defaults need a hand-written PostgreSQL form`);
    b = b.default(typeof d === "boolean" ? Number(d) : (d as never));
  }
  if (c.isUnique) b = b.unique(c.uniqueName);
  return b as PgColumnBuilderBase;
}

/** Index expressions refer to the D1 table's columns; the same columns of the derived table stand in. */
function indexPart(part: SQLiteColumn | SQL, cols: Record<string, AnyPgColumn>): AnyPgColumn | SQL {
  if (!is(part, SQL)) return cols[part.name]!;
  return sql.join(
    part.queryChunks.map((chunk) => {
      const name = (chunk as { name?: unknown; columnType?: unknown }).columnType ? (chunk as SQLiteColumn).name : null;
      return name ? cols[name]! : (chunk as SQL);
    }),
  );
}

/** The PostgreSQL table with the D1 table's name, columns, keys and indexes. */
export function derive(source: SQLiteTable): DerivedTable {
  const existing = registry.get(source);
  if (existing) return existing;
  const config = getTableConfig(source);
  const singlePk = config.primaryKeys.length === 0;
  // The D1 table's property names: rows read through drizzle have the same shape on both stores.
  const columns = Object.fromEntries(Object.entries(getTableColumns(source)).map(([key, c]) => [key, columnBuilder(c, config.name, singlePk)]));
  const table = pgTable(config.name, columns, (t) => {
    const cols = Object.fromEntries(Object.values(t as unknown as Record<string, AnyPgColumn>).map((c) => [c.name, c]));
    const pick = (cs: SQLiteColumn[]) => cs.map((c) => cols[c.name]!) as [AnyPgColumn, ...AnyPgColumn[]];
    return [
      ...config.primaryKeys.map((pk) => primaryKey({ columns: pick(pk.columns) })),
      ...config.indexes.map((i) => {
        const parts = i.config.columns.map((p) => indexPart(p, cols)) as [AnyPgColumn | SQL, ...(AnyPgColumn | SQL)[]];
        const built = (i.config.unique ? uniqueIndex : index)(i.config.name).on(...parts);
        return i.config.where ? built.where(i.config.where) : built;
      }),
      ...config.foreignKeys.map((fk) => {
        const ref = fk.reference();
        const target = Object.fromEntries(Object.values(getTableColumns(derive(ref.foreignTable)) as Record<string, AnyPgColumn>).map((c) => [c.name, c]));
        return foreignKey({
          name: fk.getName(),
          columns: pick(ref.columns),
          foreignColumns: ref.foreignColumns.map((c) => target[c.name]!) as [AnyPgColumn, ...AnyPgColumn[]],
        });
      }),
    ];
  });
  registry.set(source, table);
  return table;
}
