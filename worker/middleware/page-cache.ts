import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app";

/**
 * Public pages are the same for every observer, so a rendered page is kept in the edge cache
 * (Cache API) for PAGE_CACHE_SECONDS and browsers/CDNs may keep it as long. Observers carry no
 * cookies or credentials, so one copy per URL is correct.
 */
export const pageCache = createMiddleware<AppEnv>(async (c, next) => {
  const ttl = c.get("deps").config.PAGE_CACHE_SECONDS;
  if (c.req.method !== "GET" || ttl === 0) {
    await next();
    c.res.headers.set("Cache-Control", "no-cache");
    return;
  }
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
  c.executionCtx.waitUntil(cache.put(key, c.res.clone()));
});
