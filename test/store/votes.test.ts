// Votes through the storage boundary, on both stores (this file runs in the D1 and the PostgreSQL
// projects): exact tallies, rank and karma under concurrency, all or nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AgentRow } from "../../schema";
import { hotScore } from "../../worker/domain/ranking";
import { buildDeps } from "../../worker/middleware/deps";
import { castVote } from "../../worker/services/votes";
import { row, run, rows, storage } from "../db";
import { deriveAll, uniqueName } from "../helpers";

const GENERAL = "00000000-0000-7000-8000-000000000001";

async function withDeps<T>(work: (deps: ReturnType<typeof buildDeps>) => Promise<T>): Promise<T> {
  const deps = buildDeps(env, "https://tidepool.test");
  try {
    return await work(deps);
  } finally {
    await deps.release();
  }
}

async function agent(): Promise<AgentRow> {
  const id = crypto.randomUUID();
  const name = uniqueName();
  const now = Date.now();
  await run("INSERT INTO agents (id, name, name_key, created_at, updated_at, last_active) VALUES (?, ?, ?, ?, ?, ?)", id, name, name.toLowerCase(), now, now, now);
  return { id, name } as AgentRow;
}

async function post(author: AgentRow): Promise<string> {
  const id = crypto.randomUUID();
  const now = Date.now();
  await run(
    "INSERT INTO posts (id, submolt_id, author_id, title, content, type, hot, created_at, updated_at) VALUES (?, ?, ?, ?, 'words', 'text', ?, ?, ?)",
    id, GENERAL, author.id, uniqueName("title"), hotScore(0, now), now, now,
  );
  return id;
}

async function comment(author: AgentRow, postId: string): Promise<string> {
  const id = crypto.randomUUID();
  const now = Date.now();
  await run("INSERT INTO comments (id, post_id, author_id, content, depth, created_at, updated_at) VALUES (?, ?, ?, 'a reply', 0, ?, ?)", id, postId, author.id, now, now);
  return id;
}

const karma = async (a: AgentRow) => (await row<{ karma: number }>("SELECT karma FROM agents WHERE id = ?", a.id))!.karma;
const tallies = (table: "posts" | "comments", id: string) => row(`SELECT upvotes, downvotes, score FROM ${table} WHERE id = ?`, id);

describe(`votes on ${storage}`, () => {
  it("upvotes, repeats, switches and removes, moving tallies, hot and karma together", async () => {
    const author = await agent();
    const voter = await agent();
    const p = await post(author);
    const vote = (value: -1 | 0 | 1) => withDeps((deps) => castVote(deps, voter, "post", p, value));
    expect(await vote(1)).toMatchObject({ action: "upvoted", score: 1, upvotes: 1, user_vote: 1, author: { name: author.name } });
    expect(await vote(1)).toMatchObject({ action: "unchanged", score: 1 });
    expect(await vote(-1)).toMatchObject({ action: "changed", score: -1, upvotes: 0, downvotes: 1 });
    expect(await karma(author)).toBe(-1);
    const r = await row<{ hot: number; created_at: number }>("SELECT hot, created_at FROM posts WHERE id = ?", p);
    expect(r!.hot).toBe(hotScore(-1, r!.created_at));
    expect(await vote(0)).toMatchObject({ action: "removed", score: 0, user_vote: null });
    expect(await karma(author)).toBe(0);
    expect(await rows("SELECT 1 FROM votes WHERE target_id = ?", p)).toHaveLength(0);
  });

  it("counts twenty concurrent identical votes from one agent once", async () => {
    const author = await agent();
    const voter = await agent();
    const p = await post(author);
    const results = await Promise.all(Array.from({ length: 20 }, () => withDeps((deps) => castVote(deps, voter, "post", p, 1))));
    expect(results.filter((r) => r.action === "upvoted")).toHaveLength(1);
    expect(results.filter((r) => r.action === "unchanged")).toHaveLength(19);
    expect(await tallies("posts", p)).toEqual({ upvotes: 1, downvotes: 0, score: 1 });
    expect(await karma(author)).toBe(1);
    expect(await rows("SELECT value FROM votes WHERE target_id = ?", p)).toEqual([{ value: 1 }]);
  });

  it("counts concurrent votes from many agents exactly, with the hot rank of the final score", async () => {
    const author = await agent();
    const voters = await Promise.all(Array.from({ length: 15 }, () => agent()));
    const p = await post(author);
    await Promise.all(voters.map((v, i) => withDeps((deps) => castVote(deps, v, "post", p, i % 3 === 0 ? -1 : 1))));
    expect(await tallies("posts", p)).toEqual({ upvotes: 10, downvotes: 5, score: 5 });
    expect(await karma(author)).toBe(5);
    // On D1 the rank follows after the response (services/derive.ts rerankPending).
    await deriveAll();
    const r = await row<{ hot: number; created_at: number }>("SELECT hot, created_at FROM posts WHERE id = ?", p);
    expect(r!.hot).toBe(hotScore(5, r!.created_at));
  });

  it("moves comment tallies and controversy, and refuses self-votes and deleted targets", async () => {
    const a = await agent();
    const b = await agent();
    const c = await agent();
    const p = await post(a);
    const cm = await comment(b, p);
    await withDeps((deps) => castVote(deps, a, "comment", cm, 1));
    await withDeps((deps) => castVote(deps, c, "comment", cm, -1));
    expect(await row("SELECT upvotes, downvotes, score, controversy FROM comments WHERE id = ?", cm)).toEqual({ upvotes: 1, downvotes: 1, score: 0, controversy: 2 });
    expect(await karma(b)).toBe(0);
    await expect(withDeps((deps) => castVote(deps, b, "comment", cm, 1))).rejects.toMatchObject({ status: 400 });
    await run("UPDATE posts SET is_deleted = 1 WHERE id = ?", p);
    await expect(withDeps((deps) => castVote(deps, b, "post", p, 1))).rejects.toMatchObject({ status: 404 });
  });
});
