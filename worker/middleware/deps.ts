import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv, Deps, SearchPorts } from "../app";
import { loadConfig, type Bindings } from "../env";
import { interceptD1 } from "../lib/intercept-d1";
import { lazy } from "../lib/lazy";
import { pickClaimVerifier } from "../ports/claim-verifier";
import { systemClock, type Clock } from "../ports/clock";
import { pickEmbedder } from "../ports/embedder";
import { pickVectorIndex } from "../ports/vector-index";
import { d1Store } from "../store/d1";
import { pgStore } from "../store/pg";
import { PgConnection } from "../store/pg/client";

const isClock = (v: unknown): v is Clock => typeof (v as Clock | undefined)?.now === "function";

/** A D1 session where a D1Database is expected: queries go through the session (drizzle uses prepare and batch only). */
const sessionDatabase = (session: D1DatabaseSession, base: D1Database): D1Database => ({
  prepare: (q) => session.prepare(q),
  batch: (s) => session.batch(s),
  exec: (q) => base.exec(q),
  dump: () => base.dump(),
  withSession: (c) => base.withSession(c),
});

/**
 * Builds the services' dependencies from bindings and parsed vars (also used by the cron handler).
 * With `session`, queries run in a D1 session anchored there ("first-primary", "first-unconstrained"
 * or a bookmark), so a database with read replication serves them from the nearest consistent replica.
 */
export function buildDeps(env: Bindings, origin: string, clock: Clock = systemClock, d1: D1Database = env.DB, session?: string, pgStatement?: () => void): Deps {
  const config = loadConfig(env);
  let search: SearchPorts | undefined;
  const gateNamed = (name: string) => env.GATE.get(env.GATE.idFromName(name));
  const common = {
    config,
    clock,
    verifier: pickClaimVerifier(config.CLAIM_VERIFIER, fetch, config.CLAIM_PROOF_HOSTS.length ? config.CLAIM_PROOF_HOSTS : undefined),
    origin: config.PUBLIC_URL.replace(/\/+$/, "") || origin,
    gate: (agentId: string) => gateNamed(`agent:${agentId}`),
    gateNamed,
    search: () => (search ??= { embedder: pickEmbedder(config, env), index: pickVectorIndex(config.SEARCH_ADAPTER, env, config.LOCAL_VECTOR_CACHE_MB) }),
  };
  if (config.STORAGE === "postgres") return postgresDeps(env, common, pgStatement);
  const on = (constraint: string | undefined) => {
    const s = constraint !== undefined && typeof d1.withSession === "function" ? d1.withSession(constraint) : null;
    const bound = s ? sessionDatabase(s, d1) : d1;
    // No relational schema: nothing uses drizzle's db.query, and extracting it cost every request.
    return { store: lazy(() => d1Store(bound, drizzle(bound))), bookmark: () => s?.getBookmark() ?? null };
  };
  const deps: Deps = {
    ...on(session),
    // `this`: the deps it is called on, with whatever a caller added (d1Calls on benchmark servers).
    anchored(this: Deps, constraint: string) {
      return { ...this, ...on(constraint) };
    },
    release: async () => {},
    ...common,
  };
  return deps;
}

/**
 * Deps on PostgreSQL: one connection for these deps, opened on first use, closed by release().
 * No read replicas to anchor to (a replica set behind Hyperdrive is the operator's choice), so
 * anchored() is the same deps.
 */
function postgresDeps(env: Bindings, common: Omit<Deps, "store" | "release" | "anchored" | "bookmark">, onStatement?: () => void): Deps {
  if (!env.HYPERDRIVE) throw new Error("Tidepool configuration is invalid: STORAGE=postgres needs a HYPERDRIVE binding (docs/scale.md, \"Moving to PostgreSQL\")");
  // A test may pass a function here to see each statement (like CLOCK, never a deployed var).
  const log = typeof env.PG_QUERY_LOG === "function" ? (env.PG_QUERY_LOG as (sql: string, params: unknown[]) => void) : undefined;
  const connection = new PgConnection(env.HYPERDRIVE.connectionString, log, onStatement);
  return {
    ...common,
    store: lazy(() => pgStore(connection)),
    release: () => connection.end(),
    anchored(this: Deps) {
      return this;
    },
    bookmark: () => null,
  };
}

/** Where a request's reads start before anyone is authenticated: reads anywhere, writes at the primary. */
const firstSession = (method: string) => (method === "GET" || method === "HEAD" ? "first-unconstrained" : "first-primary");

interface D1Counts {
  /** Statements prepared (a batch of five counts five). */
  statements: number;
  /** Calls that reach the database: each first/all/run/raw, and each batch once. */
  calls: number;
  /** D1's rows_read / rows_written summed over the calls (metered requests only). */
  rowsRead: number;
  rowsWritten: number;
  /** Calls to Gate Durable Objects (admission, quotas, holds given back). */
  gateCalls: number;
}

