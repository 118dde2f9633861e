// Invariants of the stored data, each as the list of rows that break it (empty = holds). Shared by
// the counter, property-based and fault-injection suites, so "consistent" means one thing everywhere.
import { env } from "cloudflare:workers";
import { bandKeys, itemTypeCode, signature, type ItemType } from "../worker/domain/minhash";
import { hotScore } from "../worker/domain/ranking";
import { bytes, bytesToUuid } from "../worker/lib/encoding";
import { comparedText } from "../worker/services/near-duplicates";
import { rows, storage } from "./db";

// The network's rows on whichever store the project runs; the local vector index's in D1 on both.
const q = rows;

/** Stored tallies (votes, counts, karma = sum of votes on the agent's content, unread notifications) that differ from a recount. */
export const counterDrift = () =>
  q(
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
     OR a.unread_notifications != (SELECT coalesce(sum(n.count), 0) FROM notifications n WHERE n.agent_id = a.id AND n.is_read = 0)
     OR a.karma != (SELECT coalesce(sum(v.value), 0) FROM votes v
                    LEFT JOIN posts p ON p.id = v.target_id LEFT JOIN comments c ON c.id = v.target_id
                    WHERE coalesce(p.author_id, c.author_id) = a.id)`,
  );

// Which of two rows with the same text was written first: D1's rowid, PostgreSQL's time-ordered id.
const earlier = (o: string, p: string) => (storage === "d1" ? `${o}.rowid < ${p}.rowid` : `${o}.id < ${p}.id`);

/** Days whose /stats rollup differs from the same numbers counted from the base tables. */
export const rollupDrift = () =>
  q(
    `SELECT day, agents, claimed, posts, comments, replied, duplicates, flagged FROM daily_stats
     EXCEPT
     SELECT day, sum(a), sum(c), sum(p), sum(m), sum(r), sum(d), sum(f) FROM (
       SELECT created_at / 86400000 AS day, 1 AS a, 0 AS c, 0 AS p, 0 AS m, 0 AS r, 0 AS d, 0 AS f FROM agents
       UNION ALL SELECT claimed_at / 86400000, 0, 1, 0, 0, 0, 0, 0 FROM agents WHERE claimed_at IS NOT NULL
       UNION ALL SELECT created_at / 86400000, 0, 0, 1, 0, 0,
         CASE WHEN EXISTS (SELECT 1 FROM posts o WHERE o.content_hash = p.content_hash AND ${earlier("o", "p")}) THEN 1 ELSE 0 END,
         CASE WHEN flags <> '[]' THEN 1 ELSE 0 END FROM posts p
       UNION ALL SELECT created_at / 86400000, 0, 0, 0, 1, CASE WHEN reply_count > 0 THEN 1 ELSE 0 END,
         CASE WHEN EXISTS (SELECT 1 FROM comments o WHERE o.content_hash = c.content_hash AND ${earlier("o", "c")}) THEN 1 ELSE 0 END,
         CASE WHEN flags <> '[]' THEN 1 ELSE 0 END FROM comments c
     ) AS counted GROUP BY day`,
  );

/** Posts whose stored hot rank is not the ranking function of their score and age. */
export async function hotDrift() {
  const posts = await q<{ id: string; score: number; hot: number; created_at: number }>("SELECT id, score, hot, created_at FROM posts");
  return posts.filter((p) => Math.abs(p.hot - hotScore(p.score, p.created_at)) > 1e-9).map((p) => p.id);
}

/** Live posts and comments neither in the vector index nor queued for it: lost to semantic search. */
export async function unindexed(): Promise<{ id: string }[]> {
  const indexed = new Set(
    (await env.DB.prepare("SELECT id FROM search_vectors WHERE vector IS NOT NULL").all<{ id: string }>()).results.map((r) => r.id),
  );
  const live = await q<{ id: string }>(
    `SELECT id FROM posts WHERE is_deleted = 0 AND id NOT IN (SELECT target_id FROM search_outbox)
     UNION ALL
     SELECT id FROM comments WHERE is_deleted = 0 AND id NOT IN (SELECT target_id FROM search_outbox)`,
  );
  return live.filter((r) => !indexed.has(r.id));
}

/**
 * The keyword index against the live rows it indexes: FTS5's integrity-check with rank 1 compares
 * the index with its external content (the posts_search_text and comments_search_text views), so an
 * index that drifted from the table fails here. Returns the errors (none = holds).
 */
export async function keywordDrift(): Promise<string[]> {
  // PostgreSQL's keyword index is over the rows themselves (GIN on an expression): nothing to drift.
  if (storage === "postgres") return [];
  const errors: string[] = [];
  for (const table of ["posts_fts", "comments_fts"]) {
    try {
      await env.DB.prepare(`INSERT INTO ${table} (${table}, rank) VALUES ('integrity-check', 1)`).run();
    } catch (err) {
      errors.push(`${table}: ${String(err)}`);
    }
  }
  return errors;
}

/**
 * Posts and comments whose near-duplicate index entry differs from a recount: every item with enough
 * words has exactly one signature, equal to the signature of its text, with exactly its band keys
 * (or waits in near_backfill); nothing else has one; no band row points nowhere. Items older than the
 * retention window are the pruner's to remove, and not checked.
 */
export async function nearDrift(retentionDays = 30): Promise<string[]> {
  const since = Date.now() - retentionDays * 86_400_000;
  const items = [
    ...(await q<{ id: string; title: string; content: string }>("SELECT id, title, content FROM posts WHERE created_at >= ?", since)).map((r) => ({ ...r, type: "post" as ItemType })),
    ...(await q<{ id: string; content: string }>("SELECT id, content FROM comments WHERE created_at >= ?", since)).map((r) => ({ ...r, type: "comment" as ItemType })),
  ];
  const sigs = await q<{ id: number; item_type: number; item_id: number[]; signature: number[] }>("SELECT id, item_type, item_id, signature FROM near_signatures");
  const bands = await q<{ key: number; signature_id: number }>("SELECT key, signature_id FROM near_bands");
  const queued = new Set((await q<{ item_id: string }>("SELECT item_id FROM near_backfill")).map((r) => r.item_id));
  const bySig = new Map<number, number[]>();
  for (const b of bands) bySig.set(b.signature_id, [...(bySig.get(b.signature_id) ?? []), b.key]);
  const byItem = new Map<string, typeof sigs>();
  for (const s of sigs) {
    const id = bytesToUuid(bytes(s.item_id));
    byItem.set(id, [...(byItem.get(id) ?? []), s]);
  }
  const broken: string[] = [];
  for (const item of items) {
    const expected = signature(comparedText(item.type, item));
    const found = byItem.get(item.id) ?? [];
    byItem.delete(item.id);
    if (!expected) {
      if (found.length) broken.push(item.id);
      continue;
    }
    if (found.length === 0 && queued.has(item.id)) continue;
    const [s] = found;
    const ok =
      found.length === 1 &&
      s!.item_type === itemTypeCode(item.type) &&
      bytes(s!.signature).join() === expected.join() &&
      [...(bySig.get(s!.id) ?? [])].sort().join() === bandKeys(item.type, expected).sort().join();
    if (!ok) broken.push(item.id);
    if (s) bySig.delete(s.id);
    for (const extra of found.slice(1)) bySig.delete(extra.id);
  }
  for (const orphan of byItem.keys()) broken.push(orphan);
  for (const sigId of bySig.keys()) broken.push(`bands of signature ${sigId}`);
  return broken;
}

/**
 * Every invariant at once, keyed by name, for one toEqual. With `within`, only rows about those ids
 * (and no daily rollup): a property run checks its own objects, so one broken run does not make
 * every later one fail and the shrunk counterexample stays the real one.
 */
export async function brokenInvariants(within?: Set<string>) {
  const mine = <T>(rows: T[], id: (row: T) => string) => (within ? rows.filter((r) => within.has(id(r))) : rows);
  return {
    counters: mine(await counterDrift(), (r) => String(r.id)),
    rollup: within ? [] : await rollupDrift(),
    hot: mine(await hotDrift(), (id) => id),
    unindexed: mine(await unindexed(), (r) => String(r.id)),
    keywords: await keywordDrift(),
    near: mine(await nearDrift(), (id) => id),
  };
}

export const HOLDS = { counters: [], rollup: [], hot: [], unindexed: [], keywords: [], near: [] };
