export interface D1Hooks {
  /** Each prepare() (a batch of five statements prepares five). */
  prepared?(query: string): void;
  /**
   * Before each call that reaches the database: first/all/run/raw, and each batch once. Throwing
   * fails the call unrun; a returned function runs once the call returned, and throwing there loses
   * the answer of a statement that did run.
   */
  before?(call: string): void | (() => void);
}

const EXECUTE = new Set(["first", "all", "run", "raw"]);

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
  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (typeof value !== "function") return value;
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args));
        if (EXECUTE.has(String(prop))) return (...args: unknown[]) => call(String(prop), () => value.apply(target, args));
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
          return wrap(target.prepare(query));
        };
      }
      if (prop === "batch") {
        return (stmts: D1PreparedStatement[]) => call("batch", () => target.batch(stmts.map((s) => originals.get(s) ?? s)));
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
