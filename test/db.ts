// Reading and writing the test database directly, on whichever store the project runs (STORAGE):
// suites that run on both D1 and PostgreSQL check state through these instead of env.DB. Queries
// are written once with `?` or `?N` parameters and plain SQL both dialects share.
import { env } from "cloudflare:workers";
import { PgConnection } from "../worker/store/pg/client";

export const storage: "d1" | "postgres" = env.STORAGE === "postgres" ? "postgres" : "d1";

/** `?N` and `?` parameters as PostgreSQL's `$N`. */
export function pgParams(query: string): string {
  let next = 0;
  return query.replace(/\?(\d+)?/g, (_, n: string | undefined) => `$${n ?? ++next}`);
}

export async function rows<T = Record<string, unknown>>(query: string, ...params: unknown[]): Promise<T[]> {
  if (storage === "d1") return (await env.DB.prepare(query).bind(...params).all<T>()).results;
  const connection = new PgConnection((env.HYPERDRIVE as Hyperdrive).connectionString);
  try {
    return [...(await connection.sql.unsafe(pgParams(query), params as never[]))] as T[];
  } finally {
    await connection.end();
  }
}

export const row = async <T = Record<string, unknown>>(query: string, ...params: unknown[]): Promise<T | null> => (await rows<T>(query, ...params))[0] ?? null;

export async function run(query: string, ...params: unknown[]): Promise<void> {
  await rows(query, ...params);
}
