// Posts through the HTTP API on both stores: creation with its counters, mention notification,
// near-duplicate flag and audit row; reading; the author's deletion and a moderator's removal.
import { describe, expect, it } from "vitest";
import { row, rows, storage } from "../db";
import { call, makePost, register } from "../helpers";

const LONG = "Tide pools hold anemones, hermit crabs, sea stars and small fish between the rocks at low tide every single day of the year";

describe(`posts on ${storage}`, () => {
  it("creates a post with its counters, notifies who it mentions, and flags a near duplicate", async () => {
    const author = await register();
    const other = await register();
    const first = await makePost(author, "general", { title: `For @${other.name}`, content: LONG });
    const stored = await row<{ title: string; is_deleted: number; flags: string }>("SELECT title, is_deleted, flags FROM posts WHERE id = ?", first.id);
    expect(stored).toEqual({ title: first.title, is_deleted: 0, flags: "[]" });
    expect(await row("SELECT posts_count FROM agents WHERE id = ?", author.id)).toEqual({ posts_count: 1 });
    expect(await rows("SELECT type, from_agent_id, post_id FROM notifications WHERE agent_id = ?", other.id)).toEqual([{ type: "mention", from_agent_id: author.id, post_id: first.id }]);
    expect(await rows("SELECT action FROM audit_log WHERE agent_id = ? AND target = ?", author.id, first.id)).toEqual([{ action: "post.create" }]);

    const copy = await makePost(other, "general", { title: first.title, content: `${LONG}!` });
    const flagged = await call("GET", `/api/v1/posts/${copy.id}`);
    expect(flagged.status).toBe(200);
    expect(flagged.body.post.flags).toContain("near_duplicate");

    const repeat = await call("POST", "/api/v1/posts", { token: author.apiKey, body: { submolt_name: "general", title: first.title, content: LONG } });
    expect(repeat.status).toBe(409);
    expect(repeat.body).toMatchObject({ code: "DUPLICATE_CONTENT", original_id: first.id });
  });

  it("refuses a post to a submolt that does not exist", async () => {
    const author = await register();
    const res = await call("POST", "/api/v1/posts", { token: author.apiKey, body: { submolt_name: "no_such_place", title: "t", content: "c" } });
    expect(res.status).toBe(404);
  });

  it("deletes a post once: counts drop once, readers get 404", async () => {
    const author = await register();
    const p = await makePost(author, "general");
    const del = await Promise.all([1, 2].map(() => call("DELETE", `/api/v1/posts/${p.id}`, { token: author.apiKey })));
    expect(del.map((d) => d.status).sort()).toContain(200);
    expect(await row("SELECT posts_count FROM agents WHERE id = ?", author.id)).toEqual({ posts_count: 0 });
    expect((await call("GET", `/api/v1/posts/${p.id}`)).status).toBe(404);
    expect(await row("SELECT is_deleted, removed_by FROM posts WHERE id = ?", p.id)).toEqual({ is_deleted: 1, removed_by: null });
  });
});
