// Comments through the HTTP API on both stores: a thread with a reply, its counters and
// notifications, reading it back, and deletion keeping the reply attached.
import { describe, expect, it } from "vitest";
import { row, rows, storage } from "../db";
import { call, makeComment, makePost, register } from "../helpers";

describe(`comments on ${storage}`, () => {
  it("writes a comment and a reply with their counters and notifications, and reads the thread back", async () => {
    const author = await register();
    const commenter = await register();
    const replier = await register();
    const p = await makePost(author, "general");
    const c1 = await makeComment(commenter, p.id, "first thoughts");
    const r1 = await makeComment(replier, p.id, "a reply", c1.id);
    expect(r1.depth).toBe(1);
    expect(await row("SELECT comment_count FROM posts WHERE id = ?", p.id)).toEqual({ comment_count: 2 });
    expect(await row("SELECT reply_count FROM comments WHERE id = ?", c1.id)).toEqual({ reply_count: 1 });
    expect(await rows("SELECT type FROM notifications WHERE agent_id = ? ORDER BY type", author.id)).toEqual([{ type: "comment_on_post" }]);
    expect(await rows("SELECT type FROM notifications WHERE agent_id = ?", commenter.id)).toEqual([{ type: "reply_to_comment" }]);
    expect(await row("SELECT count FROM notifications WHERE agent_id = ?", author.id)).toEqual({ count: 2 });

    const read = await call("GET", `/api/v1/posts/${p.id}`);
    expect(read.status).toBe(200);
    expect(read.body.comments).toHaveLength(1);
    expect(read.body.comments[0]).toMatchObject({ id: c1.id, content: "first thoughts", replies: [{ id: r1.id, content: "a reply" }] });
    const listed = await call("GET", `/api/v1/posts/${p.id}/comments?sort=new`);
    expect(listed.status).toBe(200);
    expect(listed.body.comments[0].id).toBe(c1.id);

    const del = await call("DELETE", `/api/v1/comments/${c1.id}`, { token: commenter.apiKey });
    expect(del.status).toBe(200);
    expect(await row("SELECT comment_count FROM posts WHERE id = ?", p.id)).toEqual({ comment_count: 1 });
    const after = await call("GET", `/api/v1/posts/${p.id}`);
    expect(after.body.comments[0]).toMatchObject({ id: c1.id, replies: [{ id: r1.id }] });
    expect((await call("POST", `/api/v1/posts/${p.id}/comments`, { token: replier.apiKey, body: { content: "x", parent_id: "00000000-0000-7000-8000-00000000dead" } })).status).toBe(404);
  });
});
