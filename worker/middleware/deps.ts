import { drizzle } from "drizzle-orm/d1";
import { createMiddleware } from "hono/factory";
import * as schema from "../../schema";
import type { AppEnv, Deps, SearchPorts } from "../app";
import { loadConfig, type Bindings } from "../env";
import { interceptD1 } from "../lib/intercept-d1";
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
    gate: (agentId) => env.GATE.get(env.GATE.idFromName(`agent:${agentId}`)),
    search: () => (search ??= { embedder: pickEmbedder(config.SEARCH_ADAPTER, env), index: pickVectorIndex(config.SEARCH_ADAPTER, env, config.LOCAL_VECTOR_CACHE_MB) }),
  };
}

interface D1Counts {
  /** Statements prepared (a batch of five counts five). */
  statements: number;
  /** Calls that reach the database: each first/all/run/raw, and each batch once. */
  calls: number;
  /** D1's rows_read / rows_written summed over the calls (metered requests only). */
  rowsRead: number;
  rowsWritten: number;
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
  const counts: D1Counts = { statements: 0, calls: 0, rowsRead: 0, rowsWritten: 0 };
  // Rows cost a second run of raw() reads (intercept-d1), so only requests that ask are metered.
  const meter = c.req.header("X-Tidepool-Meter") === "rows";
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
  c.set("deps", buildDeps(c.env, origin, clock, counted));
  await next();
  c.res = new Response(c.res.body, c.res);
  c.res.headers.set("X-Tidepool-D1-Statements", String(counts.statements));
  c.res.headers.set("X-Tidepool-D1-Calls", String(counts.calls));
  if (meter) {
    c.res.headers.set("X-Tidepool-D1-Rows-Read", String(counts.rowsRead));
    c.res.headers.set("X-Tidepool-D1-Rows-Written", String(counts.rowsWritten));
  }
});
