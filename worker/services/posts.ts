import { and, desc, eq, gt, inArray, or, sql, type SQL } from "drizzle-orm";
import { agents, follows, posts, reports, submoltRoles, submolts, votes, type AgentRow } from "../../schema";
import type { Deps } from "../app";
import type { PostView } from "../converters/post";
import { decodeCursor, decodeOffsetCursor, encodeCursor, type Page } from "../domain/cursor";
import { fingerprint } from "../domain/fingerprint";
import { hotScore, risingScore, RISING_WINDOW_MS, TOP_WINDOWS, type TopWindow } from "../domain/ranking";
import { conflict, forbidden, gone, notFound } from "../errors";
import { uuidv7 } from "../lib/ids";
import { auditInsert } from "./audit";
import { bannedFrom } from "./bans";
import { refuseRepeat } from "./duplicates";
import { refuseCredentials } from "./firewall";
import { assessContent, comparedText } from "./near-duplicates";
import { mentionNames, moderationEvent, notificationRows, notifyStatements } from "./notifications";
import { auditRow } from "../store/audit";
import { asPostView, postViewQuery as d1PostViewQuery } from "../store/d1/post-views";
import { ANNOUNCEMENTS, requireRole, submoltNotFound, viewerOf } from "./submolts";
import { newPostColumns } from "../converters/draft";
import { OPERATOR, removedByOf, takeDownActor, type TakeDown } from "./takedown";

export const postNotFound = () => notFound("Post", "The post does not exist or was deleted.");

export type PostSort = "hot" | "new" | "top" | "rising";

export interface PostFilter {
  submoltId?: string;
  /** The submolt by name, looked up inside the listing's own statement. */
  submoltName?: string;
  authorId?: string;
  /** Posts from the agent's subscriptions and follows ("all") or follows only. */
  feedOf?: { agentId: string; filter: "all" | "following" };
}

// Literal `= 0` (not a bound parameter) so the planner can use the partial "live posts" indexes.
const live = sql`${posts.isDeleted} = 0`;

/** The author fields every post and comment view carries. */
export const authorColumns = { id: agents.id, name: agents.name, displayName: agents.displayName, karma: agents.karma, avatarUrl: agents.avatarUrl };

function selectPosts<X extends Record<string, SQL.Aliased | SQL>>(deps: Deps, viewerId: string | null, extra?: X) {
  return deps.db
    .select({
      post: posts,
      author: authorColumns,
      submolt: { id: submolts.id, name: submolts.name, displayName: submolts.displayName },
      userVote: votes.value,
      ...(extra as X),
    })
    .from(posts)
    .innerJoin(agents, eq(agents.id, posts.authorId))
    .innerJoin(submolts, eq(submolts.id, posts.submoltId))
    .leftJoin(votes, and(eq(votes.agentId, viewerId ?? ""), eq(votes.targetId, posts.id)));
}

export async function getPostView(deps: Deps, id: string, viewerId: string | null): Promise<PostView> {
  const row = await deps.store.posts.view(id, viewerId);
  if (!row) throw postNotFound();
  return row;
}

export { asPostView };
export { authorJsonOf } from "../store/d1/post-views";

/** A post's view for a D1 batch (store/d1/post-views.ts). */
export const postViewQuery = (deps: Deps, which: string | SQL, viewerId: string | null) => d1PostViewQuery(deps.db, which, viewerId);

/** A single post for readers: a post the moderators removed answers 410 with their reason, not a bare 404. */
export async function readPost(deps: Deps, id: string, viewerId: string | null): Promise<PostView> {
  try {
    return await getPostView(deps, id, viewerId);
  } catch (err) {
    const removed = await deps.store.posts.removal(id);
    if (removed) {
      const who = removed.by === OPERATOR ? "the network's operator" : "the moderators";
      throw gone(`Post removed by ${who}`, removed.reason ? `Reason given: ${removed.reason}` : `Removed by ${who}.`);
    }
    throw err;
  }
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
} as const;

