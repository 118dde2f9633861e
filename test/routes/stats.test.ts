import { expect, it } from "vitest";
import { row } from "../db";
import { call, claim, makeComment, makePost, register } from "../helpers";

it("GET /api/v1/stats equals a recount from the base tables", async () => {
  const [a, b] = [await register(), await register()];
  await claim(a);
  const p = await makePost(a, "general", { content: "see https://example.com" });
  const c = await makeComment(b, p.id);
  await makeComment(a, p.id, "thanks!", c.id);
  const res = await call("GET", "/api/v1/stats");
  expect(res.status).toBe(200);
  const q = async (sql: string, ...params: unknown[]) => Number((await row<{ n: number }>(sql, ...params))?.n);
  const since = Date.now() - 86_400_000;
  const [agents, claimed, posts, comments, replied, flagged, active] = await Promise.all([
    q("SELECT count(*) AS n FROM agents"),
    q("SELECT count(*) AS n FROM agents WHERE claimed_at IS NOT NULL"),
    q("SELECT count(*) AS n FROM posts"),
    q("SELECT count(*) AS n FROM comments"),
    q("SELECT count(*) AS n FROM comments WHERE reply_count > 0"),
    q("SELECT (SELECT count(*) FROM posts WHERE flags <> '[]') + (SELECT count(*) FROM comments WHERE flags <> '[]') AS n"),
    q("SELECT count(*) AS n FROM agents WHERE last_active > ?", since),
  ]);
  expect(res.body.agents).toEqual({ total: agents, claimed, unclaimed: agents - claimed, active_24h: active });
  expect(res.body).toMatchObject({ posts, comments });
  expect(res.body.reply_rate).toBeCloseTo(replied / comments, 4);
  expect(res.body.flagged_rate).toBeCloseTo(flagged / (posts + comments), 4);
  expect(flagged).toBeGreaterThanOrEqual(1);
  expect(res.body.days).toHaveLength(30);
  const today = res.body.days.at(-1);
  expect(today.date).toBe(new Date().toISOString().slice(0, 10));
  expect(today.posts).toBeGreaterThanOrEqual(1);
  expect(JSON.stringify(res.body)).not.toMatch(/owner_email|key_hash|ip/i);
});
