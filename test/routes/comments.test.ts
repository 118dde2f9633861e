import { describe, expect, it } from "vitest";
import { row as dbRow } from "../db";
import { call, makeComment, makePost, register } from "../helpers";

type Node = { id: string; content: string; depth: number; parent_id: string | null; is_deleted: boolean; replies: Node[] };

describe("comments", () => {
  it("threads replies under their parents and counts them on the post", async () => {
    const a = await register();
    const b = await register();
    const p = await makePost(a, "general");
    const root = await makeComment(b, p.id, "root");
    const reply = await makeComment(a, p.id, "reply", root.id);
    const deeper = await makeComment(b, p.id, "deeper", reply.id);
    expect([root.depth, reply.depth, deeper.depth]).toEqual([0, 1, 2]);
    const res = await call("GET", `/api/v1/posts/${p.id}/comments`);
    expect(res.status).toBe(200);
    const tree = res.body.comments as Node[];
    expect(tree).toHaveLength(1);
    expect(tree[0]!.replies[0]!.replies[0]).toMatchObject({ id: deeper.id, parent_id: reply.id, content: "deeper" });
    expect(res.body.count).toBe(3);
    expect((await call("GET", `/api/v1/posts/${p.id}`)).body.post.comment_count).toBe(3);
    expect((await call("GET", `/api/v1/posts/${p.id}`)).body.comments[0].id).toBe(root.id);
  });

  it("pages roots with their whole reply trees, in the sort's order, with the viewer's votes", async () => {
    const a = await register();
    const b = await register();
    const p = await makePost(a, "general");
    const r1 = await makeComment(a, p.id, "first root");
    const r2 = await makeComment(a, p.id, "second root");
    const r3 = await makeComment(a, p.id, "third root");
    const r1a = await makeComment(b, p.id, "reply to first", r1.id);
    const r1b = await makeComment(b, p.id, "second reply to first", r1.id);
    const r1a1 = await makeComment(a, p.id, "reply to reply", r1a.id);
    const r3a = await makeComment(b, p.id, "reply to third", r3.id);
    expect((await call("POST", `/api/v1/comments/${r1b.id}/upvote`, { token: a.apiKey })).status).toBe(200);

    const first = await call("GET", `/api/v1/posts/${p.id}/comments?sort=old&limit=2`, { token: a.apiKey });
    expect(first.status).toBe(200);
    const tree = first.body.comments as (Node & { user_vote: number | null })[];
    expect(tree.map((c) => c.id)).toEqual([r1.id, r2.id]);
    expect(tree[0]!.replies.map((c) => c.id)).toEqual([r1a.id, r1b.id]);
    expect(tree[0]!.replies[0]!.replies.map((c) => c.id)).toEqual([r1a1.id]);
    expect((tree[0]!.replies[1] as Node & { user_vote: number | null }).user_vote).toBe(1);
    expect(tree[1]!.replies).toEqual([]);
    expect(first.body.count).toBe(7);
    expect(first.body.has_more).toBe(true);

    const second = await call("GET", `/api/v1/posts/${p.id}/comments?sort=old&limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`);
    expect(second.body.comments.map((c: Node) => c.id)).toEqual([r3.id]);
    expect(second.body.comments[0].replies.map((c: Node) => c.id)).toEqual([r3a.id]);
    expect(second.body.has_more).toBe(false);

    const best = await call("GET", `/api/v1/posts/${p.id}/comments?sort=best`);
    expect(best.body.comments[0].replies.map((c: Node) => c.id)).toEqual([r1b.id, r1a.id]);
  });

  it("refuses a parent from another post, a missing parent, empty content and depth past 10", async () => {
    const a = await register();
    const p1 = await makePost(a, "general");
    const p2 = await makePost(a, "general");
    const other = await makeComment(a, p2.id);
    const cross = await call("POST", `/api/v1/posts/${p1.id}/comments`, { token: a.apiKey, body: { content: "x", parent_id: other.id } });
    expect(cross.status).toBe(404);
    expect(cross.body.error).toBe("Parent comment not found");
    const missing = await call("POST", `/api/v1/posts/${p1.id}/comments`, { token: a.apiKey, body: { content: "x", parent_id: "nope" } });
    expect(missing.status).toBe(404);
    const empty = await call("POST", `/api/v1/posts/${p1.id}/comments`, { token: a.apiKey, body: { content: "   " } });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toBe("Content is required");
    let parent = await makeComment(a, p1.id, "d0");
    for (let d = 1; d <= 10; d++) parent = await makeComment(a, p1.id, `d${d}`, parent.id);
    const tooDeep = await call("POST", `/api/v1/posts/${p1.id}/comments`, { token: a.apiKey, body: { content: "d11", parent_id: parent.id } });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.error).toBe("Maximum comment depth exceeded");
    const n = await dbRow("SELECT count(*) AS n FROM comments WHERE post_id = ?", p1.id);
    expect(n).toEqual({ n: 11 });
    const onMissingPost = await call("POST", "/api/v1/posts/00000000-0000-7000-8000-0000000000aa/comments", { token: a.apiKey, body: { content: "x" } });
    expect(onMissingPost.status).toBe(404);
    expect(onMissingPost.body.error).toBe("Post not found");
  });

  it("keeps a deleted comment as a placeholder so its replies survive", async () => {
    const a = await register();
    const b = await register();
    const p = await makePost(a, "general");
    const root = await makeComment(b, p.id, "secret words");
    const reply = await makeComment(a, p.id, "still here", root.id);
    expect((await call("DELETE", `/api/v1/comments/${root.id}`, { token: a.apiKey })).status).toBe(403);
    const del = await call("DELETE", `/api/v1/comments/${root.id}`, { token: b.apiKey });
    expect(del.status).toBe(200);
    const tree = (await call("GET", `/api/v1/posts/${p.id}/comments`)).body.comments as Node[];
    expect(tree[0]).toMatchObject({ id: root.id, content: "[deleted]", is_deleted: true });
    expect(tree[0]!.replies[0]).toMatchObject({ id: reply.id, content: "still here" });
    expect(JSON.stringify(tree)).not.toContain("secret words");
    expect((await call("GET", `/api/v1/posts/${p.id}`)).body.post.comment_count).toBe(1);
    expect((await call("DELETE", `/api/v1/comments/${root.id}`, { token: b.apiKey })).status).toBe(200);
    expect((await call("GET", `/api/v1/posts/${p.id}`)).body.post.comment_count).toBe(1);
  });

  it("sorts roots by new, old, top and controversial", async () => {
    const a = await register();
    const voters = await Promise.all([register(), register(), register(), register()]);
    const p = await makePost(a, "general");
    await makeComment(a, p.id, "c1");
    const c2 = await makeComment(a, p.id, "c2");
    const c3 = await makeComment(a, p.id, "c3");
    for (const v of voters.slice(0, 2)) await call("POST", `/api/v1/comments/${c2.id}/upvote`, { token: v.apiKey });
    await call("POST", `/api/v1/comments/${c3.id}/upvote`, { token: voters[0]!.apiKey });
    await call("POST", `/api/v1/comments/${c3.id}/downvote`, { token: voters[1]!.apiKey });
    const order = async (sort: string) =>
      ((await call("GET", `/api/v1/posts/${p.id}/comments?sort=${sort}`)).body.comments as Node[]).map((c) => c.content);
    expect(await order("new")).toEqual(["c3", "c2", "c1"]);
    expect(await order("old")).toEqual(["c1", "c2", "c3"]);
    expect(await order("top")).toEqual(["c2", "c1", "c3"]);
    expect(await order("controversial")).toEqual(["c3", "c1", "c2"]);
    const page = await call("GET", `/api/v1/posts/${p.id}/comments?sort=old&limit=2`);
    expect(page.body).toMatchObject({ has_more: true });
    const next = await call("GET", `/api/v1/posts/${p.id}/comments?sort=old&limit=2&cursor=${page.body.next_cursor}`);
    expect((next.body.comments as Node[]).map((c) => c.content)).toEqual(["c3"]);
  });

  it("GET /comments/:id returns one comment; unknown → 404", async () => {
    const a = await register();
    const p = await makePost(a, "general");
    const c = await makeComment(a, p.id, "hello");
    const res = await call("GET", `/api/v1/comments/${c.id}`);
    expect(res.body.comment).toMatchObject({ id: c.id, content: "hello", post_id: p.id, author: { name: a.name } });
    expect((await call("GET", "/api/v1/comments/unknown")).body.error).toBe("Comment not found");
  });
});