/** Closes the request's connections once the response is out (Workers keep the isolate for waitUntil). */
function release(c: Context<AppEnv>, deps: Deps) {
  if (deps.config.STORAGE !== "postgres") return;
  const closing = deps.release().catch((err: unknown) => console.warn(JSON.stringify({ level: "warn", message: "closing the PostgreSQL connection failed", error: String(err) })));
  try {
    c.executionCtx.waitUntil(closing);
  } catch {
    // app.fetch called without an execution context (some unit tests): closing runs on its own.
  }
}

/** The Gate methods a request may call, each counted when a benchmark server reports Gate calls. */
const GATE_METHODS = new Set(["admit", "take", "release", "noteBookmark", "suspend", "resume", "endKeys", "forgetKeyEnds", "bump"]);

/** The Gate namespace with every call on its stubs counted. */
function countingGates(ns: Bindings["GATE"], count: () => void): Bindings["GATE"] {
  const get = (id: DurableObjectId) => {
    const stub = ns.get(id);
    return new Proxy(stub, {
      get: (target, prop) =>
        typeof prop === "string" && GATE_METHODS.has(prop)
          ? (...args: unknown[]) => {
              count();
              return (target as unknown as Record<string, (...a: unknown[]) => unknown>)[prop]!(...args);
            }
          : Reflect.get(target, prop),
    });
  };
  return { idFromName: (name: string) => ns.idFromName(name), get } as unknown as Bindings["GATE"];
}

/** Builds the services' dependencies once per request. */
export const withDeps = createMiddleware<AppEnv>(async (c, next) => {
  // Tests calling app.fetch directly may pass a Clock object in env; deployed vars are strings.
  const clock = isClock(c.env.CLOCK) ? c.env.CLOCK : systemClock;
  const origin = new URL(c.req.url).origin;
  const config = loadConfig(c.env);
  // The request log reports each request's D1 calls (PostgreSQL statements); benchmark servers also
  // report statements (and rows, when asked) in headers, so the report can say why a route costs
  // what it does (BENCH_ROUTES is never on in production).
  if (!config.BENCH_ROUTES && !config.REQUEST_LOG) {
    const deps = buildDeps(c.env, origin, clock, c.env.DB, firstSession(c.req.method));
    c.set("deps", deps);
    try {
      return await next();
    } finally {
      release(c, deps);
    }
  }
  const counts: D1Counts = { statements: 0, calls: 0, rowsRead: 0, rowsWritten: 0, gateCalls: 0 };
  // Only what this request's deps call: work after the response builds deps of its own on c.env.
  const env = config.BENCH_ROUTES ? { ...c.env, GATE: countingGates(c.env.GATE, () => void counts.gateCalls++) } : c.env;
  // Rows cost a second run of raw() reads (intercept-d1), so only requests that ask are metered.
  const meter = config.BENCH_ROUTES && c.req.header("X-Tidepool-Meter") === "rows";
  const counted = interceptD1(c.env.DB, {
    prepared: () => void counts.statements++,
    before: () => void counts.calls++,
    ...(meter
      ? {
          meta: (m: D1Meta) => {
            counts.rowsRead += m.rows_read ?? 0;
            counts.rowsWritten += m.rows_written ?? 0;
          },
        }
      : {}),
  });
  const pg = config.STORAGE === "postgres";
  // On PostgreSQL: statements, not round trips (postgres.js pipelines a request's parallel reads on its one connection).
  const deps = pg ? buildDeps(env, origin, clock, c.env.DB, undefined, () => void counts.statements++) : buildDeps(env, origin, clock, counted, firstSession(c.req.method));
  const gateCalls = () => counts.gateCalls;
  c.set("deps", pg ? { ...deps, gateCalls, pgStatements: () => counts.statements } : { ...deps, gateCalls, d1Calls: () => counts.calls });
  try {
    await next();
  } finally {
    release(c, deps);
  }
  if (!config.BENCH_ROUTES) return;
  c.res = new Response(c.res.body, c.res);
  c.res.headers.set("X-Tidepool-Gate-Calls", String(counts.gateCalls));
  if (pg) {
    c.res.headers.set("X-Tidepool-Pg-Statements", String(counts.statements));
    return;
  }
  c.res.headers.set("X-Tidepool-D1-Statements", String(counts.statements));
  c.res.headers.set("X-Tidepool-D1-Calls", String(counts.calls));
  if (meter) {
    c.res.headers.set("X-Tidepool-D1-Rows-Read", String(counts.rowsRead));
    c.res.headers.set("X-Tidepool-D1-Rows-Written", String(counts.rowsWritten));
  }
});
