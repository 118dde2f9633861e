import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { CommentRow } from "../../schema";
import type { CommentView } from "../converters/comment";
import type { PostView } from "../converters/post";
import { rowValues } from "./insert-select";
import { authorFields, livePosts, type Published, type TakeDownWrites } from "./posts";
import { first, type Builder, type Portable } from "./portable";
import type { ThreadRequest, ThreadRows } from "./thread";

export type CommentSort = "best" | "top" | "new" | "old" | "controversial";

export interface CommentPlace {
  post: { id: string; submoltId: string; authorId: string; isLocked: boolean; submoltName: string; ban: { reason: string | null } | null };
  parent: { postId: string; depth: number; isDeleted: boolean; authorId: string } | null;
}

/** A new comment's own columns; its depth is its parent's plus one, found in the write itself. */
export type NewComment = Pick<CommentRow, "id" | "postId" | "parentId" | "authorId" | "content" | "contentHash" | "flags" | "flagDetails" | "createdAt" | "updatedAt">;

export interface CommentTakeDown extends TakeDownWrites {
  comment: Pick<CommentRow, "id" | "postId" | "authorId">;
}

export interface CommentStore {
  /** The live post with the writer's ban in its submolt and the parent comment (when replying); null: no live post. */
  place(postId: string, agentId: string, parentId: string | null): Promise<CommentPlace | null>;
  /**
   * The comment with the post's, parent's, submolt's and author's counters, with
   * its checks (a live, unlocked post; no ban in its submolt; a parent on the same post, less than
   * `maxDepth` deep) in the same write: all or nothing, one D1 call. Answers the row and its author
   * as written, or the place as it read when a check refused it.
   */
  publish(comment: NewComment, maxDepth: number): Promise<Published<{ comment: CommentRow }, CommentPlace>>;
  view(id: string, viewerId: string | null): Promise<CommentView | null>;
  /** Marks the comment taken down; counts drop and notifications go only if this call did it. */
  takeDown(d: CommentTakeDown): Promise<void>;
  /** A page of a thread (store/thread.ts) with whether its post is live and what its list counts. */
  thread(r: ThreadRequest): Promise<ThreadRows>;
  /** The live post's view (null when it is not live) with the first page of its thread. */
  postWithThread(r: ThreadRequest): Promise<{ view: PostView | null; thread: ThreadRows }>;
  /** A page of an agent's live comments on live posts, newest first, each with its post's title; `limit + 1` rows tell whether more follow. */
  byAuthor(authorId: string, limit: number, offset: number): Promise<(Omit<CommentView, "userVote"> & { postTitle: string })[]>;
}

/** Whether a thread's post is live and what its list counts (the post's comments, or the parent's replies on this post). */
export const threadHeadQuery = (p: Portable, db: Builder, r: ThreadRequest) => {
  const { posts } = p.t;
  return db
    .select({
      live: sql<number>`CASE WHEN ${posts.isDeleted} = 0 THEN 1 ELSE 0 END`,
      postTotal: posts.commentCount,
      parentTotal: r.parentId === null ? sql<null>`NULL` : sql<number | null>`(SELECT c.reply_count FROM comments c WHERE c.id = ${r.parentId} AND c.post_id = ${r.postId})`,
    })
    .from(posts)
    .where(eq(posts.id, r.postId));
};

type HeadRow = Awaited<ReturnType<typeof threadHeadQuery>>[number];

/** The head and the page's views as ThreadRows. */
export function toThreadRows(r: ThreadRequest, head: HeadRow | undefined, views: CommentView[]): ThreadRows {
  const post = Number(head?.live) === 1;
  const total = !head ? null : r.parentId === null ? Number(head.postTotal) : head.parentTotal === null ? null : Number(head.parentTotal);
  return { post, total, views: post && total !== null ? views : [] };
}

