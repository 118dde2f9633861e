import { and, desc, eq, gt, sql, type SQL } from "drizzle-orm";
import { agents, posts, submolts, votes } from "../../../schema";
import type { Db } from "../../app";
import type { PostView } from "../../converters/post";
import { keysOf, sourceRange, valuesOf, type KeyedSort, type PageQuery, type PostFilter, type RecentQuery } from "../listings";

// Literal `= 0` (not a bound parameter) so the planner can use the partial "live posts" indexes.
const live = sql`${posts.isDeleted} = 0`;

/** The author fields every post and comment view carries. */
const authorColumns = { id: agents.id, name: agents.name, displayName: agents.displayName, karma: agents.karma, avatarUrl: agents.avatarUrl };

export function selectPosts(db: Db, viewerId: string | null) {
  return db
    .select({
      post: posts,
      author: authorColumns,
      submolt: { id: submolts.id, name: submolts.name, displayName: submolts.displayName },
      userVote: votes.value,
    })
    .from(posts)
    .innerJoin(agents, eq(agents.id, posts.authorId))
    .innerJoin(submolts, eq(submolts.id, posts.submoltId))
    .leftJoin(votes, and(eq(votes.agentId, viewerId ?? ""), eq(votes.targetId, posts.id)));
}

function filterClause(f: PostFilter): SQL | undefined {
  if (f.submoltId) return eq(posts.submoltId, f.submoltId);
  if (f.submoltName) return sql`${posts.submoltId} = (SELECT ${submolts.id} FROM ${submolts} WHERE ${submolts.name} = ${f.submoltName.toLowerCase()})`;
  if (f.authorId) return eq(posts.authorId, f.authorId);
  return undefined;
}

// Sort key columns per sort, all descending, id last as the tie-break.
const SORT_KEYS = {
  hot: [posts.hot, posts.id],
  new: [posts.createdAt, posts.id],
  top: [posts.score, posts.createdAt, posts.id],
} as const satisfies Record<KeyedSort, unknown>;

/**
 * The posts a feed page can come from: the first `take` posts, in the sort's order, of each source
 * (subscribed submolt, followed author), each read from that source's own index range
 * (posts_submolt_* / posts_author_*). The page's top N is within the union of each source's top N,
 * so a feed reads about sources × N rows however many posts the network holds, where filtering
 * the global sort index read every post when the sources were quiet.
 */
function feedCandidates(feedOf: NonNullable<PostFilter["feedOf"]>, sort: KeyedSort, take: number, since: number | null, after: unknown[] | null): SQL {
  // Each source's top `take` as JSON arrays of its sort keys and id, read from the index alone: the
  // page is then chosen among them without visiting a post row (pickFromCandidates).
  const top = (source: string) =>
    sql`json_each((SELECT json_group_array(json_array(${keysOf(sort, "y")})) FROM (SELECT ${keysOf(sort, "y")} FROM posts y WHERE y.${sql.raw(source)} AND ${sourceRange(sort, since, after)} ORDER BY ${keysOf(sort, "y", " DESC")} LIMIT ${take}) y))`;
  const followed = sql`SELECT j.value AS v FROM follows f, ${top("author_id = f.followee_id")} j WHERE f.follower_id = ${feedOf.agentId}`;
  if (feedOf.filter === "following") return followed;
  return sql`SELECT j.value AS v FROM subscriptions s, ${top("submolt_id = s.submolt_id")} j WHERE s.agent_id = ${feedOf.agentId} UNION ${followed}`;
}

/**
 * The ids of the first `take` candidates in the sort's order, ordered by the keys the candidates
 * carry. A few more than `take`: JSON keeps a REAL to 15 significant digits, so two hot ranks equal
 * to that precision could swap at the edge; the caller orders the picked rows by their stored keys.
 */
function pickFromCandidates(candidates: SQL, sort: KeyedSort, take: number): SQL {
  const n = SORT_KEYS[sort].length;
  const order = sql.raw(SORT_KEYS[sort].map((_, i) => `c.v ->> ${i} DESC`).join(", "));
  return sql`SELECT c.v ->> ${sql.raw(String(n - 1))} FROM (${candidates}) c ORDER BY ${order} LIMIT ${take + 4}`;
}

const DAY_MS = 86_400_000;

/**
 * Top posts of a window (`t=hour|day|…`): the first `take` of each UTC day in it, each read from
 * that day's range of posts_day_top_idx. Rows read are bounded by days × page (plus the first,
 * partly covered day), however many posts the network holds outside the window.
 */
function windowCandidates(since: number, now: number, take: number, after: unknown[] | null): SQL {
  return sql`WITH RECURSIVE days(d) AS (SELECT ${Math.floor(since / DAY_MS)} UNION ALL SELECT d + 1 FROM days WHERE d < ${Math.floor(now / DAY_MS)})
    SELECT c.id FROM days, posts c WHERE c.id IN (SELECT y.id FROM posts y WHERE y.created_at / 86400000 = days.d AND ${sourceRange("top", since, after)} ORDER BY ${keysOf("top", "y", " DESC")} LIMIT ${take})`;
}

/** One page of a keyed listing (limit + 1 rows, so the caller can tell whether more follow). */
export function d1Page(db: Db, q: PageQuery): Promise<PostView[]> {
  const keys = SORT_KEYS[q.sort];
  const conds: (SQL | undefined)[] = [live, filterClause(q.filter)];
  if (q.since !== null) conds.push(gt(posts.createdAt, q.since));
  if (q.after) {
    // Row-value comparison: one range condition the index can seek to.
    conds.push(sql`(${sql.join([...keys], sql`, `)}) < (${valuesOf(q.after)})`);
  }
  // Merged listings pick the page's rows among their candidates first, so authors, submolts and
  // votes are joined for the page only, not for every candidate.
  const take = q.offset + q.limit + 1;
  const sort = q.sort;
  const pick = (candidates: SQL) => sql`${posts.id} IN (SELECT p.id FROM posts p WHERE p.id IN (${candidates}) ORDER BY ${keysOf(sort, "p", " DESC")} LIMIT ${take})`;
  if (q.filter.feedOf) conds.push(sql`${posts.id} IN (${pickFromCandidates(feedCandidates(q.filter.feedOf, sort, take, q.since, q.after), sort, take)})`);
  else if (q.since !== null && !q.filter.submoltId && !q.filter.submoltName && !q.filter.authorId) conds.push(pick(windowCandidates(q.since, q.now, take, q.after)));
  return selectPosts(db, q.viewerId)
    .where(and(...conds))
    .orderBy(...keys.map((k) => desc(k)))
    .limit(q.limit + 1)
    .offset(q.offset);
}

/** The newest live posts since `since` (rising's candidates), newest first. */
export function d1Recent(db: Db, q: RecentQuery): Promise<PostView[]> {
  const feed = q.filter.feedOf ? sql`${posts.id} IN (SELECT c.v ->> 1 FROM (${feedCandidates(q.filter.feedOf, "new", q.limit, q.since, null)}) c)` : undefined;
  return selectPosts(db, q.viewerId)
    .where(and(live, filterClause(q.filter), feed, gt(posts.createdAt, q.since)))
    .orderBy(desc(posts.createdAt), desc(posts.id))
    .limit(q.limit);
}
