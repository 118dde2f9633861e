import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import type * as schema from "../../schema";
import type { CommentRow } from "../../schema";
import type { CommentView } from "../converters/comment";
import type { PostView } from "../converters/post";
import { authorFields, type CandidateRow, type ContentChecks, type ContentWrites, type TakeDownWrites } from "./posts";
import { first, type Builder, type Portable } from "./portable";

export type CommentSort = "best" | "top" | "new" | "old" | "controversial";

/** Upper bound of comments read for one thread; deeper pages come from the roots cursor. */
export const THREAD_CAP = 2000;

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

/** A thread's shape: its comments' ids and parents, in the requested order, up to THREAD_CAP. */
export type ThreadShape = { id: string; parentId: string | null }[];

export interface CommentStore {
  /** The live post with the writer's ban in its submolt, the parent comment (when replying) and the write's checks; null: no live post. */
  place(postId: string, agentId: string, parentId: string | null, checks: ContentChecks): Promise<CommentPlace | null>;
  /** The comment with the post's, parent's, submolt's and author's counters, its index entry, notifications and audit row, all or nothing. */
  create(comment: NewComment, submoltId: string, writes: ContentWrites): Promise<{ comment: CommentRow; author: PostView["author"] }>;
  view(id: string, viewerId: string | null): Promise<CommentView | null>;
  /** Marks the comment taken down; counts drop and notifications go only if this call did it. */
  takeDown(d: CommentTakeDown): Promise<void>;
  /** The live post's view (null when it is not live) with its thread's shape. */
  postWithShape(postId: string, viewerId: string | null, sort: CommentSort): Promise<{ view: PostView | null; shape: ThreadShape }>;
  /** The thread's shape of a live post; null when the post is not live. */
  shape(postId: string, sort: CommentSort): Promise<ThreadShape | null>;
  /** The views of these comments (any order). */
  views(ids: string[], viewerId: string | null): Promise<CommentView[]>;
  /** A page of an agent's live comments on live posts, newest first, each with its post's title; `limit + 1` rows tell whether more follow. */
  byAuthor(authorId: string, limit: number, offset: number): Promise<(Omit<CommentView, "userVote"> & { postTitle: string })[]>;
}

export function commentOrder(t: typeof schema, sort: CommentSort) {
  const c = t.comments;
  return {
    best: [desc(c.score), asc(c.createdAt)],
    top: [desc(c.score), asc(c.createdAt)],
    new: [desc(c.createdAt)],
    old: [asc(c.createdAt)],
    controversial: [desc(c.controversy), asc(c.createdAt)],
  }[sort];
}

export const shapeQuery = (p: Portable, db: Builder, postId: string, sort: CommentSort) =>
  db
    .select({ id: p.t.comments.id, parentId: p.t.comments.parentId })
    .from(p.t.comments)
    .where(eq(p.t.comments.postId, postId))
    .orderBy(...commentOrder(p.t, sort))
    .limit(THREAD_CAP);

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
export function portableComments(p: Portable): Pick<CommentStore, "view" | "views" | "shape" | "byAuthor"> & { latestBy(author: SQL, viewerId: string | null, limit: number): Promise<CommentView[]> } {
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
    // One bound parameter holds every id (D1 allows 100 parameters per statement).
    views: async (ids, viewerId) => (ids.length ? select(viewerId).where(p.dialect.inList(comments.id, ids, "text")) : []),
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
    async shape(postId, sort) {
      const [exists, shape] = await Promise.all([first(p.db.select({ id: posts.id }).from(posts).where(and(eq(posts.id, postId), sql`${posts.isDeleted} = 0`))), shapeQuery(p, p.db, postId, sort)]);
      return exists ? shape : null;
    },
  };
}
