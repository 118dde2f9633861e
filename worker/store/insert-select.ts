import { getTableColumns, sql, type Column, type SQL, type Table } from "drizzle-orm";

/** A column's value when a row leaves it out: its SQL default as drizzle would fill it in, else NULL. */
function defaultOf(col: Column): unknown {
  if (col.defaultFn) return col.defaultFn();
  if (col.default !== undefined) return col.default;
  return null;
}

/**
 * The SELECT list of `INSERT INTO table (every column) SELECT …` for one row: each column's value
 * (encoded as drizzle encodes it, its default when left out), or the expression `computed` gives,
 * in the table's column order (what drizzle's insert(table).select(sql) lists). A write whose
 * checks belong in its own statement (`… FROM submolts s WHERE …`) is one statement, not a read
 * and then a write.
 */
export function rowValues<T extends Table>(table: T, row: Partial<Record<keyof T["$inferInsert"], unknown>>, computed: Partial<Record<keyof T["$inferInsert"], SQL>> = {}): SQL {
  const values = Object.entries(getTableColumns(table))
    // Generated columns are left out, as drizzle leaves them out of the column list (not in its types).
    .filter(([, col]) => !(col as unknown as { shouldDisableInsert(): boolean }).shouldDisableInsert())
    .map(([key, col]) => {
      const expr = (computed as Record<string, SQL | undefined>)[key];
      if (expr) return expr;
      const value = (row as Record<string, unknown>)[key];
      const v = value === undefined ? defaultOf(col) : value;
      return v === null ? sql`NULL` : sql.param(v, col);
    });
  return sql.join(values, sql`, `);
}
