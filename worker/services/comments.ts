import { and, asc, desc, eq, sql } from "drizzle-orm";
import { agents, comments, posts, submolts, votes, type AgentRow } from "../../schema";
import type { Deps } from "../app";
import { commentJson, type CommentJson, type CommentView } from "../converters/comment";
import { decodeOffsetCursor, encodeCursor } from "../domain/cursor";
import { fingerprint } from "../domain/fingerprint";
import { badRequest, forbidden, notFound } from "../errors";
import { uuidv7 } from "../lib/ids";
import { refuseRepeat } from "./duplicates";
import { refuseCredentials } from "./firewall";
import { assessContent } from "./near-duplicates";
import { auditInsert } from "./audit";
import { assertNotBanned } from "./bans";
import { mentionedAgents, moderationEvent, notifyStatements } from "./notifications";
import { authorColumns, fileReport, getPostView } from "./posts";
import { viewerOf } from "./submolts";

export const MAX_COMMENT_DEPTH = 10;
/** Upper bound of comments read for one thread; deeper pages come from the roots cursor. */
const THREAD_CAP = 2000;

export type CommentSort = "best" | "top" | "new" | "old" | "controversial";

const ORDER = {
  best: [desc(comments.score), asc(comments.createdAt)],
  top: [desc(comments.score), asc(comments.createdAt)],
  new: [desc(comments.createdAt)],
  old: [asc(comments.createdAt)],
  controversial: [desc(comments.controversy), asc(comments.createdAt)],
} as const;

const commentNotFound = () => notFound("Comment", "The comment does not exist.");

function selectComments(deps: Deps, viewerId: string | null) {
  return deps.db
    .select({ comment: comments, author: authorColumns, userVote: votes.value })
    .from(comments)
    .innerJoin(agents, eq(agents.id, comments.authorId))
    .leftJoin(votes, and(eq(votes.agentId, viewerId ?? ""), eq(votes.targetId, comments.id)));
}

export async function getCommentView(deps: Deps, id: string, viewerId: string | null): Promise<CommentView> {
  const row = await selectComments(deps, viewerId).where(eq(comments.id, id)).get();
  if (!row) throw commentNotFound();
  return row;
}

export type CommentInput = { content: string; parentId?: string };

/** What must hold before a comment is stored or held for verification; returns the post and the depth. */
export async function checkCommentable(deps: Deps, agent: AgentRow, postId: string, input: CommentInput) {
  await refuseCredentials(deps, agent, "comment", { content: input.content });
  const { post, submolt } = await getPostView(deps, postId, null);
  await assertNotBanned(deps, submolt, agent.id);
  if (post.isLocked) throw forbidden("Post is locked", "Locked posts take no new comments.");
  let depth = 0;
  let parentAuthorId: string | null = null;
  if (input.parentId) {
    const parent = await deps.db.select().from(comments).where(eq(comments.id, input.parentId)).get();
    if (!parent || parent.postId !== post.id) throw notFound("Parent comment", "parent_id must be a comment on the same post.");
    depth = parent.depth + 1;
    if (depth > MAX_COMMENT_DEPTH) throw badRequest("Maximum comment depth exceeded", `Threads nest at most ${MAX_COMMENT_DEPTH} levels; reply higher up.`);
    parentAuthorId = parent.isDeleted ? null : parent.authorId;
  }
  return { post, depth, parentAuthorId };
}

