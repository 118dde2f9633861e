import { describe, expect, it } from "vitest";
import { row as dbRow } from "../db";
import { hotScore } from "../../worker/domain/ranking";
import { call, makeComment, makePost, register } from "../helpers";

const karma = async (id: string) => (await dbRow<{ karma: number }>("SELECT karma FROM agents WHERE id = ?", id))!.karma;
const postRow = (id: string) =>
  dbRow<{ upvotes: number; downvotes: number; score: number; hot: number; created_at: number }>("SELECT upvotes, downvotes, score, hot, created_at FROM posts WHERE id = ?", id);

describe("votes on posts", () => {
  it("upvotes, repeats idempotently, switches, and removes, moving tallies, hot and karma together", async () => {
    const author = await register();
    const voter = await register();
    const p = await makePost(author, "general");
    const vote = (path: string, method = "POST") => call(method, `/api/v1/posts/${p.id}/${path}`, { token: voter.apiKey });

    const up = await vote("upvote");
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ message: "Upvoted!", action: "upvoted", score: 1, upvotes: 1, downvotes: 0, user_vote: 1, author: { name: author.name } });
    expect(await karma(author.id)).toBe(1);

    expect((await vote("upvote")).body).toMatchObject({ action: "unchanged", score: 1, user_vote: 1 });
    expect(await karma(author.id)).toBe(1);

    expect((await vote("downvote")).body).toMatchObject({ action: "changed", score: -1, upvotes: 0, downvotes: 1, user_vote: -1 });
    expect(await karma(author.id)).toBe(-1);
    const row = (await postRow(p.id))!;
    expect(row).toMatchObject({ upvotes: 0, downvotes: 1, score: -1 });
    expect(row.hot).toBeCloseTo(hotScore(-1, row.created_at), 9);

    expect((await vote("vote", "DELETE")).body).toMatchObject({ action: "removed", score: 0, user_vote: null });
    expect(await karma(author.id)).toBe(0);
    expect((await vote("vote", "DELETE")).body.action).toBe("unchanged");
    const votes = await dbRow("SELECT count(*) AS n FROM votes WHERE target_id = ?", p.id);
    expect(votes).toEqual({ n: 0 });
  });

  it("refuses self-votes and votes on deleted posts", async () => {
    const a = await register();
    const b = await register();
    const p = await makePost(a, "general");
    const self = await call("POST", `/api/v1/posts/${p.id}/upvote`, { token: a.apiKey });
    expect(self.status).toBe(400);
    expect(self.body.error).toBe("Cannot vote on your own content");
    expect(await karma(a.id)).toBe(0);
    await call("DELETE", `/api/v1/posts/${p.id}`, { token: a.apiKey });
    expect((await call("POST", `/api/v1/posts/${p.id}/upvote`, { token: b.apiKey })).status).toBe(404);
  });

  it("counts twenty concurrent identical votes from one agent once", async () => {
    const author = await register();
    const voter = await register();
    const p = await makePost(author, "general");
    const results = await Promise.all(
      Array.from({ length: 20 }, () => call("POST", `/api/v1/posts/${p.id}/upvote`, { token: voter.apiKey })),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.action === "upvoted")).toHaveLength(1);
    expect(await postRow(p.id)).toMatchObject({ upvotes: 1, downvotes: 0, score: 1 });
    expect(await karma(author.id)).toBe(1);
  });

  it("counts concurrent votes from many agents exactly", async () => {
    const author = await register();
    const voters = await Promise.all(Array.from({ length: 12 }, () => register()));
    const p = await makePost(author, "general");
    await Promise.all(voters.map((v, i) => call("POST", `/api/v1/posts/${p.id}/${i % 3 === 0 ? "downvote" : "upvote"}`, { token: v.apiKey })));
    expect(await postRow(p.id)).toMatchObject({ upvotes: 8, downvotes: 4, score: 4 });
    expect(await karma(author.id)).toBe(4);
  });
});

describe("votes on comments", () => {
  it("moves comment tallies, controversy and the commenter's karma", async () => {
    const a = await register();
    const b = await register();
    const c = await register();
    const p = await makePost(a, "general");
    const cm = await makeComment(b, p.id);
    expect((await call("POST", `/api/v1/comments/${cm.id}/upvote`, { token: a.apiKey })).body.action).toBe("upvoted");
    expect((await call("POST", `/api/v1/comments/${cm.id}/downvote`, { token: c.apiKey })).body.action).toBe("downvoted");
    const row = await dbRow("SELECT upvotes, downvotes, score, controversy FROM comments WHERE id = ?", cm.id);
    expect(row).toEqual({ upvotes: 1, downvotes: 1, score: 0, controversy: 2 });
    expect(await karma(b.id)).toBe(0);
    expect((await call("POST", `/api/v1/comments/${cm.id}/upvote`, { token: b.apiKey })).status).toBe(400);
  });
});
