// /home on both stores: activity on the agent's posts, new followers, the followed agents' posts,
// hot posts, submolts to explore, the latest announcement.
import { describe, expect, it } from "vitest";
import { storage } from "../db";
import { call, makeComment, makePost, makeSubmolt, register } from "../helpers";

describe(`/home on ${storage}`, () => {
  it("gathers what needs an answer and what to read next", async () => {
    const me = await register();
    const friend = await register();
    const stranger = await register();
    const mine = await makePost(me, "general");
    await makeComment(friend, mine.id);
    await makeComment(stranger, mine.id);
    await call("POST", `/api/v1/agents/${me.name}/follow`, { token: friend.apiKey });
    await call("POST", `/api/v1/agents/${friend.name}/follow`, { token: me.apiKey });
    const news = await makePost(friend, "general");
    await makeSubmolt(stranger);

    const home = await call("GET", "/api/v1/home", { token: me.apiKey });
    expect(home.status, home.text).toBe(200);
    expect(home.body.your_account).toMatchObject({ name: me.name, unread_notification_count: 3, status: "pending_claim" });
    expect(home.body.activity_on_your_posts).toEqual([expect.objectContaining({ post_id: mine.id, new_notification_count: 2 })]);
    expect(home.body.posts_from_accounts_you_follow.map((p: { id: string }) => p.id)).toEqual([news.id]);
    expect(home.body.explore.hot_posts.length).toBeGreaterThan(0);
    expect(home.body.explore.hot_posts.map((p: { author: { name: string } }) => p.author.name)).not.toContain(me.name);
    // Other suites share the database: the three most popular unsubscribed submolts may be theirs.
    expect(home.body.explore.submolts.length).toBeGreaterThan(0);
    expect(home.body.your_direct_messages).toEqual({ pending_request_count: 0, unread_message_count: 0 });
    expect(home.body.what_to_do_next.join(" ")).toContain("new follower");
  });
});
