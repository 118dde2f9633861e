import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { row as dbRow, rows as dbRows, run as dbRun } from "../db";
import worker from "../../worker/index";
import { call, makeComment, makePost, makeSubmolt, register, type Registered } from "../helpers";

interface Note {
  id: string;
  type: string;
  message: string;
  post_id: string | null;
  comment_id: string | null;
  from_agent: { name: string } | null;
  count: number;
  is_read: boolean;
}

async function inbox(a: Registered, query = "") {
  const res = await call("GET", `/api/v1/notifications${query}`, { token: a.apiKey });
  expect(res.status, res.text).toBe(200);
  return res.body as { notifications: Note[]; unread_count: number; has_more: boolean; next_cursor: string | null };
}

/** The stored truth: unread events by summing rows, and the trigger-kept counter on the agent. */
async function stored(a: Registered) {
  const sum = await dbRow<{ n: number }>("SELECT coalesce(sum(count), 0) AS n FROM notifications WHERE agent_id = ? AND is_read = 0", a.id);
  const counter = await dbRow<{ n: number }>("SELECT unread_notifications AS n FROM agents WHERE id = ?", a.id);
  return { sum: sum!.n, counter: counter!.n };
}

const rows = async (a: Registered) =>
  await dbRows("SELECT type, count, is_read, from_agent_id FROM notifications WHERE agent_id = ? ORDER BY created_at, id", a.id);

describe("notifications are created with the event", () => {
  it("tells a post's author about a comment, once, and never about their own", async () => {
    const [author, reader] = [await register(), await register()];
    const post = await makePost(author, "general");
    await makeComment(author, post.id, "my own note");
    expect(await rows(author)).toEqual([]);
    const c = await makeComment(reader, post.id, "Lovely tide pools.");
    const box = await inbox(author);
    expect(box.notifications).toEqual([
      expect.objectContaining({ type: "comment_on_post", post_id: post.id, comment_id: c.id, from_agent: expect.objectContaining({ name: reader.name }), count: 1, is_read: false }),
    ]);
    expect(box.notifications[0]!.message).toBe(`${reader.name} commented on your post "${post.title}"`);
    expect(box.unread_count).toBe(1);
    expect(await rows(reader)).toEqual([]);
  });

  it("tells a comment's author about a reply (and the post author about the comment), not both to one agent", async () => {
    const [author, first, second] = [await register(), await register(), await register()];
    const post = await makePost(author, "general");
    const top = await makeComment(first, post.id, "first!");
    const reply = await makeComment(second, post.id, "a reply to first", top.id);
    expect((await inbox(first)).notifications).toEqual([expect.objectContaining({ type: "reply_to_comment", comment_id: reply.id, count: 1 })]);
    expect((await inbox(author)).notifications).toEqual([expect.objectContaining({ type: "comment_on_post", count: 2 })]);
    // The post's author replying to a comment on their own post: the commenter hears "reply".
    await makeComment(author, post.id, "thanks", top.id);
    expect((await inbox(first)).notifications).toEqual([expect.objectContaining({ type: "reply_to_comment", count: 2, from_agent: expect.objectContaining({ name: author.name }) })]);
    // A reply to oneself notifies no one but the post's author.
    await makeComment(second, post.id, "and more from me", reply.id);
    expect(await rows(second)).toEqual([]);
  });

  it("notifies @mentions in posts and comments, ignoring self, unknown names and e-mail addresses", async () => {
    const [author, named, other] = [await register(), await register(), await register()];
    const post = await makePost(author, "general", { title: `Hello @${named.name}`, content: `cc @${author.name} @nobody_${Date.now()} mail me at x@${other.name}.com` });
    expect((await inbox(named)).notifications).toEqual([expect.objectContaining({ type: "mention", post_id: post.id, from_agent: expect.objectContaining({ name: author.name }) })]);
    expect(await rows(author)).toEqual([]);
    expect(await rows(other)).toEqual([]);
    // Mentioning the post's author in a comment on their post is one notification, the comment.
    await makeComment(other, post.id, `@${author.name} @${author.name.toUpperCase()} good one`);
    expect((await inbox(author)).notifications.map((n) => n.type)).toEqual(["comment_on_post"]);
  });

  it("tells an agent about a new follower, not about a repeated follow", async () => {
    const [a, b, c] = [await register(), await register(), await register()];
    await call("POST", `/api/v1/agents/${b.name}/follow`, { token: a.apiKey });
    await call("POST", `/api/v1/agents/${b.name}/follow`, { token: a.apiKey });
    expect((await inbox(b)).notifications).toEqual([expect.objectContaining({ type: "new_follower", count: 1, post_id: null, message: `${a.name} started following you` })]);
    await call("POST", `/api/v1/agents/${b.name}/follow`, { token: c.apiKey });
    const box = await inbox(b);
    expect(box.notifications).toEqual([expect.objectContaining({ type: "new_follower", count: 2, message: `2 new followers (latest from ${c.name})` })]);
    expect(await rows(a)).toEqual([]);
  });

  it("tells an agent about a DM request", async () => {
    const [a, b] = [await register(), await register()];
    const res = await call("POST", "/api/v1/agents/dm/request", { token: a.apiKey, body: { to: b.name, message: "Hello there, fellow agent!" } });
    expect(res.status).toBe(201);
    expect((await inbox(b)).notifications).toEqual([expect.objectContaining({ type: "dm_request", from_agent: expect.objectContaining({ name: a.name }) })]);
    expect(await rows(a)).toEqual([]);
  });

  it("tells an author when a moderator removes or pins their content, not the moderator acting on their own", async () => {
    const [mod, author] = [await register(), await register()];
    const s = await makeSubmolt(mod);
    const post = await makePost(author, s.name);
    const comment = await makeComment(author, post.id, "a comment to remove");
    expect((await call("POST", `/api/v1/posts/${post.id}/pin`, { token: mod.apiKey })).status).toBe(200);
    expect((await call("DELETE", `/api/v1/comments/${comment.id}?reason=off%20topic`, { token: mod.apiKey })).status).toBe(200);
    // Removing again changes nothing and tells no one again.
    await call("DELETE", `/api/v1/comments/${comment.id}`, { token: mod.apiKey });
    const own = await makePost(mod, s.name);
    await call("POST", `/api/v1/posts/${own.id}/pin`, { token: mod.apiKey });
    const box = await inbox(author);
    expect(box.notifications.map((n) => [n.type, n.message])).toEqual([
      ["moderation", `A moderator removed your comment in "${post.title}": off topic`],
      ["moderation", `A moderator pinned your post in "${post.title}"`],
    ]);
    expect(await rows(mod)).toEqual([]);
  });
});

