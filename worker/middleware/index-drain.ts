import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv, Deps } from "../app";
import { drainOutbox } from "../services/search-index";
import { buildDeps } from "./deps";
import { interceptD1 } from "../lib/intercept-d1";

/** The drain running in this isolate, and the newest request's deps if another pass was asked for meanwhile. */
let running: Promise<void> | null = null;
let again: { deps: Deps; meter: DrainMeter | null } | null = null;

/** What a benchmark server's drain passes cost D1 (rows read and written, what D1 bills), logged per pass. */
interface DrainMeter {
  rowsRead: number;
  rowsWritten: number;
  calls: number;
  statements: number;
}

/**
 * Does what writes queued, after the response: new items' derived work, D1's hot ranks, the vector
 * index. One drain at a time per isolate: a write that lands while one runs asks for one more pass
 * instead of a second drain racing the first over the same outbox rows. The cron catches whatever
 * this misses. A benchmark server (BENCH_ROUTES) logs each pass with the D1 rows it cost, so the
 * benchmark can put the work after the response beside the request's own.
 */
export function drainSoon(c: Context<AppEnv>) {
  const gather = c.get("deps").config.DERIVE_GATHER_MS;
  // Its own deps on the binding itself: a benchmark server counts each request's D1 calls on the
  // request's deps, and the work after the response belongs to no request.
  const meter: DrainMeter | null = c.get("deps").config.BENCH_ROUTES && c.env.DB ? { rowsRead: 0, rowsWritten: 0, calls: 0, statements: 0 } : null;
  // D1's meta comes per statement (a batch is one call of many); calls are counted as they are made.
  const db = meter
    ? interceptD1(c.env.DB, { before: () => void meter.calls++, meta: (m) => void ((meter.rowsRead += m.rows_read), (meter.rowsWritten += m.rows_written), meter.statements++) })
    : c.env.DB;
  again = { deps: buildDeps(c.env, new URL(c.req.url).origin, c.get("deps").clock, db), meter };
  if (!running) {
    running = (async () => {
      while (again) {
        // A moment for the writes behind this one to join the pass: under load one pass takes many
        // items (its calls are per pass, not per item); at rest the effects still show within it.
        if (gather > 0) await new Promise((resolve) => setTimeout(resolve, gather));
        const { deps, meter } = again!;
        again = null;
        const done = await drainOutbox(deps).catch(() => null);
        await deps.release().catch(() => undefined);
        if (meter && done) console.log(JSON.stringify({ level: "info", message: "drain", ...done, d1_calls: meter.calls, d1_statements: meter.statements, rows_read: meter.rowsRead, rows_written: meter.rowsWritten }));
      }
    })().finally(() => {
      running = null;
    });
  }
  c.executionCtx.waitUntil(running);
}

/**
 * Route middleware for the writes that queue outbox work: creating, publishing or deleting a post or
 * comment (derived work and the search index). A vote on a post that queued its hot rank (D1) calls
 * drainSoon itself; other votes, pins and reports queue nothing and schedule nothing.
 * @example
 * createRoute({ method: "post", path: "/posts", middleware: [...writingAgent, reindexes], ... })
 */
export const reindexes = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (c.res.status < 300) drainSoon(c);
});