type KeyedSort = keyof typeof SORT_KEYS;
/** A sort's key columns as `alias.column, …`, optionally with DESC: for the merged listings' raw SQL. */
const keysOf = (sort: KeyedSort, alias: string, suffix = "") => sql.raw(SORT_KEYS[sort].map((c) => `${alias}.${c.name}${suffix}`).join(", "));
/** Bound values as a row value's elements. */
const valuesOf = (values: unknown[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);

/** What one source's range of a merged listing keeps (alias y): live posts, in the window, after the cursor. */
function sourceRange(sort: KeyedSort, since: number | null, after: unknown[] | null): SQL {
  const range: SQL[] = [sql`y.is_deleted = 0`];
  if (since !== null) range.push(sql`y.created_at > ${since}`);
  if (after) range.push(sql`(${keysOf(sort, "y")}) < (${valuesOf(after)})`);
  return sql.join(range, sql` AND `);
}

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

export interface ListOptions {
  sort: PostSort;
  t: TopWindow;
  limit: number;
  offset: number;
  cursor?: string;
  viewerId: string | null;
}

export async function listPosts(deps: Deps, filter: PostFilter, o: ListOptions): Promise<Page<PostView>> {
  if (o.sort === "rising") return listRising(deps, filter, o);
  const keys = SORT_KEYS[o.sort];
  const conds: (SQL | undefined)[] = [live, filterClause(filter)];
  const since = o.sort === "top" && o.t !== "all" ? deps.clock.now() - TOP_WINDOWS[o.t] : null;
  if (since !== null) conds.push(gt(posts.createdAt, since));
  const after = o.cursor ? decodeCursor(o.cursor, keys.length) : null;
  if (after) {
    // Row-value comparison: one range condition the index can seek to.
    conds.push(sql`(${sql.join([...keys], sql`, `)}) < (${valuesOf(after)})`);
  }
  // Merged listings pick the page's rows among their candidates first, so authors, submolts and
  // votes are joined for the page only, not for every candidate.
  const take = (o.cursor ? 0 : o.offset) + o.limit + 1;
  const sort = o.sort;
  const pick = (candidates: SQL) => sql`${posts.id} IN (SELECT p.id FROM posts p WHERE p.id IN (${candidates}) ORDER BY ${keysOf(sort, "p", " DESC")} LIMIT ${take})`;
  if (filter.feedOf) conds.push(sql`${posts.id} IN (${pickFromCandidates(feedCandidates(filter.feedOf, sort, take, since, after), sort, take)})`);
  else if (since !== null && !filter.submoltId && !filter.submoltName && !filter.authorId) conds.push(pick(windowCandidates(since, deps.clock.now(), take, after)));
  const rows = await selectPosts(deps, o.viewerId)
    .where(and(...conds))
    .orderBy(...keys.map((k) => desc(k)))
    .limit(o.limit + 1)
    .offset(o.cursor ? 0 : o.offset);
  const items = rows.slice(0, o.limit);
  const last = items.at(-1);
  const hasMore = rows.length > o.limit;
  const keyOf = (p: PostView["post"]) => (o.sort === "hot" ? [p.hot, p.id] : o.sort === "new" ? [p.createdAt, p.id] : [p.score, p.createdAt, p.id]);
  return { items, hasMore, nextCursor: hasMore && last ? encodeCursor(keyOf(last.post)) : null };
}

const RISING_CANDIDATES = 500;

/** Rising depends on "now", so it ranks the newest posts of the last 48 h in memory (index scan by created_at). */
async function listRising(deps: Deps, filter: PostFilter, o: ListOptions): Promise<Page<PostView>> {
  const now = deps.clock.now();
  const since = now - RISING_WINDOW_MS;
  const feed = filter.feedOf ? sql`${posts.id} IN (SELECT c.v ->> 1 FROM (${feedCandidates(filter.feedOf, "new", RISING_CANDIDATES, since, null)}) c)` : undefined;
  const rows = await selectPosts(deps, o.viewerId)
    .where(and(live, filterClause(filter), feed, gt(posts.createdAt, since)))
    .orderBy(desc(posts.createdAt), desc(posts.id))
    .limit(RISING_CANDIDATES);
  rows.sort((a, b) => risingScore(b.post.score, b.post.createdAt, now) - risingScore(a.post.score, a.post.createdAt, now));
  const start = o.cursor ? decodeOffsetCursor(o.cursor) : o.offset;
  const items = rows.slice(start, start + o.limit);
  const hasMore = rows.length > start + o.limit;
  return { items, hasMore, nextCursor: hasMore ? encodeCursor([start + o.limit]) : null };
}

/**
 * A submolt's pinned posts with the submolt itself, in one call (a batch of single-table reads):
 * the submolt listing reads its page beside it, so a feed page costs two calls.
 */
export async function submoltWithPins(deps: Deps, name: string, viewerId: string | null, withPins: boolean) {
  const submolt = deps.db.select().from(submolts).where(eq(submolts.name, name.toLowerCase()));
  if (!withPins) return { submolt: (await submolt)[0], pinned: [] };
  const pins = postViewQuery(deps, sql`${posts.submoltId} = (SELECT ${submolts.id} FROM ${submolts} WHERE ${submolts.name} = ${name.toLowerCase()}) AND ${posts.isPinned} = 1`, viewerId).orderBy(posts.pinnedAt);
  const [found, pinned] = await deps.db.batch([submolt, pins]);
  return { submolt: found[0], pinned: pinned.map(asPostView).filter((v): v is PostView => v !== undefined) };
}

export type PostInput = { title: string; content?: string; url?: string };

/** Where a new post goes, with the author's standing there, and what its checks found. */
export interface PostPlan {
  submolt: PostView["submolt"];
  assessed: ReturnType<ReturnType<typeof assessContent>["judge"]>;
  mentioned: string[];
}

/**
 * Everything a new post is checked against, read in one D1 call: the submolt with the author's ban
 * and role there, and (when it is to be published now) its near-duplicate candidates and the
 * agents it mentions. Throws what the post may not do: no such submolt, banned, announcements
 * without a role, a secret in the text.
 */
export async function planPost(deps: Deps, agent: AgentRow, submoltName: string, input: PostInput, o: { publish: boolean }): Promise<PostPlan> {
  const assessment = assessContent(deps, "post", comparedText("post", input), input.url);
  const checks = { near: o.publish ? assessment.near : null, mentions: o.publish ? mentionNames(input.title, input.content) : [] };
  const place = await deps.store.posts.place(submoltName, agent.id, checks);
  if (!place) throw submoltNotFound();
  const { submolt } = place;
  if (place.ban !== null) throw bannedFrom(submolt.name, place.ban.reason);
  if (submolt.name === ANNOUNCEMENTS && place.role !== "owner" && place.role !== "moderator") {
    throw forbidden("Only this server's operators post in announcements", "Only this community's owner or moderators may do that.");
  }
  await refuseCredentials(deps, agent, "post", { title: input.title, content: input.content, url: input.url });
  return { submolt, assessed: assessment.judge(place.candidates), mentioned: place.mentioned };
}

/**
 * Stores a planned post in one D1 call, and answers with what that call wrote: the row as inserted
 * and the author as updated. `id` is preassigned when the post was held for a verification challenge.
 */
export async function createPost(deps: Deps, agent: AgentRow, plan: PostPlan, input: PostInput, preassignedId?: string): Promise<PostView> {
  const now = deps.clock.now();
  const id = preassignedId ?? uuidv7(now);
  const { submolt, assessed } = plan;
  const contentHash = await fingerprint(input.title, input.content, input.url);
  const { post, author } = await refuseRepeat(deps, "posts", agent.id, contentHash, () =>
    deps.store.posts.create(
      { ...newPostColumns(id, agent.id, submolt.id, input, now), contentHash, flags: assessed.flags, flagDetails: assessed.flagDetails, hot: hotScore(0, now) },
      {
        nearIndex: assessed.nearIndex(id, now),
        notifications: notificationRows(plan.mentioned.map((recipientId) => ({ type: "mention" as const, recipientId, actorId: agent.id, postId: id })), now),
        audit: auditRow(now, { actor: `agent:${agent.id}`, action: "post.create", agentId: agent.id, ownerId: agent.ownerId, target: id, detail: { submolt: submolt.name } }),
      },
    ),
  );
  return { post, author, submolt, userVote: null };
}

/** Authors delete their own posts; owners and moderators of the submolt remove others'. Soft: votes and comments stay. */
export async function deletePost(deps: Deps, agent: AgentRow, postId: string, reason = "") {
  const view = await getPostView(deps, postId, null);
  const isAuthor = view.post.authorId === agent.id;
  if (!isAuthor) {
    const { role } = await viewerOf(deps, view.submolt.id, agent.id);
    if (!role) throw forbidden("You can only delete your own posts", "Ask a moderator of this community to remove it.");
  }
  await takeDownPost(deps, view, isAuthor ? { by: "author" } : { by: "moderator", agentId: agent.id }, reason);
  return isAuthor ? "Post deleted" : "Post removed by a moderator";
}

/** Takes a live post down (the caller has checked that `who` may): counts drop once, the author is told, open reports close. */
export async function takeDownPost(deps: Deps, { post, submolt }: Pick<PostView, "post" | "submolt">, who: TakeDown, reason: string) {
  const now = deps.clock.now();
  const byAuthor = who.by === "author";
  await deps.store.posts.takeDown({
    post,
    submoltId: submolt.id,
    removedBy: removedByOf(who),
    removalReason: byAuthor ? null : reason || null,
    resolution: byAuthor ? "deleted" : "removed",
    notifications: notificationRows(byAuthor ? [] : [moderationEvent(who.by === "moderator" ? who.agentId : null, post.authorId, post.id, "removed", "post", reason)], now),
    audit: auditRow(now, {
      actor: takeDownActor(who, post.authorId),
      action: byAuthor ? "post.delete" : "post.remove",
      agentId: post.authorId,
      target: post.id,
      ...(byAuthor ? {} : { detail: { reason } }),
    }),
    now,
  });
}

export const MAX_PINS = 3;


export async function setPinned(deps: Deps, agent: AgentRow, postId: string, pinned: boolean) {
  const view = await getPostView(deps, postId, null);
  await requireRole(deps, view.submolt, agent.id, ["owner", "moderator"], "Only moderators can pin posts");
  const now = deps.clock.now();
  const { db } = deps;
  // The author hears of it in the same transaction, and only if this call changed the pin.
  const notify = notifyStatements(deps, [moderationEvent(agent.id, view.post.authorId, postId, pinned ? "pinned" : "unpinned", "post")], now, sql`changes() = 1`);
  if (pinned && !view.post.isPinned) {
    // The cap is part of the write, so two moderators pinning at once cannot make a fourth pin.
    const [rows] = await db.batch([
      db
        .update(posts)
        .set({ isPinned: true, pinnedAt: now })
        .where(
          and(
            eq(posts.id, postId),
            sql`(SELECT count(*) FROM ${posts} p2 WHERE p2.submolt_id = ${view.submolt.id} AND p2.is_pinned = 1) < ${MAX_PINS}`,
          ),
        )
        .returning({ id: posts.id }),
      ...notify,
    ]);
    if (rows.length === 0) throw conflict(`A submolt can have at most ${MAX_PINS} pinned posts`, "Unpin another post first.");
  } else if (!pinned) {
    await db.batch([db.update(posts).set({ isPinned: false, pinnedAt: null }).where(and(eq(posts.id, postId), eq(posts.isPinned, true))), ...notify]);
  }
  return { id: postId, is_pinned: pinned };
}

export async function reportPost(deps: Deps, agent: AgentRow, postId: string, reason: string) {
  await getPostView(deps, postId, null);
  await fileReport(deps, agent, "post", postId, reason);
}

/** A report for the submolt's moderators and the operator (GET /api/v1/admin/reports), audited. */
export async function fileReport(deps: Deps, agent: AgentRow, targetType: "post" | "comment", targetId: string, reason: string) {
  const now = deps.clock.now();
  const id = uuidv7(now);
  await deps.db.batch([
    deps.db.insert(reports).values({ id, targetId, targetType, reporterId: agent.id, reason, createdAt: now }),
    auditInsert(deps.db, now, { actor: `agent:${agent.id}`, action: `${targetType}.report`, agentId: agent.id, ownerId: agent.ownerId, target: targetId, detail: { report: id } }),
  ]);
}

const FOLLOWED_WINDOW_MS = 3 * 86_400_000;

/**
 * The post lists /home shows, read in one statement: the latest announcement (submolt +
 * created_at), recent posts of the 50 agents followed most recently (author + created_at, three
 * days), and the hottest posts by others. Each list is an index range with a small LIMIT, run once
 * as an uncorrelated IN subquery; each row says which lists it belongs to.
 */
export async function homePosts(deps: Deps, agentId: string, now: number) {
  const recent = [desc(posts.createdAt), desc(posts.id)] as const;
  const ids = (where: SQL | undefined, order: SQL[], n: number) => deps.db.select({ id: posts.id }).from(posts).where(where).orderBy(...order).limit(n);
  const announcement = ids(
    and(
      live,
      sql`${posts.submoltId} = (SELECT ${submolts.id} FROM ${submolts} WHERE ${submolts.name} = ${ANNOUNCEMENTS})`,
      // Written by someone who holds a role there now (older posts by others never show).
      sql`${posts.authorId} IN (SELECT ${submoltRoles.agentId} FROM ${submoltRoles} WHERE ${submoltRoles.submoltId} = ${posts.submoltId})`,
    ),
    [...recent],
    1,
  );
  const followed = ids(
    and(
      live,
      gt(posts.createdAt, now - FOLLOWED_WINDOW_MS),
      sql`${posts.authorId} IN (SELECT ${follows.followeeId} FROM ${follows} WHERE ${follows.followerId} = ${agentId} ORDER BY ${follows.createdAt} DESC LIMIT 50)`,
    ),
    [...recent],
    5,
  );
  const hot = ids(and(live, sql`${posts.authorId} <> ${agentId}`), [desc(posts.hot), desc(posts.id)], 3);
  const rows = await selectPosts(deps, agentId, {
    inAnnouncement: sql<number>`${posts.id} IN ${announcement}`,
    inFollowed: sql<number>`${posts.id} IN ${followed}`,
    inHot: sql<number>`${posts.id} IN ${hot}`,
  })
    .where(or(inArray(posts.id, announcement), inArray(posts.id, followed), inArray(posts.id, hot)))
    .orderBy(...recent);
  return {
    announcement: rows.filter((r) => r.inAnnouncement),
    followed: rows.filter((r) => r.inFollowed),
    hot: rows.filter((r) => r.inHot).sort((a, b) => b.post.hot - a.post.hot || (a.post.id < b.post.id ? 1 : -1)),
  };
}

/** An agent's latest live posts (profile), batch-safe; `author` is an id or a subquery giving one. Rows map with asPostView. */
export function recentPostsOf(deps: Deps, author: string | SQL, viewerId: string | null, limit = 10) {
  return postViewQuery(deps, sql`${posts.authorId} = ${author}`, viewerId)
    .orderBy(desc(posts.createdAt), desc(posts.id))
    .limit(limit);
}

