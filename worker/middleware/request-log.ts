import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../app";
import { loadConfig } from "../env";
import { hashSecret } from "../lib/secrets";

/**
 * The route pattern that answered ("/api/v1/posts/:id"), never the raw path: ids in paths would
 * make every line unique and put claim tokens (they sit in /claim/:token) into the log.
 */
export function routeOf(c: Context<AppEnv>): string {
  const handlers = matchedRoutes(c).filter((r) => r.method !== "ALL");
  return handlers.at(-1)?.path ?? "(no route)";
}

const configOrNull = (c: Context<AppEnv>) => {
  try {
    return loadConfig(c.env);
  } catch {
    return null;
  }
};

/** An agent as the log knows it: a keyed hash, the same on every line and in no table. */
const agentTag = async (pepper: string, agentId: string) => (await hashSecret(pepper, "log_agent", agentId)).slice(0, 16);

/**
 * One JSON line per request, for Workers Logs ([observability] in wrangler.toml) and `wrangler
 * tail`: request id, method, route pattern, status, duration, D1 calls, the agent's tag. Never a
 * header, key, token, query string or body. REQUEST_LOG=off silences it (the test suites do).
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  await next();
  const deps = c.get("deps");
  // Refused before the services were built (an oversized body): the config still says whether to log.
  const config = deps?.config ?? configOrNull(c);
  if (!config?.REQUEST_LOG) return;
  const agent = c.get("agent");
  const status = c.res.status;
  const line = {
    level: status >= 500 ? "error" : "info",
    message: "request",
    request_id: c.get("requestId"),
    method: c.req.method,
    route: routeOf(c),
    status,
    // Workers clocks advance only across I/O: this is the time spent waiting, which is what a request costs here.
    duration_ms: Date.now() - started,
    d1_calls: deps?.d1Calls?.() ?? null,
    ...(deps?.pgStatements ? { pg_statements: deps.pgStatements() } : {}),
    agent: agent ? await agentTag(config.HASH_PEPPER, agent.id) : null,
    colo: (c.req.raw.cf as { colo?: string } | undefined)?.colo ?? null,
  };
  console.log(JSON.stringify(line));
});
