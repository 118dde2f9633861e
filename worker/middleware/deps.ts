import { drizzle } from "drizzle-orm/d1";
import { createMiddleware } from "hono/factory";
import * as schema from "../../schema";
import type { AppEnv, Deps, SearchPorts } from "../app";
import { loadConfig, type Bindings } from "../env";
import { pickClaimVerifier } from "../ports/claim-verifier";
import { systemClock, type Clock } from "../ports/clock";
import { pickEmbedder } from "../ports/embedder";
import { pickVectorIndex } from "../ports/vector-index";

const isClock = (v: unknown): v is Clock => typeof (v as Clock | undefined)?.now === "function";

/** Builds the services' dependencies from bindings and parsed vars (also used by the cron handler). */
export function buildDeps(env: Bindings, origin: string, clock: Clock = systemClock, d1: D1Database = env.DB): Deps {
  const config = loadConfig(env);
  let search: SearchPorts | undefined;
  return {
    db: drizzle(d1, { schema }),
    d1,
    config,
    clock,
    verifier: pickClaimVerifier(config.CLAIM_VERIFIER, fetch, config.CLAIM_PROOF_HOSTS.length ? config.CLAIM_PROOF_HOSTS : undefined),
    origin: config.PUBLIC_URL.replace(/\/+$/, "") || origin,
    search: () => (search ??= { embedder: pickEmbedder(config.SEARCH_ADAPTER, env), index: pickVectorIndex(config.SEARCH_ADAPTER, env) }),
  };
}

interface D1Counts {
  /** Statements prepared (a batch of five counts five). */
  statements: number;
  /** Calls that reach the database: each first/all/run/raw, and each batch once. */
  calls: number;
}

const EXECUTE = new Set(["first", "all", "run", "raw"]);

/** A D1 binding that counts statements and database calls; batches get the real statements back. */
function countingD1(db: D1Database, counts: D1Counts): D1Database {
  const originals = new WeakMap<object, D1PreparedStatement>();
  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (typeof value !== "function") return value;
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args));
        if (EXECUTE.has(String(prop))) counts.calls++;
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
          counts.statements++;
          return wrap(target.prepare(query));
        };
      }
      if (prop === "batch") {
        return (stmts: D1PreparedStatement[]) => {
          counts.calls++;
          return target.batch(stmts.map((s) => originals.get(s) ?? s));
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Builds the services' dependencies once per request. */
export const withDeps = createMiddleware<AppEnv>(async (c, next) => {
  // Tests calling app.fetch directly may pass a Clock object in env; deployed vars are strings.
  const clock = isClock(c.env.CLOCK) ? c.env.CLOCK : systemClock;
  const origin = new URL(c.req.url).origin;
  // Benchmark servers report each request's D1 statement count, so the report can say why a route
  // costs what it does (BENCH_ROUTES is never on in production).
  if (!loadConfig(c.env).BENCH_ROUTES) {
    c.set("deps", buildDeps(c.env, origin, clock));
    return next();
  }
  const counts: D1Counts = { statements: 0, calls: 0 };
  c.set("deps", buildDeps(c.env, origin, clock, countingD1(c.env.DB, counts)));
  await next();
  c.res = new Response(c.res.body, c.res);
  c.res.headers.set("X-Tidepool-D1-Statements", String(counts.statements));
  c.res.headers.set("X-Tidepool-D1-Calls", String(counts.calls));
});