describe("coalescing and reading", () => {
  it("folds a busy thread into one entry with a count, and starts a new one after it is read", async () => {
    const author = await register();
    const post = await makePost(author, "general");
    const others = await Promise.all(Array.from({ length: 5 }, () => register()));
    for (const o of others) await makeComment(o, post.id);
    let box = await inbox(author);
    expect(box.notifications).toHaveLength(1);
    expect(box.notifications[0]).toMatchObject({ count: 5, from_agent: { name: others[4]!.name }, message: `5 new comments on your post "${post.title}" (latest from ${others[4]!.name})` });
    expect(box.unread_count).toBe(5);

    const read = await call("POST", `/api/v1/notifications/read-by-post/${post.id}`, { token: author.apiKey });
    expect(read.body).toEqual({ success: true, marked_read: 5, unread_count: 0 });
    await makeComment(others[0]!, post.id);
    box = await inbox(author);
    expect(box.notifications.map((n) => [n.count, n.is_read])).toEqual([[1, false], [5, true]]);
    expect(box.unread_count).toBe(1);
  });

  it("keeps unread counts exact through interleaved events and reads", async () => {
    const [me, a, b] = [await register(), await register(), await register()];
    const p1 = await makePost(me, "general");
    const p2 = await makePost(me, "general");
    await makeComment(a, p1.id);
    await call("POST", `/api/v1/agents/${me.name}/follow`, { token: a.apiKey });
    await makeComment(b, p2.id);
    await makeComment(b, p1.id);
    await call("POST", `/api/v1/notifications/read-by-post/${p1.id}`, { token: me.apiKey });
    await makeComment(a, p1.id);
    await call("POST", `/api/v1/agents/${me.name}/follow`, { token: b.apiKey });
    await makePost(a, "general", { content: `ping @${me.name}` });
    let truth = await stored(me);
    expect(truth.counter).toBe(truth.sum);
    expect(truth.sum).toBe(1 /* p2 */ + 1 /* p1 again */ + 2 /* followers */ + 1 /* mention */);
    expect((await inbox(me)).unread_count).toBe(truth.sum);
    const all = await call("POST", "/api/v1/notifications/read-all", { token: me.apiKey });
    expect(all.body).toEqual({ success: true, marked_read: 5, unread_count: 0 });
    truth = await stored(me);
    expect(truth).toEqual({ sum: 0, counter: 0 });
    expect((await call("POST", "/api/v1/notifications/read-all", { token: me.apiKey })).body.marked_read).toBe(0);
  });

  it("pages by cursor, newest activity first, and filters unread", async () => {
    const me = await register();
    const posts = [];
    for (let i = 0; i < 5; i++) posts.push(await makePost(me, "general"));
    const fan = await register();
    for (const p of posts) await makeComment(fan, p.id);
    await call("POST", `/api/v1/notifications/read-by-post/${posts[0]!.id}`, { token: me.apiKey });
    const first = await inbox(me, "?limit=2");
    expect(first.notifications.map((n) => n.post_id)).toEqual([posts[4]!.id, posts[3]!.id]);
    expect(first.has_more).toBe(true);
    const second = await inbox(me, `?limit=2&cursor=${first.next_cursor}`);
    const third = await inbox(me, `?limit=2&cursor=${second.next_cursor}`);
    expect([...second.notifications, ...third.notifications].map((n) => n.post_id)).toEqual([posts[2]!.id, posts[1]!.id, posts[0]!.id]);
    expect(third.next_cursor).toBeNull();
    expect((await inbox(me, "?unread=true")).notifications).toHaveLength(4);
    expect((await call("GET", "/api/v1/notifications?cursor=garbage", { token: me.apiKey })).status).toBe(400);
  });

  it("keeps each agent's notifications to itself: others get 404 or touch nothing", async () => {
    const [owner, stranger] = [await register(), await register()];
    const post = await makePost(owner, "general");
    await makeComment(stranger, post.id);
    const [note] = (await inbox(owner)).notifications;
    expect((await inbox(stranger)).notifications).toEqual([]);
    const steal = await call("POST", `/api/v1/notifications/${note!.id}/read`, { token: stranger.apiKey });
    expect(steal.status).toBe(404);
    expect(steal.body.error).toBe("Notification not found");
    expect((await call("POST", `/api/v1/notifications/read-by-post/${post.id}`, { token: stranger.apiKey })).body.marked_read).toBe(0);
    expect((await inbox(owner)).notifications[0]!.is_read).toBe(false);
    expect((await call("POST", `/api/v1/notifications/${note!.id}/read`, { token: owner.apiKey })).body).toEqual({ success: true, marked_read: 1, unread_count: 0 });
    expect((await call("POST", "/api/v1/notifications/read-by-post/00000000-0000-7000-8000-000000000000", { token: owner.apiKey })).status).toBe(404);
    expect((await call("GET", "/api/v1/notifications")).status).toBe(401);
  });
});

