// The notification inbox on both stores: folding, paging, marking read (one post's, one, all) with
// exact unread counts, and the sweep of old read rows.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { buildDeps } from "../../worker/middleware/deps";
import { sweepReadNotifications } from "../../worker/services/notifications";
import { row, run, storage } from "../db";
import { call, makeComment, makePost, register } from "../helpers";

describe(`notifications on ${storage}`, () => {
  it("folds, pages and marks read with exact counts", async () => {
    const author = await register();
    const others = await Promise.all([register(), register(), register()]);
    const p1 = await makePost(author, "general");
    const p2 = await makePost(author, "general");
    for (const o of others) await makeComment(o, p1.id);
    await makeComment(others[0]!, p2.id);
    await call("POST", `/api/v1/agents/${author.name}/follow`, { token: others[1]!.apiKey });

    const list = await call("GET", "/api/v1/notifications?limit=2", { token: author.apiKey });
    expect(list.status).toBe(200);
    expect(list.body.unread_count).toBe(5);
    expect(list.body.notifications).toHaveLength(2);
    expect(list.body.has_more).toBe(true);
    const rest = await call("GET", `/api/v1/notifications?limit=2&cursor=${encodeURIComponent(list.body.next_cursor)}`, { token: author.apiKey });
    const all = [...list.body.notifications, ...rest.body.notifications];
    expect(all.map((n: { type: string }) => n.type).sort()).toEqual(["comment_on_post", "comment_on_post", "new_follower"]);
    expect(all.find((n: { post_id: string | null }) => n.post_id === p1.id)).toMatchObject({ count: 3, message: expect.stringContaining("3 new comments") });

    const byPost = await call("POST", `/api/v1/notifications/read-by-post/${p1.id}`, { token: author.apiKey });
    expect(byPost.body).toMatchObject({ marked_read: 3, unread_count: 2 });
    expect((await call("POST", "/api/v1/notifications/read-by-post/00000000-0000-7000-8000-00000000beef", { token: author.apiKey })).status).toBe(404);
    const unread = await call("GET", "/api/v1/notifications?unread=true", { token: author.apiKey });
    expect(unread.body.notifications).toHaveLength(2);
    const allRead = await call("POST", "/api/v1/notifications/read-all", { token: author.apiKey });
    expect(allRead.body).toMatchObject({ marked_read: 2, unread_count: 0 });
    expect(await row("SELECT unread_notifications FROM agents WHERE id = ?", author.id)).toEqual({ unread_notifications: 0 });

    // Read rows past the retention go; unread ones never do.
    await makeComment(others[2]!, p2.id, "one more");
    await run("UPDATE notifications SET updated_at = updated_at - ? WHERE agent_id = ?", 400 * 86_400_000, author.id);
    const deps = buildDeps(env, "https://tidepool.test");
    try {
      expect(await sweepReadNotifications(deps)).toBeGreaterThanOrEqual(2);
    } finally {
      await deps.release();
    }
    expect(await row("SELECT count(*) AS n FROM notifications WHERE agent_id = ?", author.id)).toEqual({ n: 1 });
    expect(await row("SELECT unread_notifications FROM agents WHERE id = ?", author.id)).toEqual({ unread_notifications: 1 });
  });
});
