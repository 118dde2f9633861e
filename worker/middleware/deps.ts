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
export function buildDeps(env: Bindings, origin: string, clock: Clock = systemClock): Deps {
  const config = loadConfig(env);
  let search: SearchPorts | undefined;
  return {
    db: drizzle(env.DB, { schema }),
    d1: env.DB,
    config,
    clock,
    verifier: pickClaimVerifier(config.CLAIM_VERIFIER),
    origin: config.PUBLIC_URL.replace(/\/+$/, "") || origin,
    search: () => (search ??= { embedder: pickEmbedder(config.SEARCH_ADAPTER, env), index: pickVectorIndex(config.SEARCH_ADAPTER, env) }),
  };
}

/** Builds the services' dependencies once per request. */
export const withDeps = createMiddleware<AppEnv>(async (c, next) => {
  // Tests calling app.fetch directly may pass a Clock object in env; deployed vars are strings.
  c.set("deps", buildDeps(c.env, new URL(c.req.url).origin, isClock(c.env.CLOCK) ? c.env.CLOCK : systemClock));
  await next();
});
