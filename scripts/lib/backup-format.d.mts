export const FORMAT: string;
export interface D1Access {
  describe: string;
  rows(sql: string): string[];
  exec(sqlText: string): void;
  /** The local database only: rows streamed from one process. */
  lines?(sql: string): AsyncGenerator<string>;
}
export interface TableShape {
  columns: string[];
  key: string[];
  hasOwnKey: boolean;
}
export function baseTables(d1: D1Access): string[];
export function tableShape(d1: D1Access, table: string): TableShape;
export function pageQuery(table: string, shape: TableShape, after: unknown[] | null, limit: number): string;
export function keyOf(shape: TableShape, row: unknown[]): unknown[];
export function sqlString(s: string): string;
export function sqlLiteral(v: unknown): string;
export function migrationLevel(d1: D1Access): string | null;