export function placeQueries(p: Portable, db: Builder, postId: string, agentId: string, parentId: string | null) {
  const { posts, comments, submolts, submoltBans } = p.t;
  const post = db
    .select({
      id: posts.id,
      submoltId: posts.submoltId,
      authorId: posts.authorId,
      isLocked: posts.isLocked,
      ban: sql<string | null>`(SELECT ${p.dialect.jsonObject({ reason: sql`reason` })} FROM ${submoltBans} WHERE ${submoltBans.submoltId} = ${posts.submoltId} AND ${submoltBans.agentId} = ${agentId})`,
      submoltName: sql<string>`(SELECT ${submolts.name} FROM ${submolts} WHERE ${submolts.id} = ${posts.submoltId})`,
    })
    .from(posts)
    .where(and(eq(posts.id, postId), sql`${posts.isDeleted} = 0`));
  const parent = db
    .select({ postId: comments.postId, depth: comments.depth, isDeleted: comments.isDeleted, authorId: comments.authorId })
    .from(comments)
    .where(eq(comments.id, parentId ?? ""));
  return { post, parent };
}

type PlaceRow = Omit<CommentPlace["post"], "ban"> & { ban: string | null };

export function toCommentPlace(post: PlaceRow | undefined, parent: CommentPlace["parent"] | undefined): CommentPlace | null {
  if (!post) return null;
  return { post: { ...post, ban: post.ban === null ? null : (JSON.parse(post.ban) as { reason: string | null }) }, parent: parent ?? null };
}

/**
 * The new comment as one INSERT … SELECT whose FROM is its checks: the live, unlocked post, no ban of
 * the writer in its submolt, and (replying) the parent on the same post with room below it; its
 * depth is the parent's plus one. Inserts nothing when a check fails (the caller reads why from
 * placeQueries in the same batch); the exact-repeat trigger still aborts a repeat.
 */
export function insertCheckedComment(p: Portable, db: Builder, comment: NewComment, maxDepth: number) {
  const { posts, comments, submoltBans } = p.t;
  const parent = comment.parentId;
  const depth = parent === null ? sql`0` : sql`(SELECT pc.depth + 1 FROM ${comments} pc WHERE pc.id = ${parent})`;
  const fits = parent === null ? sql`` : sql` AND EXISTS (SELECT 1 FROM ${comments} pc WHERE pc.id = ${parent} AND pc.post_id = ${posts.id} AND pc.depth < ${maxDepth})`;
  return db
    .insert(comments)
    .select(
      sql`SELECT ${rowValues(comments, comment, { depth })} FROM ${posts}
          WHERE ${posts.id} = ${comment.postId} AND ${livePosts(p)} AND ${eq(posts.isLocked, false)}
            AND NOT EXISTS (SELECT 1 FROM ${submoltBans} b WHERE b.submolt_id = ${posts.submoltId} AND b.agent_id = ${comment.authorId})${fits}`,
    )
    .returning();
}

/** The reads both stores spell the same. */
export function portableComments(p: Portable): Pick<CommentStore, "view" | "byAuthor"> & {
  latestBy(author: SQL, viewerId: string | null, limit: number): Promise<CommentView[]>;
} {
  const { comments, agents, votes, posts } = p.t;
  const select = (viewerId: string | null) =>
    p.db
      .select({ comment: comments, author: authorFields(p), userVote: votes.value })
      .from(comments)
      .innerJoin(agents, eq(agents.id, comments.authorId))
      .leftJoin(votes, and(eq(votes.agentId, viewerId ?? ""), eq(votes.targetId, comments.id)));
  return {
    view: (id, viewerId) => first(select(viewerId).where(eq(comments.id, id))),
    /** An author's latest live comments (`author`: a subquery giving the id). */
    latestBy: (author, viewerId, limit) => select(viewerId).where(and(sql`${comments.authorId} = ${author}`, eq(comments.isDeleted, false))).orderBy(desc(comments.createdAt)).limit(limit),
    byAuthor: (authorId, limit, offset) =>
      p.db
        .select({ comment: comments, author: authorFields(p), postTitle: posts.title })
        .from(comments)
        .innerJoin(agents, eq(agents.id, comments.authorId))
        .innerJoin(posts, eq(posts.id, comments.postId))
        .where(and(eq(comments.authorId, authorId), eq(comments.isDeleted, false), eq(posts.isDeleted, false)))
        .orderBy(desc(comments.createdAt))
        .limit(limit)
        .offset(offset),
  };
}
