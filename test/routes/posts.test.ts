import { describe, expect, it } from "vitest";
import { row as dbRow, run as dbRun } from "../db";
import { call, makePost, makeSubmolt, register } from "../helpers";

describe("creating posts", () => {
  it("creates text and link posts with author and submolt summaries", async () => {
    const a = await register();
    const s = await makeSubmolt(a);
    const text = await call("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt: s.name, title: "Hello", content: "Body" } });
    expect(text.status).toBe(201);
    expect(text.body.post).toMatchObject({
      title: "Hello",
      content: "Body",
      url: null,
      type: "text",
      submolt: { name: s.name },
      submolt_name: s.name,
      author: { id: a.id, name: a.name },
      author_name: a.name,
      upvotes: 0,
      downvotes: 0,
      score: 0,
      comment_count: 0,
      is_pinned: false,
      user_vote: null,
    });
    expect(Date.parse(text.body.post.created_at)).not.toBeNaN();
    const link = await call("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: s.name, title: "Link", url: "https://example.org/a" } });
    expect(link.body.post).toMatchObject({ type: "link", url: "https://example.org/a", content: null });
    const counts = await dbRow("SELECT (SELECT post_count FROM submolts WHERE id = ?1) AS s, (SELECT posts_count FROM agents WHERE id = ?2) AS a", s.id, a.id);
    expect(counts).toEqual({ s: 2, a: 2 });
  });

  it.each([
    ["Title is required", { submolt: "general", title: "" }, 400],
    ["Title is required", { submolt: "general" }, 400],
    ["Title must be at most 300", { submolt: "general", title: "x".repeat(301) }, 400],
    ["Invalid URL format", { submolt: "general", title: "t", url: "ftp://x.org" }, 400],
    ["Invalid URL format", { submolt: "general", title: "t", url: "not a url" }, 400],
    ["either content or url", { submolt: "general", title: "t", content: "c", url: "https://x.org" }, 400],
    ["Content must be at most 40000", { submolt: "general", title: "t", content: "x".repeat(40_001) }, 400],
    ["Submolt is required", { title: "t" }, 400],
    ["Submolt not found", { submolt: "no_such_submolt", title: "t" }, 404],
    ["Title must be a string", { submolt: "general", title: 5 }, 400],
  ])("refuses a post: %s", async (error, body, status) => {
    const a = await register();
    const before = await dbRow<{ n: number }>("SELECT count(*) AS n FROM posts");
    const res = await call("POST", "/api/v1/posts", { token: a.apiKey, body });
    expect(res.status).toBe(status);
    expect(res.body.error).toContain(error);
    expect((await dbRow<{ n: number }>("SELECT count(*) AS n FROM posts"))!.n).toBe(before!.n);
  });
});

describe("reading and deleting posts", () => {
  it("GET /posts/:id returns the post and its comments; unknown ids 404 with Post not found", async () => {
    const a = await register();
    const p = await makePost(a, "general");
    const res = await call("GET", `/api/v1/posts/${p.id}`);
    expect(res.status).toBe(200);
    expect(res.body.post.id).toBe(p.id);
    expect(res.body.comments).toEqual([]);
    const missing = await call("GET", "/api/v1/posts/00000000-0000-7000-8000-00000000ffff");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe("Post not found");
  });

  it("lets the author delete; then it is gone everywhere", async () => {
    const a = await register();
    const p = await makePost(a, "general");
    const del = await call("DELETE", `/api/v1/posts/${p.id}`, { token: a.apiKey });
    expect(del.status).toBe(200);
    expect(del.body.success).toBe(true);
    expect((await call("GET", `/api/v1/posts/${p.id}`)).status).toBe(404);
    const list = await call("GET", `/api/v1/posts?author=${a.name}`);
    expect(list.body.posts).toEqual([]);
    expect((await call("DELETE", `/api/v1/posts/${p.id}`, { token: a.apiKey })).status).toBe(404);
    const row = await dbRow("SELECT is_deleted FROM posts WHERE id = ?", p.id);
    expect(row).toEqual({ is_deleted: 1 });
    expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).body.agent.posts_count).toBe(0);
  });

  it("refuses deletion by another agent, but lets the submolt's moderator remove it", async () => {
    const owner = await register();
    const author = await register();
    const stranger = await register();
    const s = await makeSubmolt(owner);
    const p = await makePost(author, s.name);
    const denied = await call("DELETE", `/api/v1/posts/${p.id}`, { token: stranger.apiKey });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe("You can only delete your own posts");
    const removed = await call("DELETE", `/api/v1/posts/${p.id}`, { token: owner.apiKey });
    expect(removed.status).toBe(200);
    const row = await dbRow("SELECT is_deleted, removed_by FROM posts WHERE id = ?", p.id);
    expect(row).toEqual({ is_deleted: 1, removed_by: owner.id });
  });
});

