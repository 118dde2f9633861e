import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { call, makeSubmolt, register, type Registered } from "../helpers";
import { counterDrift, hotDrift, rollupDrift } from "../invariants";

/** mulberry32: a tiny seeded PRNG so a failing sequence can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const q = async <T>(sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).all<T>()).results;

it("keeps every stored counter equal to a recount from the base tables after random operations", { timeout: 60_000 }, async () => {
  const random = rng(20261123);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  const agents: Registered[] = [];
  for (let i = 0; i < 5; i++) agents.push(await register());
  const submolts = [await makeSubmolt(agents[0]!), await makeSubmolt(agents[1]!)];
  const postIds: string[] = [];
  const commentIds: { id: string; postId: string }[] = [];

  for (let step = 0; step < 160; step++) {
    const a = pick(agents);
    const op = random();
    if (op < 0.15 || postIds.length === 0) {
      const res = await call("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt: pick(submolts).name, title: `p${step}`, content: "x" } });
      if (res.status === 201) postIds.push(res.body.post.id);
    } else if (op < 0.35) {
      const postId = pick(postIds);
      const parent = random() < 0.5 ? commentIds.filter((c) => c.postId === postId).at(-1)?.id : undefined;
      const res = await call("POST", `/api/v1/posts/${postId}/comments`, { token: a.apiKey, body: { content: `c${step}`, parent_id: parent } });
      if (res.status === 201) commentIds.push({ id: res.body.comment.id, postId });
    } else if (op < 0.6) {
      const target = random() < 0.6 || commentIds.length === 0 ? `posts/${pick(postIds)}` : `comments/${pick(commentIds).id}`;
      const verb = pick(["upvote", "downvote", "vote"]);
      await call(verb === "vote" ? "DELETE" : "POST", `/api/v1/${target}/${verb}`, { token: a.apiKey });
    } else if (op < 0.67) {
      await call("DELETE", `/api/v1/posts/${pick(postIds)}`, { token: a.apiKey });
    } else if (op < 0.74 && commentIds.length) {
      await call("DELETE", `/api/v1/comments/${pick(commentIds).id}`, { token: a.apiKey });
    } else if (op < 0.87) {
      await call(random() < 0.6 ? "POST" : "DELETE", `/api/v1/submolts/${pick(submolts).name}/subscribe`, { token: a.apiKey });
    } else {
      await call(random() < 0.6 ? "POST" : "DELETE", `/api/v1/agents/${pick(agents).name}/follow`, { token: a.apiKey });
    }
  }
  expect(postIds.length).toBeGreaterThan(10);
  expect(commentIds.length).toBeGreaterThan(10);

  expect(await counterDrift()).toEqual([]);
  // The daily rollup behind /stats equals the same numbers counted per day from the base tables.
  expect(await rollupDrift()).toEqual([]);
  expect(await hotDrift()).toEqual([]);
  const voteRows = await q("SELECT count(*) AS n FROM votes");
  expect((voteRows[0] as { n: number }).n).toBeGreaterThan(5);
});
