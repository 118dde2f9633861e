import { and, desc, eq, gt, sql, type SQL } from "drizzle-orm";
import type { PostView } from "../../converters/post";
import { keysOf, sourceRange, valuesOf, type KeyedSort, type ListingStore, type PageQuery, type PostFilter } from "../listings";
import type { Portable } from "../portable";
import { livePosts, viewSelect } from "../posts";

const DAY_MS = 86_400_000;

/**
 * A feed's candidates: the first `take` posts of each source (subscribed submolt, followed author),
 * each from its own index range by a LATERAL join — sources × take rows however many posts the
 * network holds — then the first `take` of those in the sort's order.
 */
function feedCandidates(feedOf: NonNullable<PostFilter["feedOf"]>, sort: KeyedSort, take: number, since: number | null, after: unknown[] | null): SQL {
  const top = (source: string) =>
    sql`LATERAL (SELECT ${keysOf(sort, "y")} FROM posts y WHERE y.${sql.raw(source)} AND ${sourceRange(sort, since, after)} ORDER BY ${keysOf(sort, "y", " DESC")} LIMIT ${take}) c`;
  // Every sort's keys end with id.
  const cols = keysOf(sort, "c");
  const followed = sql`SELECT ${cols} FROM follows f CROSS JOIN ${top("author_id = f.followee_id")} WHERE f.follower_id = ${feedOf.agentId}`;
  const union = feedOf.filter === "following" ? followed : sql`SELECT ${cols} FROM subscriptions s CROSS JOIN ${top("submolt_id = s.submolt_id")} WHERE s.agent_id = ${feedOf.agentId} UNION ${followed}`;
  return sql`SELECT u.id FROM (${union}) u ORDER BY ${keysOf(sort, "u", " DESC")} LIMIT ${take}`;
}

/** Top of a window across the network: each UTC day's first `take` from its range of posts_day_top_idx. */
function windowCandidates(since: number, now: number, take: number, after: unknown[] | null): SQL {
  return sql`SELECT u.id FROM generate_series(${Math.floor(since / DAY_MS)}::bigint, ${Math.floor(now / DAY_MS)}::bigint) d
    CROSS JOIN LATERAL (SELECT ${keysOf("top", "y")} FROM posts y WHERE y.created_at / 86400000 = d AND ${sourceRange("top", since, after)} ORDER BY ${keysOf("top", "y", " DESC")} LIMIT ${take}) u
    ORDER BY ${keysOf("top", "u", " DESC")} LIMIT ${take}`;
}

/** Listings on PostgreSQL: the same index range scans as on D1, merges by LATERAL joins instead of JSON. */
export function pgListings(p: Portable): ListingStore {
  const { posts, submolts } = p.t;
  const select = (viewerId: string | null) => viewSelect(p, viewerId);
  const live = livePosts(p);
  const filterClause = (f: PostFilter): SQL | undefined => {
    if (f.submoltId) return eq(posts.submoltId, f.submoltId);
    if (f.submoltName) return sql`${posts.submoltId} = (SELECT ${submolts.id} FROM ${submolts} WHERE ${submolts.name} = ${f.submoltName.toLowerCase()})`;
    if (f.authorId) return eq(posts.authorId, f.authorId);
    return undefined;
  };
  const keyColumns = { hot: [posts.hot, posts.id], new: [posts.createdAt, posts.id], top: [posts.score, posts.createdAt, posts.id] };
  return {
    async page(q: PageQuery) {
      const keys = keyColumns[q.sort];
      const conds: (SQL | undefined)[] = [live, filterClause(q.filter)];
      if (q.since !== null) conds.push(gt(posts.createdAt, q.since));
      if (q.after) conds.push(sql`(${sql.join(keys, sql`, `)}) < (${valuesOf(q.after)})`);
      const take = q.offset + q.limit + 1;
      if (q.filter.feedOf) conds.push(sql`${posts.id} IN (${feedCandidates(q.filter.feedOf, q.sort, take, q.since, q.after)})`);
      else if (q.since !== null && !q.filter.submoltId && !q.filter.submoltName && !q.filter.authorId) conds.push(sql`${posts.id} IN (${windowCandidates(q.since, q.now, take, q.after)})`);
      return (await select(q.viewerId)
        .where(and(...conds))
        .orderBy(...keys.map((k) => desc(k)))
        .limit(q.limit + 1)
        .offset(q.offset)) as PostView[];
    },
    async recent(q) {
      const feed = q.filter.feedOf ? sql`${posts.id} IN (${feedCandidates(q.filter.feedOf, "new", q.limit, q.since, null)})` : undefined;
      return (await select(q.viewerId)
        .where(and(live, filterClause(q.filter), feed, gt(posts.createdAt, q.since)))
        .orderBy(desc(posts.createdAt), desc(posts.id))
        .limit(q.limit)) as PostView[];
    },
  };
}