describe("pinning", () => {
  it("moderators pin at most three; others cannot pin", async () => {
    const owner = await register();
    const stranger = await register();
    const s = await makeSubmolt(owner);
    const ps = [];
    for (let i = 0; i < 4; i++) ps.push(await makePost(owner, s.name));
    const denied = await call("POST", `/api/v1/posts/${ps[0]!.id}/pin`, { token: stranger.apiKey });
    expect(denied.status).toBe(403);
    for (const p of ps.slice(0, 3)) {
      const res = await call("POST", `/api/v1/posts/${p.id}/pin`, { token: owner.apiKey });
      expect(res.body).toMatchObject({ success: true, post: { id: p.id, is_pinned: true } });
    }
    const fourth = await call("POST", `/api/v1/posts/${ps[3]!.id}/pin`, { token: owner.apiKey });
    expect(fourth.status).toBe(409);
    expect((await call("DELETE", `/api/v1/posts/${ps[0]!.id}/pin`, { token: owner.apiKey })).body.post.is_pinned).toBe(false);
    expect((await call("POST", `/api/v1/posts/${ps[3]!.id}/pin`, { token: owner.apiKey })).status).toBe(200);
    const pinned = await dbRow("SELECT count(*) AS n FROM posts WHERE submolt_id = ? AND is_pinned = 1", s.id);
    expect(pinned).toEqual({ n: 3 });
  });
});

describe("GET /posts", () => {
  it("sorts new, top (with window) and hot, and pages with a cursor", async () => {
    const a = await register();
    const voters = await Promise.all([register(), register(), register()]);
    const s = await makeSubmolt(a);
    const p1 = await makePost(a, s.name, { title: "one" });
    const p2 = await makePost(a, s.name, { title: "two" });
    const p3 = await makePost(a, s.name, { title: "three" });
    for (const v of voters) await call("POST", `/api/v1/posts/${p1.id}/upvote`, { token: v.apiKey });
    await call("POST", `/api/v1/posts/${p2.id}/upvote`, { token: voters[0]!.apiKey });
    const titles = async (q: string) =>
      (await call("GET", `/api/v1/posts?submolt=${s.name}&${q}`)).body.posts.map((p: { title: string }) => p.title);
    expect(await titles("sort=new")).toEqual(["three", "two", "one"]);
    expect(await titles("sort=top")).toEqual(["one", "two", "three"]);
    // log10(1) = 0: one upvote does not lift "two" over the newer "three"; three upvotes do lift "one".
    expect(await titles("sort=hot")).toEqual(["one", "three", "two"]);
    expect(await titles("sort=rising")).toEqual(["one", "two", "three"]);
    await dbRun("UPDATE posts SET created_at = created_at - 7200000 WHERE id = ?", p1.id);
    expect(await titles("sort=top&t=hour")).toEqual(["two", "three"]);

    const page1 = await call("GET", `/api/v1/posts?submolt=${s.name}&sort=new&limit=2`);
    expect(page1.body).toMatchObject({ count: 2, has_more: true });
    const page2 = await call("GET", `/api/v1/posts?submolt=${s.name}&sort=new&limit=2&cursor=${page1.body.next_cursor}`);
    expect(page2.body.posts.map((p: { id: string }) => p.id)).toEqual([p1.id]);
    expect(page2.body).toMatchObject({ has_more: false, next_cursor: null });
    const offset = await call("GET", `/api/v1/posts?submolt=${s.name}&sort=new&limit=1&offset=1`);
    expect(offset.body.posts[0].id).toBe(p2.id);
    void p3;
  });

  it("clamps limit to 100, defaults to 25 and refuses nonsense", async () => {
    const res = await call("GET", "/api/v1/posts?limit=500");
    expect(res.status).toBe(200);
    expect(res.body.pagination.limit).toBe(100);
    expect((await call("GET", "/api/v1/posts")).body.pagination.limit).toBe(25);
    expect((await call("GET", "/api/v1/posts?limit=abc")).status).toBe(400);
    expect((await call("GET", "/api/v1/posts?sort=sideways")).status).toBe(400);
    // Deep pages go by cursor: an offset reads every row before the page.
    expect((await call("GET", "/api/v1/posts?offset=1000")).status).toBe(200);
    for (const path of ["/api/v1/posts?offset=1001", "/api/v1/submolts?offset=5000", "/api/v1/posts?sort=new&offset=100000"]) {
      const deep = await call("GET", path);
      expect(deep.status, path).toBe(400);
      expect(deep.body.success).toBe(false);
      expect(JSON.stringify(deep.body), path).toContain("next_cursor");
    }
    expect((await call("GET", "/api/v1/posts?submolt=nope_nope")).status).toBe(404);
  });

  it("shows user_vote to a keyed reader", async () => {
    const a = await register();
    const b = await register();
    const p = await makePost(a, "general");
    await call("POST", `/api/v1/posts/${p.id}/downvote`, { token: b.apiKey });
    const res = await call("GET", `/api/v1/posts/${p.id}`, { token: b.apiKey });
    expect(res.body.post).toMatchObject({ user_vote: -1, userVote: -1, downvotes: 1, score: -1 });
  });
});
