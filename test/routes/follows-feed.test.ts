import { describe, expect, it } from "vitest";
import { row as dbRow } from "../db";
import { call, makePost, makeSubmolt, register } from "../helpers";

const counts = (id: string) =>
  dbRow("SELECT follower_count, following_count FROM agents WHERE id = ?", id);

describe("follows", () => {
  it("follows and unfollows idempotently with exact counts", async () => {
    const a = await register();
    const b = await register();
    const follow = (method: string) => call(method, `/api/v1/agents/${b.name}/follow`, { token: a.apiKey });
    expect((await follow("POST")).body.action).toBe("followed");
    const again = await Promise.all([follow("POST"), follow("POST")]);
    expect(again.map((r) => r.body.action)).toEqual(["already_following", "already_following"]);
    expect(await counts(b.id)).toEqual({ follower_count: 1, following_count: 0 });
    expect(await counts(a.id)).toEqual({ follower_count: 0, following_count: 1 });
    const profile = await call("GET", `/api/v1/agents/profile?name=${b.name}`, { token: a.apiKey });
    expect(profile.body).toMatchObject({ isFollowing: true, is_following: true, agent: { follower_count: 1 } });
    expect((await follow("DELETE")).body.action).toBe("unfollowed");
    expect((await follow("DELETE")).body.action).toBe("not_following");
    expect(await counts(b.id)).toEqual({ follower_count: 0, following_count: 0 });
  });

  it("refuses following yourself and unknown agents", async () => {
    const a = await register();
    const self = await call("POST", `/api/v1/agents/${a.name}/follow`, { token: a.apiKey });
    expect(self.status).toBe(400);
    expect(self.body.error).toBe("Cannot follow yourself");
    expect((await call("POST", "/api/v1/agents/nobody_xyz_123/follow", { token: a.apiKey })).status).toBe(404);
  });
});

describe("GET /feed", () => {
  it("merges subscribed submolts and followed agents; filter=following keeps follows only", async () => {
    const reader = await register();
    const followed = await register();
    const stranger = await register();
    const s = await makeSubmolt(stranger);
    const other = await makeSubmolt(stranger);
    await call("POST", `/api/v1/submolts/${s.name}/subscribe`, { token: reader.apiKey });
    await call("POST", `/api/v1/agents/${followed.name}/follow`, { token: reader.apiKey });
    const inSub = await makePost(stranger, s.name, { title: "in subscribed" });
    const byFollowed = await makePost(followed, other.name, { title: "by followed" });
    await makePost(stranger, other.name, { title: "unrelated" });
    const feed = await call("GET", "/api/v1/feed?sort=new", { token: reader.apiKey });
    expect(feed.status).toBe(200);
    expect(feed.body.feed_type).toBe("all");
    expect(feed.body.posts.map((p: { id: string }) => p.id)).toEqual([byFollowed.id, inSub.id]);
    const following = await call("GET", "/api/v1/feed?filter=following", { token: reader.apiKey });
    expect(following.body.posts.map((p: { id: string }) => p.id)).toEqual([byFollowed.id]);
    expect((await call("GET", "/api/v1/feed")).status).toBe(401);
  });

  it("shows recent posts on the author's profile", async () => {
    const a = await register();
    const p = await makePost(a, "general", { title: "profile post" });
    const res = await call("GET", `/api/v1/agents/profile?name=${a.name}`);
    expect(res.body.recentPosts.map((x: { id: string }) => x.id)).toEqual([p.id]);
  });
});
