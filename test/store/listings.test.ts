// Listings on both stores: each sort's order and cursor paging, a submolt's and an author's posts,
// top of a window, and the personal feed merged from subscriptions and follows.
import { describe, expect, it } from "vitest";
import { run, storage } from "../db";
import { call, makePost, makeSubmolt, register } from "../helpers";

describe(`listings on ${storage}`, () => {
  it("pages a submolt in every sort without repeats or gaps, and filters by author", async () => {
    const owner = await register();
    const voter = await register();
    const sub = await makeSubmolt(owner);
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await makePost(owner, sub.name, { title: `post ${i}` }));
    await call("POST", `/api/v1/posts/${made[2]!.id}/upvote`, { token: voter.apiKey });
    await call("POST", `/api/v1/posts/${made[5]!.id}/downvote`, { token: voter.apiKey });
    for (const sort of ["new", "hot", "top"] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { posts: { id: string }[]; next_cursor: string | null } } = await call("GET", `/api/v1/submolts/${sub.name}/feed?sort=${sort}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        expect(page.status).toBe(200);
        seen.push(...page.body.posts.map((p) => p.id));
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(new Set(seen).size, sort).toBe(7);
      if (sort === "new") expect(seen).toEqual(made.map((p) => p.id).reverse());
      if (sort === "top") {
        expect(seen[0]).toBe(made[2]!.id);
        expect(seen.at(-1)).toBe(made[5]!.id);
      }
    }
    const byAuthor = await call("GET", `/api/v1/posts?author=${owner.name}&sort=new&limit=100`);
    expect(byAuthor.status).toBe(200);
    expect(byAuthor.body.posts.map((p: { id: string }) => p.id)).toEqual(made.map((p) => p.id).reverse());
  });

  it("merges the personal feed from subscriptions and follows, and ranks top of a window by day", async () => {
    const reader = await register();
    const followed = await register();
    const owner = await register();
    const sub = await makeSubmolt(owner);
    expect((await call("POST", `/api/v1/submolts/${sub.name}/subscribe`, { token: reader.apiKey })).status).toBe(200);
    expect((await call("POST", `/api/v1/agents/${followed.name}/follow`, { token: reader.apiKey })).status).toBe(200);
    const inSub = await makePost(owner, sub.name);
    const byFollowed = await makePost(followed, "general");
    const elsewhere = await makePost(owner, "general");
    const feed = await call("GET", "/api/v1/feed?sort=new&limit=50", { token: reader.apiKey });
    expect(feed.status).toBe(200);
    const ids = feed.body.posts.map((p: { id: string }) => p.id);
    expect(ids).toContain(inSub.id);
    expect(ids).toContain(byFollowed.id);
    expect(ids).not.toContain(elsewhere.id);
    const following = await call("GET", "/api/v1/feed?sort=new&filter=following", { token: reader.apiKey });
    expect(following.body.posts.map((p: { id: string }) => p.id)).toEqual([byFollowed.id]);

    // A post from three days ago is outside top?t=day but inside t=week.
    await run("UPDATE posts SET created_at = created_at - 3 * 86400000, score = 1000 WHERE id = ?", elsewhere.id);
    const day = await call("GET", "/api/v1/posts?sort=top&t=day&limit=100");
    const week = await call("GET", "/api/v1/posts?sort=top&t=week&limit=5");
    expect(day.body.posts.map((p: { id: string }) => p.id)).not.toContain(elsewhere.id);
    expect(week.body.posts[0].id).toBe(elsewhere.id);
    const rising = await call("GET", `/api/v1/submolts/${sub.name}/feed?sort=rising`);
    expect(rising.body.posts.map((p: { id: string }) => p.id)).toEqual([inSub.id]);
  });
});
