import { sql, type SQL, type SQLWrapper } from "drizzle-orm";

/**
 * The few SQL spellings that differ between SQLite (D1) and PostgreSQL, for queries otherwise
 * shared (store/portable.ts).
 */
export interface Dialect {
  /** A JSON object as text (SQLite json_object, PostgreSQL json_build_object cast to text). */
  jsonObject(fields: Record<string, SQLWrapper>): SQL<string | null>;
  /** `expr` is one of `values` (bound as one parameter whatever their number). */
  inList(expr: SQLWrapper, values: readonly (string | number)[], type: "text" | "bigint"): SQL;
  /** An aggregate: the group's distinct values joined by commas. */
  distinctList(expr: SQLWrapper): SQL<string>;
  /** An aggregate: the group's values as a JSON array (text), ordered by `newest` descending (SQLite: the rows' order, so read from a subquery ordered so). */
  jsonArrayNewestFirst(expr: SQLWrapper, newest: SQLWrapper): SQL<string>;
}

/** Keys are code, never input: written as literals (PostgreSQL cannot type a bare parameter there). */
const pairs = (fields: Record<string, SQLWrapper>) =>
  sql.join(
    Object.entries(fields).map(([k, v]) => {
      if (!/^\w+$/.test(k)) throw new Error(`not a JSON key literal: ${k}`);
      return sql`${sql.raw(`'${k}'`)}, ${v}`;
    }),
    sql`, `,
  );

export const sqlite: Dialect = {
  jsonObject: (fields) => sql`json_object(${pairs(fields)})`,
  inList: (expr, values) => sql`${expr} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`,
  distinctList: (expr) => sql<string>`group_concat(DISTINCT ${expr})`,
  jsonArrayNewestFirst: (expr) => sql<string>`json_group_array(${expr})`,
};

/** A PostgreSQL array literal ('{"a","b"}'): the driver sends a JS array through drizzle as "a,b". */
export const pgArray = (values: readonly (string | number)[]) => `{${values.map((v) => `"${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(",")}}`;

export const postgres: Dialect = {
  jsonObject: (fields) => sql`json_build_object(${pairs(fields)})::text`,
  inList: (expr, values, type) => sql`${expr} = ANY(${pgArray(values)}::${sql.raw(type)}[])`,
  distinctList: (expr) => sql<string>`string_agg(DISTINCT ${expr}, ',')`,
  jsonArrayNewestFirst: (expr, newest) => sql<string>`json_agg(${expr} ORDER BY ${newest} DESC)::text`,
};
