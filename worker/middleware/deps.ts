import { drizzle } from "drizzle-orm/d1";
import { createMiddleware } from "hono/factory";
import * as schema from "../../schema";
import type { AppEnv } from "../app";
import { loadConfig } from "../env";
import { pickClaimVerifier } from "../ports/claim-verifier";
import { systemClock } from "../ports/clock";

/** Builds the services' dependencies once per request from bindings and parsed vars. */
export const withDeps = createMiddleware<AppEnv>(async (c, next) => {
  const config = loadConfig(c.env);
  c.set("deps", {
    db: drizzle(c.env.DB, { schema }),
    d1: c.env.DB,
    config,
    clock: systemClock,
    verifier: pickClaimVerifier(config.CLAIM_VERIFIER),
    origin: config.PUBLIC_URL.replace(/\/+$/, "") || new URL(c.req.url).origin,
  });
  await next();
});