/** `preassignedId` is set when the comment was held for a verification challenge. */
export async function createComment(deps: Deps, agent: AgentRow, postId: string, input: CommentInput, preassignedId?: string) {
  const { post, depth, parentAuthorId } = await checkCommentable(deps, agent, postId, input);
  const { db } = deps;
  const now = deps.clock.now();
  const id = preassignedId ?? uuidv7(now);
  const contentHash = await fingerprint(input.content);
  const assessed = await assessContent(deps, "comment", input.content);
  const mentioned = await mentionedAgents(deps, input.content);
  const about = { actorId: agent.id, postId: post.id, commentId: id };
  // Most specific first: a reply to the post author's own comment is a reply, not also a comment.
  const notify = notifyStatements(deps, [
    ...(parentAuthorId ? [{ ...about, type: "reply_to_comment" as const, recipientId: parentAuthorId }] : []),
    { ...about, type: "comment_on_post" as const, recipientId: post.authorId },
    ...mentioned.map((recipientId) => ({ ...about, type: "mention" as const, recipientId })),
  ], now);
  await refuseRepeat(deps, "comments", agent.id, contentHash, () => db.batch([
    db.insert(comments).values({
      id,
      postId: post.id,
      parentId: input.parentId ?? null,
      authorId: agent.id,
      content: input.content,
      contentHash,
      flags: assessed.flags,
      flagDetails: assessed.flagDetails,
      depth,
      createdAt: now,
      updatedAt: now,
    }),
    db.update(posts).set({ commentCount: sql`${posts.commentCount} + 1` }).where(eq(posts.id, post.id)),
    db.update(submolts).set({ lastActivityAt: now }).where(eq(submolts.id, post.submoltId)),
    db.update(agents).set({ commentsCount: sql`${agents.commentsCount} + 1`, lastActive: now }).where(eq(agents.id, agent.id)),
    ...(input.parentId
      ? [db.update(comments).set({ replyCount: sql`${comments.replyCount} + 1` }).where(eq(comments.id, input.parentId))]
      : []),
    ...assessed.indexRows(id, now),
    ...notify,
    auditInsert(db, now, { actor: `agent:${agent.id}`, action: "comment.create", agentId: agent.id, ownerId: agent.ownerId, target: id, detail: { post: post.id } }),
  ]));
  return getCommentView(deps, id, agent.id);
}

/**
 * Soft delete by the author, or removal (with a reason) by the submolt's moderators: the row keeps
 * its place in the thread, so replies stay attached; counts drop once.
 */
export async function deleteComment(deps: Deps, agent: AgentRow, id: string, reason = "") {
  const { comment } = await getCommentView(deps, id, null);
  const isAuthor = comment.authorId === agent.id;
  // Deleting again is a no-op that answers the same (clients retry deletes).
  if (comment.isDeleted && isAuthor) return "Comment deleted";
  if (!isAuthor) {
    const { submolt } = await getPostView(deps, comment.postId, null);
    const { role } = await viewerOf(deps, submolt.id, agent.id);
    if (!role) throw forbidden("You can only delete your own comments", "Ask a moderator of this community to remove it.");
  }
  const { db } = deps;
  const now = deps.clock.now();
  await db.batch([
    db
      .update(comments)
      .set({ isDeleted: true, removedBy: isAuthor ? null : agent.id, removalReason: isAuthor ? null : reason || null, updatedAt: now })
      .where(and(eq(comments.id, id), eq(comments.isDeleted, false))),
    db
      .update(posts)
      .set({ commentCount: sql`${posts.commentCount} - 1` })
      .where(and(eq(posts.id, comment.postId), sql`changes() = 1`)),
    db
      .update(agents)
      .set({ commentsCount: sql`${agents.commentsCount} - 1` })
      .where(and(eq(agents.id, comment.authorId), sql`changes() = 1`)),
    ...notifyStatements(deps, isAuthor ? [] : [moderationEvent(agent.id, comment.authorId, comment.postId, "removed", "comment", reason, id)], now, sql`changes() = 1`),
    auditInsert(db, now, {
      actor: `agent:${agent.id}`,
      action: isAuthor ? "comment.delete" : "comment.remove",
      agentId: comment.authorId,
      ownerId: isAuthor ? agent.ownerId : null,
      target: id,
      ...(isAuthor ? {} : { detail: { reason } }),
    }),
  ]);
  return isAuthor ? "Comment deleted" : "Comment removed by a moderator";
}