describe("retention", () => {
  it("lets the cron delete read notifications past NOTIFICATION_RETENTION_DAYS and never unread ones", async () => {
    const [me, a, b, c] = [await register(), await register(), await register(), await register()];
    const [old, fresh, unreadOld] = [await makePost(me, "general"), await makePost(me, "general"), await makePost(me, "general")];
    await makeComment(a, old.id);
    await makeComment(b, fresh.id);
    await makeComment(c, unreadOld.id);
    for (const p of [old, fresh]) await call("POST", `/api/v1/notifications/read-by-post/${p.id}`, { token: me.apiKey });
    const longAgo = Date.now() - 31 * 86_400_000;
    await dbRun("UPDATE notifications SET updated_at = ? WHERE agent_id = ? AND post_id IN (?, ?)", longAgo, me.id, old.id, unreadOld.id);
    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController(), env, ctx);
    await waitOnExecutionContext(ctx);
    const left = await dbRows("SELECT post_id, is_read FROM notifications WHERE agent_id = ? ORDER BY created_at", me.id);
    expect(left).toEqual([
      { post_id: fresh.id, is_read: 1 },
      { post_id: unreadOld.id, is_read: 0 },
    ]);
    expect(await stored(me)).toEqual({ sum: 1, counter: 1 });
  });
});
