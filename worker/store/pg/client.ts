import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";

export type PgSql = postgres.Sql;
/** Without drizzle's relational schema (db.query is not used): extracting it cost every request. */
export type PgDb = PostgresJsDatabase;

/**
 * A PostgreSQL connection for one request (or one cron run): Workers cannot share a socket across
 * requests, and Hyperdrive pools the real connections, so each request opens its own client on
 * first use and `end()` closes it after the response (ctx.waitUntil).
 */
export class PgConnection {
  #sql: PgSql | null = null;
  #db: PgDb | null = null;
  /**
   * `onQuery` sees each statement drizzle sends, with its parameters (the query-plan tests record
   * them); `onStatement` counts every statement the client sends, BEGIN and COMMIT and the raw ones
   * too (the request log and the benchmark's headers).
   */
  constructor(
    private readonly url: string,
    private readonly onQuery?: (sql: string, params: unknown[]) => void,
    private readonly onStatement?: () => void,
  ) {}

  /** The client, opened on first use. */
  get sql(): PgSql {
    return (this.#sql ??= postgres(this.url, {
      // One connection per request: its parallel reads (Promise.all) are pipelined on it, and a
      // request never opens several backends (each one a process on an unpooled server).
      max: 1,
      // No type lookup round trip on connect; the types we read are the built-in ones.
      fetch_types: false,
      onnotice: () => {},
      ...(this.onStatement ? { debug: this.onStatement } : {}),
      types: {
        // bigint columns hold epoch milliseconds and counters: JS numbers, as D1 returns them.
        bigint: { to: 20, from: [20], serialize: (v: number | bigint) => String(v), parse: (v: string) => Number(v) },
        // sum() over bigint columns answers numeric: counts and tallies, numbers as D1 answers them.
        numeric: { to: 1700, from: [1700], serialize: (v: number) => String(v), parse: (v: string) => Number(v) },
      },
    }));
  }

  /** drizzle's pg dialect over the same client. */
  get db(): PgDb {
    const onQuery = this.onQuery;
    return (this.#db ??= drizzle(this.sql, onQuery ? { logger: { logQuery: onQuery } } : {}));
  }

  async end(): Promise<void> {
    const open = this.#sql;
    this.#sql = null;
    this.#db = null;
    await open?.end({ timeout: 5 });
  }
}
