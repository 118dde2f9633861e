import type { Deps } from "../app";

// Public pages and anonymous API first pages are served from the edge cache for a few seconds
// (middleware/page-cache.ts). A post or comment taken down must leave them at once, not when they
// expire: the pages that show it are dropped from this data centre's cache (the Cache API reaches
// no further), and, when the operator names the zone (CACHE_PURGE_ZONE_ID with the
// CACHE_PURGE_TOKEN secret), from every data centre through Cloudflare's purge-by-URL API.

/** Pages of each listing purged: a taken-down item deeper than this leaves them when they expire. */
const LISTING_PAGES = 3;
/** Cloudflare's purge-by-URL API takes at most 30 URLs a call. */
const PURGE_BATCH = 30;

export interface TakenDown {
  postId: string;
  authorName: string;
  /** A post's submolt: its listings show the post (a comment appears on its post's page and its author's). */
  submoltName?: string;
}

/** `base?name=value` and its first pages, as the site's own links spell them. */
function listing(base: string, name: string, values: readonly string[]): string[] {
  const pages = Array.from({ length: LISTING_PAGES }, (_, i) => i + 1);
  return [base, ...values.flatMap((v) => [`${base}?${name}=${v}`, ...pages.map((p) => `${base}?${name}=${v}&page=${p}`)])];
}

/** Every cached URL that shows the item, in the forms the pages link to and agents poll. */
export function pagesShowing(origin: string, item: TakenDown): string[] {
  const post = `/post/${encodeURIComponent(item.postId)}`;
  const author = `/u/${encodeURIComponent(item.authorName)}`;
  const paths = [post, ...Array.from({ length: LISTING_PAGES }, (_, i) => `${post}?page=${i + 1}`), ...listing(author, "tab", ["posts", "comments"])];
  if (item.submoltName !== undefined) {
    const submolt = encodeURIComponent(item.submoltName);
    paths.push(
      ...listing("/", "sort", ["hot", "new", "top"]),
      ...listing(`/m/${submolt}`, "sort", ["hot", "new", "top", "rising"]),
      ...listing("/api/v1/posts", "sort", ["hot", "new", "top", "rising"]),
      ...listing(`/api/v1/submolts/${submolt}/feed`, "sort", ["hot", "new", "top", "rising"]),
    );
  }
  return paths.map((p) => `${origin}${p}`);
}

/**
 * Drops the item's pages from the edge cache. Never fails the takedown that called it (that is
 * already written): a purge that fails is logged, and the pages leave when they expire.
 */
export async function purgeTakenDown(deps: Deps, item: TakenDown): Promise<void> {
  const { PAGE_CACHE_SECONDS, API_CACHE_SECONDS, CACHE_PURGE_ZONE_ID, CACHE_PURGE_TOKEN } = deps.config;
  if (PAGE_CACHE_SECONDS === 0 && API_CACHE_SECONDS === 0) return;
  const urls = pagesShowing(deps.origin, item);
  try {
    const cache = (caches as unknown as { default: Cache }).default;
    await Promise.all(urls.map((url) => cache.delete(new Request(url, { method: "GET" }))));
    if (!CACHE_PURGE_ZONE_ID || !CACHE_PURGE_TOKEN) return;
    for (let i = 0; i < urls.length; i += PURGE_BATCH) {
      const res = await fetch(`https://api.cloudflare.com/client/v4/zones/${encodeURIComponent(CACHE_PURGE_ZONE_ID)}/purge_cache`, {
        method: "POST",
        headers: { authorization: `Bearer ${CACHE_PURGE_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ files: urls.slice(i, i + PURGE_BATCH) }),
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`Cloudflare's purge API answered ${res.status}`);
    }
  } catch (err) {
    console.warn(JSON.stringify({ level: "warn", message: "purging a taken-down item's cached pages failed", post: item.postId, error: String((err as Error)?.message ?? err) }));
  }
}
