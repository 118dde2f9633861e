import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { CommentRow } from "../../schema";
import type { CommentView } from "../converters/comment";
import type { PostView } from "../converters/post";
import { authorFields, type CandidateRow, type ContentChecks, type ContentWrites, type TakeDownWrites } from "./posts";
import { first, type Builder, type Portable } from "./portable";
import type { ThreadRequest, ThreadRows } from "./thread";

export type CommentSort = "best" | "top" | "new" | "old" | "controversial";

export interface CommentPlace {
  post: { id: string; submoltId: string; authorId: string; isLocked: boolean; submoltName: string; ban: { reason: string | null } | null };
  parent: { postId: string; depth: number; isDeleted: boolean; authorId: string } | null;
  candidates: CandidateRow[];
  mentioned: string[];
}

export type NewComment = Pick<CommentRow, "id" | "postId" | "parentId" | "authorId" | "content" | "contentHash" | "flags" | "flagDetails" | "depth" | "createdAt" | "updatedAt">;

export interface CommentTakeDown extends TakeDownWrites {
  comment: Pick<CommentRow, "id" | "postId" | "authorId">;
}

export interface CommentStore {
  /** The live post with the writer's ban in its submolt, the parent comment (when replying) and the write's checks; null: no live post. */
  place(postId: string, agentId: string, parentId: string | null, checks: ContentChecks): Promise<CommentPlace | null>;
  /** The comment with the post's, parent's, submolt's and author's counters, its index entry, notifications and audit row, all or nothing. */
  create(comment: NewComment, submoltId: string, writes: ContentWrites): Promise<{ comment: CommentRow; author: PostView["author"] }>;
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

export function toCommentPlace(post: PlaceRow | undefined, parent: CommentPlace["parent"] | undefined, candidates: CandidateRow[], mentioned: { id: string }[]): CommentPlace | null {
  if (!post) return null;
  return { post: { ...post, ban: post.ban === null ? null : (JSON.parse(post.ban) as { reason: string | null }) }, parent: parent ?? null, candidates, mentioned: mentioned.map((m) => m.id) };
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
