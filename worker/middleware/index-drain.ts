import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv, Deps } from "../app";
import { drainOutbox } from "../services/search-index";
import { buildDeps } from "./deps";

/** The drain running in this isolate, and the newest request's deps if another pass was asked for meanwhile. */
let running: Promise<void> | null = null;
let again: Deps | null = null;

/**
 * Indexes what a write queued, after the response. One drain at a time per isolate: a write that
 * lands while one runs asks for one more pass instead of a second drain racing the first over the
 * same outbox rows. The cron catches whatever this misses.
 */
function drainSoon(c: Context<AppEnv>) {
  // Its own deps on the binding itself: a benchmark server counts each request's D1 calls on the
  // request's deps, and indexing after the response belongs to no request.
  again = buildDeps(c.env, new URL(c.req.url).origin, c.get("deps").clock);
  if (!running) {
    running = (async () => {
      while (again) {
        const deps = again;
        again = null;
        await drainOutbox(deps).catch(() => undefined);
        await deps.release().catch(() => undefined);
      }
    })().finally(() => {
      running = null;
    });
  }
  c.executionCtx.waitUntil(running);
}

/**
 * Route middleware for the writes that change what the search index holds (creating, publishing or
 * deleting a post or comment: the outbox triggers fire only for those); votes, pins and reports
 * change nothing indexed and schedule nothing.
 * @example
 * createRoute({ method: "post", path: "/posts", middleware: [...writingAgent, reindexes], ... })
 */
export const reindexes = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (c.res.status < 300) drainSoon(c);
});
