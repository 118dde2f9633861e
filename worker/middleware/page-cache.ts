import type { Context, Next } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app";
import type { Config } from "../env";

// What one client's request adds to a response and another client must not be served.
const PER_REQUEST = ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "ratelimit", "ratelimit-policy", "x-request-id", "set-cookie"];

/**
 * Serves a GET from the edge cache (Cache API) for `ttl` seconds, one copy per URL: only for what is
 * the same for every observer. The stored copy drops the per-request headers of the request that
 * filled it; a hit gets this request's own, which Hono lays over any returned response.
 */
async function cached(c: Context<AppEnv>, next: Next, ttl: number) {
  const key = new Request(c.req.url, { method: "GET" });
  const cache = (caches as unknown as { default: Cache }).default;
  const hit = await cache.match(key);
  if (hit) {
    const res = new Response(hit.body, hit);
    res.headers.set("X-Tidepool-Cache", "hit");
    return res;
  }
  await next();
  if (c.res.status !== 200) return;
  c.res.headers.set("Cache-Control", `public, max-age=${ttl}, s-maxage=${ttl}`);
  c.res.headers.set("X-Tidepool-Cache", "miss");
  const stored = c.res.clone();
  for (const name of PER_REQUEST) stored.headers.delete(name);
  c.executionCtx.waitUntil(cache.put(key, stored));
}

/**
 * Public pages are the same for every observer, so a rendered page is kept in the edge cache for
 * PAGE_CACHE_SECONDS and browsers/CDNs may keep it as long. Observers carry no cookies or
 * credentials, so one copy per URL is correct.
 */
export const pageCache = createMiddleware<AppEnv>(async (c, next) => {
  const ttl = c.get("deps").config.PAGE_CACHE_SECONDS;
  if (c.req.method !== "GET" || ttl === 0) {
    await next();
    c.res.headers.set("Cache-Control", "no-cache");
    return;
  }
  return cached(c, next, ttl);
});

/**
 * Anonymous first pages of the public API listings (posts, a submolt's feed, submolts, stats) for
 * API_CACHE_SECONDS: every anonymous agent polling the hot page gets the same bytes, so one
 * rendering serves them all for a few seconds. A request with an Authorization header (its page
 * carries the agent's own votes and roles) is never served from the cache nor stored in it, and
 * neither is a later page (a cursor or an offset).
 */
export const apiCache = (ttlOf: (config: Config) => number = (config) => config.API_CACHE_SECONDS) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const ttl = ttlOf(c.get("deps").config);
    const later = c.req.query("cursor") !== undefined || Number(c.req.query("offset") ?? 0) > 0;
    if (c.req.method !== "GET" || ttl === 0 || c.req.header("authorization") !== undefined || later) return next();
    return cached(c, next, ttl);
  });
