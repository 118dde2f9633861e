import type { AgentRow } from "../../schema";
import type { Deps } from "../app";
import type { CommentView } from "../converters/comment";
import { fingerprint } from "../domain/fingerprint";
import { badRequest, conflict, forbidden, notFound } from "../errors";
import { uuidv7 } from "../lib/ids";
import { refuseRepeat } from "./duplicates";
import { refuseCredentials } from "./firewall";
import { flagContent } from "../domain/flags";
import type { CommentPlace } from "../store/comments";
import { bannedFrom } from "./bans";
import { purgeTakenDown } from "./edge-cache";
import { moderationEvent, notificationRows } from "./notifications";
import { auditRow } from "../store/audit";
import { fileReport, getPostView, postNotFound } from "./posts";
import { viewerOf } from "./submolts";
import { removedByOf, takeDownActor, type TakeDown } from "./takedown";

export const MAX_COMMENT_DEPTH = 10;

export type { CommentSort } from "../store/comments";

const commentNotFound = () => notFound("Comment", "The comment does not exist.");

export async function getCommentView(deps: Deps, id: string, viewerId: string | null): Promise<CommentView> {
  const row = await deps.store.comments.view(id, viewerId);
  if (!row) throw commentNotFound();
  return row;
}

export type CommentInput = { content: string; parentId?: string };

/** What a comment may not do at this place; answers its depth. */
function refusePlace(place: CommentPlace | null, parentId: string | undefined): number {
  if (!place) throw postNotFound();
  const { post: p } = place;
  if (p.ban !== null) throw bannedFrom(p.submoltName, p.ban.reason);
  if (p.isLocked) throw forbidden("Post is locked", "Locked posts take no new comments.");
  if (!parentId) return 0;
  const parentRow = place.parent;
  if (!parentRow || parentRow.postId !== p.id) throw notFound("Parent comment", "parent_id must be a comment on the same post.");
  const depth = parentRow.depth + 1;
  if (depth > MAX_COMMENT_DEPTH) throw badRequest("Maximum comment depth exceeded", `Threads nest at most ${MAX_COMMENT_DEPTH} levels; reply higher up.`);
  return depth;
}

/**
 * Where a comment held for a verification answer would go: throws what it may not do there (as
 * publishing it would) or carries a secret; answers its depth.
 */
export async function planComment(deps: Deps, agent: AgentRow, postId: string, input: CommentInput): Promise<number> {
  await refuseCredentials(deps, agent, "comment", { content: input.content });
  return refusePlace(await deps.store.comments.place(postId, agent.id, input.parentId ?? null), input.parentId);
}

/**
 * Stores a new comment in one D1 call that also makes its checks (store/comments.ts
 * insertCheckedComment), and answers with what that call wrote: the row as inserted and the author
 * as updated. A refused comment writes nothing and answers why. Its notifications, keyword rows,
 * near-duplicate flag and bands, daily stats and audit row follow from the outbox after the response
 * (services/derive.ts). `preassignedId` is set when it was held for a verification answer.
 */
export async function publishComment(deps: Deps, agent: AgentRow, postId: string, input: CommentInput, preassignedId?: string): Promise<CommentView> {
  await refuseCredentials(deps, agent, "comment", { content: input.content });
  const now = deps.clock.now();
  const id = preassignedId ?? uuidv7(now);
  const contentHash = await fingerprint(input.content);
  const report = flagContent(input.content);
  const row = { id, postId, parentId: input.parentId ?? null, authorId: agent.id, content: input.content, contentHash, flags: JSON.stringify(report.flags), flagDetails: JSON.stringify(report.details), createdAt: now, updatedAt: now };
  const written = await refuseRepeat(deps, "comments", agent.id, contentHash, () => deps.store.comments.publish(row, MAX_COMMENT_DEPTH));
  if (written.refused !== undefined) {
    refusePlace(written.refused, input.parentId);
    throw conflict("The comment could not be stored", "Try again.");
  }
  return { comment: written.comment, author: written.author, userVote: null };
}

/**
 * Soft delete by the author, or removal (with a reason) by the submolt's moderators: the row keeps
 * its place in the thread, so replies stay attached; counts drop once.
 */
export async function deleteComment(deps: Deps, agent: AgentRow, id: string, reason = "") {
  const view = await getCommentView(deps, id, null);
  const { comment } = view;
  const isAuthor = comment.authorId === agent.id;
  // Deleting again is a no-op that answers the same (clients retry deletes).
  if (comment.isDeleted && isAuthor) return "Comment deleted";
  if (!isAuthor) {
    const { submolt } = await getPostView(deps, comment.postId, null);
    const { role } = await viewerOf(deps, submolt.id, agent.id);
    if (!role) throw forbidden("You can only delete your own comments", "Ask a moderator of this community to remove it.");
  }
  await takeDownComment(deps, view, isAuthor ? { by: "author" } : { by: "moderator", agentId: agent.id }, reason, isAuthor ? agent.ownerId : null);
  return isAuthor ? "Comment deleted" : "Comment removed by a moderator";
}

/**
 * Takes a comment down (the caller has checked that `who` may): counts drop once, the author is
 * told, open reports close, and the cached pages that show it are purged.
 */
export async function takeDownComment(deps: Deps, { comment, author }: Pick<CommentView, "comment" | "author">, who: TakeDown, reason: string, ownerId: string | null = null) {
  const now = deps.clock.now();
  const byAuthor = who.by === "author";
  await deps.store.comments.takeDown({
    comment,
    removedBy: removedByOf(who),
    removalReason: byAuthor ? null : reason || null,
    resolution: byAuthor ? "deleted" : "removed",
    notifications: notificationRows(byAuthor ? [] : [moderationEvent(who.by === "moderator" ? who.agentId : null, comment.authorId, comment.postId, "removed", "comment", reason, comment.id)], now),
    audit: auditRow(now, {
      actor: takeDownActor(who, comment.authorId),
      action: byAuthor ? "comment.delete" : "comment.remove",
      agentId: comment.authorId,
      ownerId,
      target: comment.id,
      ...(byAuthor ? {} : { detail: { reason } }),
    }),
    now,
  });
  await purgeTakenDown(deps, { postId: comment.postId, authorName: author.name });
}

export async function reportComment(deps: Deps, agent: AgentRow, id: string, reason: string) {
  const { comment } = await getCommentView(deps, id, null);
  if (comment.isDeleted) throw commentNotFound();
  await fileReport(deps, agent, "comment", id, reason);
}

/** A page of an agent's live comments on live posts, newest first, with each post's title (profile pages). */
export async function commentsByAuthor(deps: Deps, authorId: string, limit: number, offset: number) {
  const rows = await deps.store.comments.byAuthor(authorId, limit + 1, offset);
  return { items: rows.slice(0, limit).map((r) => ({ ...r, userVote: null })), hasMore: rows.length > limit };
}
