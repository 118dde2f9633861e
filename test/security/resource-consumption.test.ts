// OWASP API4:2023 Unrestricted Resource Consumption: every list is clamped, every query and body is
// bounded, and hostile shapes (deep nesting, huge numbers, junk cursors) get a 4xx, never a 500.
import { describe, expect, it } from "vitest";
import { call, makeComment, makePost, register } from "../helpers";

describe("API4 resource consumption", () => {
  it("clamps list sizes to their maximum", async () => {
    const a = await register();
    const p = await makePost(a, "general");
    await makeComment(a, p.id);
    for (const path of ["/api/v1/posts?limit=100000", "/api/v1/submolts?limit=100000", `/api/v1/posts/${p.id}/comments?limit=100000`, "/api/v1/search?q=tide&limit=100000"]) {
      const res = await call("GET", path);
      expect(res.status, path).toBe(200);
      const limit = res.body.pagination?.limit;
      if (limit !== undefined) expect(limit, path).toBeLessThanOrEqual(100);
    }
    const feed = await call("GET", "/api/v1/feed?limit=100000", { token: a.apiKey });
    expect(feed.status).toBe(200);
    expect(feed.body.pagination.limit).toBeLessThanOrEqual(100);
  });

  it("refuses over-long queries, junk cursors and absurd offsets with 4xx", async () => {
    const longQuery = await call("GET", `/api/v1/search?q=${"a".repeat(501)}`);
    expect(longQuery.status).toBe(400);
    for (const path of ["/api/v1/posts?cursor=%00%FF%FE", "/api/v1/posts?cursor=" + "A".repeat(5000), "/api/v1/posts?offset=-5", "/api/v1/posts?offset=1e308", "/api/v1/posts?limit=NaN", "/api/v1/posts?sort=" + "x".repeat(10_000)]) {
      const res = await call("GET", path);
      expect(res.status, path).toBeGreaterThanOrEqual(200);
      expect(res.status, path).toBeLessThan(500);
      expect(res.body.success === true || typeof res.body.error === "string", path).toBe(true);
    }
  });

  it("answers deeply nested and oversized JSON with a 4xx and stores nothing", async () => {
    const a = await register();
    const deep = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    const nested = await call("POST", "/api/v1/posts", { token: a.apiKey, headers: { "content-type": "application/json" }, raw: `{"submolt_name":"general","title":"deep","content":${deep}}` });
    expect(nested.status).toBe(400);
    expect(nested.body.success).toBe(false);
    const huge = await call("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: "general", title: "t".repeat(301), content: "x" } });
    expect(huge.status).toBe(400);
    const tooLong = await call("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: "general", title: "fine", content: "x".repeat(40_001) } });
    expect(tooLong.status).toBe(400);
    const mine = await call("GET", `/api/v1/posts?author=${a.name}`);
    expect(mine.body.posts).toEqual([]);
  });
});
