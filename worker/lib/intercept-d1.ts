export interface D1Hooks {
  /** Each prepare() (a batch of five statements prepares five). */
  prepared?(query: string): void;
  /**
   * Before each call that reaches the database: first/all/run/raw, and each batch once. Throwing
   * fails the call unrun; a returned function runs once the call returned, and throwing there loses
   * the answer of a statement that did run.
   */
  before?(call: string): void | (() => void);
  /**
   * D1's meta of every call (rows read and written are what D1 bills), first() and raw() included,
   * which drop it: with this hook first() runs as all() (D1 reads the same rows either way), a raw()
   * write as run(), and a raw() read runs a second time as all() outside the counted calls, so
   * only benchmark probes should ask for it.
   */
  meta?(meta: D1Meta): void;
}

const EXECUTE = new Set(["first", "all", "run", "raw"]);
// A statement that only reads: safe to run twice. Anything else is run once, as run().
const READ_ONLY = /^\s*(select|with)\b(?![\s\S]*\b(insert|update|delete|replace)\b)/i;

/** first() rebuilt from all(): the first row, or one column of it (D1 throws for an unknown one). */
function firstOf(rows: Record<string, unknown>[], column?: string): unknown {
  const row = rows[0];
  if (row === undefined) return null;
  if (column === undefined) return row;
  if (!(column in row)) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`);
  return row[column];
}

/**
 * A D1 binding that reports every statement and database call to hooks: the benchmark counts with
 * it, the fault-injection suite fails chosen calls with it. Batches get the real statements back.
 */
export function interceptD1(db: D1Database, hooks: D1Hooks): D1Database {
  const originals = new WeakMap<object, D1PreparedStatement>();
  const call = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const after = hooks.before?.(name);
    const result = await run();
    after?.();
    return result;
  };
  const metered = hooks.meta;
  /** The call with D1's meta reported: the same result the caller asked for, one counted call. */
  const withMeta = (target: D1PreparedStatement, sql: string, name: string, args: unknown[], report: (m: D1Meta) => void) => {
    if (name === "first") {
      return call(name, async () => {
        const { results, meta } = await target.all<Record<string, unknown>>();
        report(meta);
        return firstOf(results, args[0] as string | undefined);
      });
    }
    if (name === "raw") {
      if (!READ_ONLY.test(sql)) {
        return call(name, async () => {
          const { results, meta } = await target.run<Record<string, unknown>>();
          report(meta);
          const rows = (results ?? []).map((r) => Object.values(r));
          return (args[0] as { columnNames?: boolean } | undefined)?.columnNames && results?.[0] ? [Object.keys(results[0]), ...rows] : rows;
        });
      }
      return call(name, async () => {
        const rows = await (target.raw as (o?: unknown) => Promise<unknown[]>).call(target, args[0]);
        report((await target.all()).meta);
        return rows;
      });
    }
    return call(name, async () => {
      const result = (await (target[name as "all" | "run"] as () => Promise<D1Result>).call(target)) as D1Result;
      report(result.meta);
      return result;
    });
  };
  const wrap = (stmt: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (typeof value !== "function") return value;
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args), sql);
        if (EXECUTE.has(String(prop))) {
          if (metered) return (...args: unknown[]) => withMeta(target, sql, String(prop), args, metered);
          return (...args: unknown[]) => call(String(prop), () => value.apply(target, args));
        }
        return value.bind(target);
      },
    });
    originals.set(proxy, stmt);
    return proxy;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") {
        return (query: string) => {
          hooks.prepared?.(query);
          return wrap(target.prepare(query), query);
        };
      }
      if (prop === "batch") {
        return (stmts: D1PreparedStatement[]) =>
          call("batch", async () => {
            const results = await target.batch(stmts.map((s) => originals.get(s) ?? s));
            for (const r of results) metered?.(r.meta);
            return results;
          });
      }
      // A session's calls are the same database's calls: they are reported too.
      if (prop === "withSession") return (constraint?: string) => interceptD1(target.withSession(constraint) as unknown as D1Database, hooks);
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
