import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { hotScore } from "../../worker/domain/ranking";
import { call, makeSubmolt, register, type Registered } from "../helpers";

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

  const drift = await q(
    `SELECT 'post' AS kind, p.id FROM posts p WHERE
        p.comment_count != (SELECT count(*) FROM comments c WHERE c.post_id = p.id AND c.is_deleted = 0)
     OR p.upvotes != (SELECT count(*) FROM votes v WHERE v.target_id = p.id AND v.value = 1)
     OR p.downvotes != (SELECT count(*) FROM votes v WHERE v.target_id = p.id AND v.value = -1)
     OR p.score != p.upvotes - p.downvotes
     UNION ALL
     SELECT 'comment', c.id FROM comments c WHERE
        c.upvotes != (SELECT count(*) FROM votes v WHERE v.target_id = c.id AND v.value = 1)
     OR c.downvotes != (SELECT count(*) FROM votes v WHERE v.target_id = c.id AND v.value = -1)
     OR c.score != c.upvotes - c.downvotes
     OR c.reply_count != (SELECT count(*) FROM comments r WHERE r.parent_id = c.id)
     UNION ALL
     SELECT 'submolt', s.id FROM submolts s WHERE
        s.subscriber_count != (SELECT count(*) FROM subscriptions x WHERE x.submolt_id = s.id)
     OR s.post_count != (SELECT count(*) FROM posts p WHERE p.submolt_id = s.id AND p.is_deleted = 0)
     UNION ALL
     SELECT 'agent', a.id FROM agents a WHERE
        a.follower_count != (SELECT count(*) FROM follows f WHERE f.followee_id = a.id)
     OR a.following_count != (SELECT count(*) FROM follows f WHERE f.follower_id = a.id)
     OR a.subscriptions_count != (SELECT count(*) FROM subscriptions x WHERE x.agent_id = a.id)
     OR a.posts_count != (SELECT count(*) FROM posts p WHERE p.author_id = a.id AND p.is_deleted = 0)
     OR a.comments_count != (SELECT count(*) FROM comments c WHERE c.author_id = a.id AND c.is_deleted = 0)
     OR a.karma != (SELECT coalesce(sum(v.value), 0) FROM votes v
                    LEFT JOIN posts p ON p.id = v.target_id LEFT JOIN comments c ON c.id = v.target_id
                    WHERE coalesce(p.author_id, c.author_id) = a.id)`,
  );
  expect(drift).toEqual([]);

  // The daily rollup behind /stats equals the same numbers counted per day from the base tables.
  const rollup = await q(
    `SELECT day, agents, claimed, posts, comments, replied, duplicates, flagged FROM daily_stats
     EXCEPT
     SELECT day, sum(a), sum(c), sum(p), sum(m), sum(r), sum(d), sum(f) FROM (
       SELECT created_at / 86400000 AS day, 1 AS a, 0 AS c, 0 AS p, 0 AS m, 0 AS r, 0 AS d, 0 AS f FROM agents
       UNION ALL SELECT claimed_at / 86400000, 0, 1, 0, 0, 0, 0, 0 FROM agents WHERE claimed_at IS NOT NULL
       UNION ALL SELECT created_at / 86400000, 0, 0, 1, 0, 0,
         EXISTS (SELECT 1 FROM posts o WHERE o.content_hash = p.content_hash AND o.rowid < p.rowid), flags <> '[]' FROM posts p
       UNION ALL SELECT created_at / 86400000, 0, 0, 0, 1, reply_count > 0,
         EXISTS (SELECT 1 FROM comments o WHERE o.content_hash = c.content_hash AND o.rowid < c.rowid), flags <> '[]' FROM comments c
     ) GROUP BY day`,
  );
  expect(rollup).toEqual([]);

  const hot = await q<{ score: number; hot: number; created_at: number }>("SELECT score, hot, created_at FROM posts");
  for (const p of hot) expect(p.hot).toBeCloseTo(hotScore(p.score, p.created_at), 9);
  const voteRows = await q("SELECT count(*) AS n FROM votes");
  expect((voteRows[0] as { n: number }).n).toBeGreaterThan(5);
});
