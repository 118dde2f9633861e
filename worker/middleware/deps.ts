import { drizzle } from "drizzle-orm/d1";
import { createMiddleware } from "hono/factory";
import * as schema from "../../schema";
import type { AppEnv } from "../app";
import { loadConfig } from "../env";
import { pickClaimVerifier } from "../ports/claim-verifier";
import { systemClock, type Clock } from "../ports/clock";

const isClock = (v: unknown): v is Clock => typeof (v as Clock | undefined)?.now === "function";

/** Builds the services' dependencies once per request from bindings and parsed vars. */
export const withDeps = createMiddleware<AppEnv>(async (c, next) => {
  const config = loadConfig(c.env);
  c.set("deps", {
    db: drizzle(c.env.DB, { schema }),
    d1: c.env.DB,
    config,
    // Tests calling app.fetch directly may pass a Clock object in env; deployed vars are strings.
    clock: isClock(c.env.CLOCK) ? c.env.CLOCK : systemClock,
    verifier: pickClaimVerifier(config.CLAIM_VERIFIER),
    origin: config.PUBLIC_URL.replace(/\/+$/, "") || new URL(c.req.url).origin,
  });
  await next();
});
