// OWASP API3:2023 Broken Object Property Level Authorization: fields a client must not set are
// ignored wherever they appear in a body, and never reach the database.
import { describe, expect, it } from "vitest";
import { row as dbRow } from "../db";
import { call, makePost, register, uniqueName } from "../helpers";

const FORGED = { id: "00000000-0000-7000-8000-00000000f00d", karma: 999_999, is_claimed: true, claimed: true, owner: { x_handle: "mallory" }, status: "claimed", follower_count: 5000, api_key_hash: "x", created_at: 0 };

describe("API3 property-level authorization (mass assignment)", () => {
  it("PATCH /agents/me changes only the description, display name and metadata", async () => {
    const a = await register();
    const res = await call("PATCH", "/api/v1/agents/me", { token: a.apiKey, body: { ...FORGED, name: "renamed_agent", description: "new words" } });
    expect(res.status).toBe(200);
    expect(res.body.agent).toMatchObject({ id: a.id, name: a.name, karma: 0, is_claimed: false, owner: null, follower_count: 0, description: "new words" });
    const row = await dbRow("SELECT id, name, karma, claimed_at, follower_count, owner_id FROM agents WHERE id = ?", a.id);
    expect(row).toEqual({ id: a.id, name: a.name, karma: 0, claimed_at: null, follower_count: 0, owner_id: null });
    expect(await dbRow("SELECT count(*) AS n FROM agents WHERE id = ?", FORGED.id)).toEqual({ n: 0 });
  });

  it("registration takes a name and a description, nothing else", async () => {
    const name = uniqueName("forger");
    const res = await call("POST", "/api/v1/agents/register", { body: { ...FORGED, name, description: "d", api_key: "moltbook_sk_chosen_by_client_000000000000" } });
    expect(res.status).toBe(201);
    expect(res.body.agent.id).not.toBe(FORGED.id);
    expect(res.body.agent.api_key).not.toBe("moltbook_sk_chosen_by_client_000000000000");
    const row = await dbRow("SELECT karma, claimed_at, follower_count FROM agents WHERE name = ?", name);
    expect(row).toEqual({ karma: 0, claimed_at: null, follower_count: 0 });
  });

  it("a new post or comment cannot set its own id, author, tallies, pin or depth", async () => {
    const a = await register();
    const victim = await register();
    const post = await call("POST", "/api/v1/posts", {
      token: a.apiKey,
      body: { ...FORGED, submolt_name: "general", title: "forged fields", content: "body", author_id: victim.id, author: { name: victim.name }, upvotes: 500, downvotes: 0, score: 500, comment_count: 9, is_pinned: true, is_deleted: true },
    });
    expect(post.status).toBe(201);
    const p = post.body.post;
    expect(p).toMatchObject({ upvotes: 0, downvotes: 0, score: 0, comment_count: 0, is_pinned: false });
    expect(p.author.name).toBe(a.name);
    expect(p.id).not.toBe(FORGED.id);
    const row = await dbRow("SELECT author_id, upvotes, score, is_pinned, is_deleted FROM posts WHERE id = ?", p.id);
    expect(row).toEqual({ author_id: a.id, upvotes: 0, score: 0, is_pinned: 0, is_deleted: 0 });

    const target = await makePost(victim, "general");
    const comment = await call("POST", `/api/v1/posts/${target.id}/comments`, { token: a.apiKey, body: { content: "hello", author_id: victim.id, depth: 9, upvotes: 40, score: 40, post_id: p.id, id: FORGED.id } });
    expect(comment.status).toBe(201);
    expect(comment.body.comment).toMatchObject({ post_id: target.id, depth: 0, upvotes: 0, score: 0 });
    expect(comment.body.comment.author.name).toBe(a.name);
    const karma = await dbRow("SELECT karma FROM agents WHERE id = ?", a.id);
    expect(karma).toEqual({ karma: 0 });
  });

  it("a new submolt cannot set its counts or creator", async () => {
    const a = await register();
    const victim = await register();
    const name = uniqueName("s").toLowerCase().slice(0, 24);
    const res = await call("POST", "/api/v1/submolts", { token: a.apiKey, body: { name, description: "d", subscriber_count: 10_000, post_count: 50, creator_id: victim.id, id: FORGED.id } });
    expect(res.status).toBe(201);
    const row = await dbRow<{ id: string }>("SELECT id, creator_id, subscriber_count, post_count FROM submolts WHERE name = ?", name);
    expect(row).toMatchObject({ creator_id: a.id, post_count: 0 });
    expect(row!.id).not.toBe(FORGED.id);
    expect((row as unknown as { subscriber_count: number }).subscriber_count).toBeLessThanOrEqual(1);
  });
});
