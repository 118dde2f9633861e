import type { SQL } from "drizzle-orm";
import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import type * as schema from "../../schema";
import type { Db } from "../app";
import type { Dialect } from "./dialect";

/**
 * drizzle's query builder, shared by both adapters for the queries that mean the same on both
 * stores: plain selects, joins, inserts, updates and deletes over the same tables (the PostgreSQL
 * tables are derived from D1's with the same property names and row shapes: schema/postgres).
 * Typed as D1's builder; on PostgreSQL `db` and `t` are drizzle's pg builder and the derived tables.
 * Only what both dialects' builders have may be used here: no `.get()`/`.all()`/`.run()` (await
 * the builder; `first` for one row), no `db.batch` (`atomic`), no SQL functions one side lacks.
 * What differs (conditional batches, JSON, full-text search) stays in each adapter.
 */
export interface Portable {
  db: Db;
  t: typeof schema;
  dialect: Dialect;
  /** The statements `build` makes, all or nothing: one D1 batch, or one PostgreSQL transaction. */
  atomic<U extends BatchItem<"sqlite">, T extends Readonly<[U, ...U[]]>>(build: (db: Db) => T): Promise<BatchResponse<T>>;
  /** Independent reads in one call: one D1 batch, or side by side on PostgreSQL's connections. */
  reads<U extends BatchItem<"sqlite">, T extends Readonly<[U, ...U[]]>>(build: (db: Db) => T): Promise<BatchResponse<T>>;
  /**
   * `first` (a write with RETURNING), then `rest` only if `first` changed exactly one row; answers
   * whether it did. One D1 batch whose later statements carry `onlyIf` (`changes() = 1`, so each of
   * them must change one row, as the one before it did), or one PostgreSQL transaction that stops
   * after `first` (`onlyIf` undefined). For idempotent writes whose counters move only on a change.
   * With `changed: "some"`, `first` may change any number of rows (`changes() > 0`; then `rest` is one statement).
   */
  chain(first: (db: Builder) => BatchItem<"sqlite">, rest: (db: Builder, onlyIf: SQL | undefined) => BatchItem<"sqlite">[], changed?: "one" | "some"): Promise<boolean>;
  /** `chain`, answering the results of `rest`'s statements (their RETURNING rows), or null when `first` did not change what it had to. */
  chainRows(first: (db: Builder) => BatchItem<"sqlite">, rest: (db: Builder, onlyIf: SQL | undefined) => BatchItem<"sqlite">[], changed?: "one" | "some"): Promise<unknown[][] | null>;
}

/** What a shared query is built on: the database or a transaction of it, on either store. */
export type Builder = Pick<Db, "select" | "insert" | "update" | "delete">;

/** The first row of a select, or null. */
export async function first<T>(query: { limit(n: number): PromiseLike<T[]> }): Promise<T | null> {
  return (await query.limit(1))[0] ?? null;
}