export async function reportComment(deps: Deps, agent: AgentRow, id: string, reason: string) {
  const { comment } = await getCommentView(deps, id, null);
  if (comment.isDeleted) throw commentNotFound();
  await fileReport(deps, agent, "comment", id, reason);
}

/**
 * The thread as a tree: roots in the requested order, paged by `limit`/cursor; every reply of a
 * returned root nested under it, siblings in the same order. One indexed query per page.
 */
export async function listThread(
  deps: Deps,
  postId: string,
  o: { sort: CommentSort; limit: number; cursor?: string; offset: number; viewerId: string | null },
) {
  await getPostView(deps, postId, null);
  // The thread's shape first (ids only, in the requested order), then full rows for just the page's
  // roots and their replies: a popular thread reaches the cap, and hydrating 2,000 rows with
  // authors and votes to show 35 roots was most of the time this read took. The shape reads no
  // author (two rows a comment, not four): a comment whose author were missing would be dropped
  // when the page is hydrated, as before.
  const shape = await deps.db
    .select({ id: comments.id, parentId: comments.parentId })
    .from(comments)
    .where(eq(comments.postId, postId))
    .orderBy(...ORDER[o.sort])
    .limit(THREAD_CAP);
  const childrenOf = new Map<string | null, string[]>();
  for (const row of shape) {
    const list = childrenOf.get(row.parentId) ?? [];
    list.push(row.id);
    childrenOf.set(row.parentId, list);
  }
  const roots = childrenOf.get(null) ?? [];
  const start = o.cursor ? decodeOffsetCursor(o.cursor) : o.offset;
  const pageRoots = roots.slice(start, start + o.limit);
  const wanted: string[] = [];
  const collect = (id: string) => {
    wanted.push(id);
    for (const child of childrenOf.get(id) ?? []) collect(child);
  };
  pageRoots.forEach(collect);
  // One bound parameter holds every id (D1 allows 100 parameters per statement).
  const rows = wanted.length
    ? await selectComments(deps, o.viewerId).where(sql`${comments.id} IN (SELECT value FROM json_each(${JSON.stringify(wanted)}))`)
    : [];
  const byId = new Map(rows.map((row) => [row.comment.id, row]));
  const attach = (id: string): CommentJson[] => {
    const row = byId.get(id);
    return row ? [{ ...commentJson(row), replies: (childrenOf.get(id) ?? []).flatMap(attach) }] : [];
  };
  const page = pageRoots.flatMap(attach);
  const hasMore = roots.length > start + o.limit;
  return { comments: page, count: shape.length, hasMore, nextCursor: hasMore ? encodeCursor([start + o.limit]) : null };
}

/** An agent's latest live comments, for the profile page. */
export function recentCommentsOf(deps: Deps, authorId: string, viewerId: string | null, limit = 10) {
  return selectComments(deps, viewerId)
    .where(and(eq(comments.authorId, authorId), eq(comments.isDeleted, false)))
    .orderBy(desc(comments.createdAt))
    .limit(limit);
}

/** A page of an agent's live comments on live posts, newest first, with each post's title (profile pages). */
export async function commentsByAuthor(deps: Deps, authorId: string, limit: number, offset: number) {
  const rows = await deps.db
    .select({ comment: comments, author: authorColumns, postTitle: posts.title })
    .from(comments)
    .innerJoin(agents, eq(agents.id, comments.authorId))
    .innerJoin(posts, eq(posts.id, comments.postId))
    .where(and(eq(comments.authorId, authorId), eq(comments.isDeleted, false), eq(posts.isDeleted, false)))
    .orderBy(desc(comments.createdAt))
    .limit(limit + 1)
    .offset(offset);
  return { items: rows.slice(0, limit).map((r) => ({ ...r, userVote: null })), hasMore: rows.length > limit };
}
