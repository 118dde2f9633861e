// Anonymous first pages of the public API listings from the edge cache (API_CACHE_SECONDS): one
// rendering serves every anonymous reader for a few seconds; a keyed request, whose page carries
// its own votes and roles, is never served from the cache nor stored in it.
import { beforeAll, describe, expect, it } from "vitest";
import { countingDb, makePost, makeSubmolt, register, withEnv, type Registered } from "../helpers";

const on = withEnv({ API_CACHE_SECONDS: "5" });
let author: Registered;
let reader: Registered;
let submolt = "";
let postId = "";

beforeAll(async () => {
  author = await register();
  reader = await register();
  submolt = (await makeSubmolt(author)).name;
  postId = (await makePost(author, submolt)).id;
  expect((await on("POST", `/api/v1/posts/${postId}/upvote`, { token: reader.apiKey })).status).toBe(200);
});

describe("cached anonymous API first pages", () => {
  it.each([
    ["/api/v1/posts?sort=new&limit=7"],
    ["/api/v1/posts?sort=hot&limit=7"],
    ["/api/v1/posts?sort=rising&limit=7"],
    ["/api/v1/submolts?limit=7"],
    ["/api/v1/stats"],
  ])("%s: a miss stores it, the next anonymous read is served without D1", async (path) => {
    const first = await on("GET", path);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-tidepool-cache")).toBe("miss");
    expect(first.headers.get("cache-control")).toBe("public, max-age=5, s-maxage=5");
    const { db, counter } = countingDb();
    const second = await withEnv({ API_CACHE_SECONDS: "5", DB: db })("GET", path);
    expect(second.status).toBe(200);
    expect(second.headers.get("x-tidepool-cache")).toBe("hit");
    expect(second.text).toBe(first.text);
    expect(counter.statements).toBe(0);
  });

  it("a submolt's feed too, and each submolt's under its own URL", async () => {
    const path = `/api/v1/submolts/${submolt}/feed?sort=new`;
    expect((await on("GET", path)).headers.get("x-tidepool-cache")).toBe("miss");
    const hit = await on("GET", path);
    expect(hit.headers.get("x-tidepool-cache")).toBe("hit");
    expect(hit.body.posts.map((p: { id: string }) => p.id)).toEqual([postId]);
  });

  it("never serves a keyed request from the cache, nor stores what a keyed request read", async () => {
    const path = `/api/v1/submolts/${submolt}/feed?sort=top`;
    // Keyed first: nothing stored, so the next anonymous read is a miss.
    const keyed = await on("GET", path, { token: reader.apiKey });
    expect(keyed.headers.get("x-tidepool-cache")).toBeNull();
    expect(keyed.body.posts[0].user_vote).toBe(1);
    const anonymous = await on("GET", path);
    expect(anonymous.headers.get("x-tidepool-cache")).toBe("miss");
    expect(anonymous.body.posts[0].user_vote).toBeNull();
    // With the anonymous copy stored, a keyed read still renders its own page, with its own vote.
    const again = await on("GET", path, { token: reader.apiKey });
    expect(again.headers.get("x-tidepool-cache")).toBeNull();
    expect(again.body.posts[0].user_vote).toBe(1);
  });

  it("leaves later pages, errors and the switched-off setting out of the cache", async () => {
    for (const path of ["/api/v1/posts?sort=new&limit=1&offset=1", "/api/v1/posts?sort=new&limit=1&cursor=abc"]) {
      const res = await on("GET", path);
      expect(res.headers.get("x-tidepool-cache"), path).toBeNull();
    }
    const missing = await on("GET", "/api/v1/submolts/not_a_submolt_here/feed");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-tidepool-cache")).toBeNull();
    expect((await withEnv({ API_CACHE_SECONDS: "0" })("GET", "/api/v1/posts?sort=new&limit=9")).headers.get("x-tidepool-cache")).toBeNull();
  });

  it("a hit carries this request's own rate-limit headers, not the ones of the request that filled it", async () => {
    const limited = withEnv({ API_CACHE_SECONDS: "5", RATE_LIMITS: "on" });
    const path = "/api/v1/posts?sort=top&limit=11";
    const ip = "203.0.113.77";
    const first = await limited("GET", path, { ip });
    const second = await limited("GET", path, { ip });
    expect(second.headers.get("x-tidepool-cache")).toBe("hit");
    expect(Number(second.headers.get("x-ratelimit-remaining"))).toBe(Number(first.headers.get("x-ratelimit-remaining")) - 1);
  });
});
