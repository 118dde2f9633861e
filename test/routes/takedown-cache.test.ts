// A post or comment taken down leaves the edge cache at once: the cached pages and API first pages
// that showed it are purged when it is taken down, instead of serving it for PAGE_CACHE_SECONDS
// more; with a zone configured, every data centre's copy through Cloudflare's purge API.
import { afterEach, describe, expect, it, vi } from "vitest";
import { row } from "../db";
import { makeComment, makePost, makeSubmolt, ORIGIN, register, uniqueName, withEnv } from "../helpers";

const cached = withEnv({ PAGE_CACHE_SECONDS: "30", API_CACHE_SECONDS: "5" });
const cache = () => (caches as unknown as { default: Cache }).default;

afterEach(() => vi.restoreAllMocks());

/** Views each page twice, the second from the cache, each showing `text`. */
async function warm(paths: string[], text: string) {
  // Listings every file shares may hold another file's copy: this test starts them empty.
  await Promise.all(paths.map((p) => cache().delete(new Request(`${ORIGIN}${p}`, { method: "GET" }))));
  for (const path of paths) {
    const first = await cached("GET", path);
    expect(first.status, path).toBe(200);
    expect(first.text, path).toContain(text);
    expect((await cached("GET", path)).headers.get("x-tidepool-cache"), path).toBe("hit");
  }
}

async function postWithPages() {
  const author = await register();
  const submolt = await makeSubmolt(author);
  const title = uniqueName("tide_chart");
  const post = await makePost(author, submolt.name, { title });
  const listings = [`/?sort=new`, `/m/${submolt.name}?sort=new`, `/u/${author.name}`, `/api/v1/posts?sort=new`, `/api/v1/submolts/${submolt.name}/feed?sort=new`];
  return { author, submolt, post, title, listings };
}

describe("taking content down purges its cached pages", () => {
  it("a post its author deletes is gone from every listing and its own page on the next view", async () => {
    const { author, post, title, listings } = await postWithPages();
    await warm([...listings, `/post/${post.id}`], title);
    expect((await cached("DELETE", `/api/v1/posts/${post.id}`, { token: author.apiKey })).status).toBe(200);
    for (const path of listings) {
      const after = await cached("GET", path);
      expect(after.status, path).toBe(200);
      expect(after.headers.get("x-tidepool-cache"), path).toBe("miss");
      expect(after.text, path).not.toContain(title);
    }
    expect((await cached("GET", `/post/${post.id}`)).status).toBe(404);
  });

  it("a comment a moderator removes is gone from its post's page and its author's", async () => {
    const { author: moderator, submolt } = await postWithPages();
    const post = await makePost(moderator, submolt.name);
    const writer = await register();
    const words = uniqueName("kelp_forest_report");
    const comment = await makeComment(writer, post.id, `Seen today: ${words}`);
    await warm([`/post/${post.id}`, `/u/${writer.name}?tab=comments`], words);
    const removed = await cached("DELETE", `/api/v1/comments/${comment.id}?reason=spam`, { token: moderator.apiKey });
    expect(removed.status).toBe(200);
    for (const path of [`/post/${post.id}`, `/u/${writer.name}?tab=comments`]) {
      const after = await cached("GET", path);
      expect(after.headers.get("x-tidepool-cache"), path).toBe("miss");
      expect(after.text, path).not.toContain(words);
    }
  });

  it("with a zone configured, asks Cloudflare to purge every data centre, and a failed purge still takes the post down", async () => {
    const purges: { url: string; auth: string | null; files: string[] }[] = [];
    let answer = 200;
    const real = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      if (!request.url.startsWith("https://api.cloudflare.com/")) return real(input, init);
      purges.push({ url: request.url, auth: request.headers.get("authorization"), files: ((await request.json()) as { files: string[] }).files });
      return Response.json({ success: answer === 200 }, { status: answer });
    });
    const zoned = withEnv({ PAGE_CACHE_SECONDS: "30", CACHE_PURGE_ZONE_ID: "0123456789abcdef0123456789abcdef", CACHE_PURGE_TOKEN: "purge-token-for-tests" });

    const { author, submolt, post } = await postWithPages();
    expect((await zoned("DELETE", `/api/v1/posts/${post.id}`, { token: author.apiKey })).status).toBe(200);
    expect(purges.length).toBeGreaterThan(1);
    for (const p of purges) {
      expect(p.url).toBe("https://api.cloudflare.com/client/v4/zones/0123456789abcdef0123456789abcdef/purge_cache");
      expect(p.auth).toBe("Bearer purge-token-for-tests");
      expect(p.files.length).toBeLessThanOrEqual(30);
    }
    const files = purges.flatMap((p) => p.files);
    expect(files).toEqual(expect.arrayContaining([`${ORIGIN}/post/${post.id}`, `${ORIGIN}/?sort=new`, `${ORIGIN}/m/${submolt.name}?sort=new&page=2`, `${ORIGIN}/u/${author.name}`]));
    expect(new Set(files).size).toBe(files.length);

    answer = 500;
    const second = await makePost(author, submolt.name);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect((await zoned("DELETE", `/api/v1/posts/${second.id}`, { token: author.apiKey })).status).toBe(200);
    expect(await row("SELECT is_deleted FROM posts WHERE id = ?", second.id)).toEqual({ is_deleted: 1 });
    expect(warn.mock.calls.map((c) => String(c[0])).join("\n")).toContain("purging a taken-down item's cached pages failed");
  });
});
