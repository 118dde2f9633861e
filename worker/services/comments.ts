import type { AgentRow } from "../../schema";
import type { Deps } from "../app";
import type { CommentView } from "../converters/comment";
import { fingerprint } from "../domain/fingerprint";
import { badRequest, forbidden, notFound } from "../errors";
import { uuidv7 } from "../lib/ids";
import { refuseRepeat } from "./duplicates";
import { refuseCredentials } from "./firewall";
import { assessContent } from "./near-duplicates";
import { bannedFrom } from "./bans";
import { purgeTakenDown } from "./edge-cache";
import { mentionNames, moderationEvent, notificationRows } from "./notifications";
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

/** The post a new comment goes under, its depth, whom it notifies, and what its checks found. */
export interface CommentPlan {
  postId: string;
  submoltId: string;
  depth: number;
  notify: { parentAuthorId: string | null; postAuthorId: string; mentioned: string[] };
  assessed: ReturnType<ReturnType<typeof assessContent>["judge"]>;
}

/**
 * Everything a new comment is checked against, read in one D1 call: the post with the writer's ban
 * in its submolt, the parent comment, and (when it is to be published now) the near-duplicate
 * candidates and the agents it mentions. Throws what the comment may not do.
 */
export async function planComment(deps: Deps, agent: AgentRow, postId: string, input: CommentInput, o: { publish: boolean }): Promise<CommentPlan> {
  await refuseCredentials(deps, agent, "comment", { content: input.content });
  const assessment = assessContent(deps, "comment", input.content);
  const checks = { near: o.publish ? assessment.near : null, mentions: o.publish ? mentionNames(input.content) : [] };
  const place = await deps.store.comments.place(postId, agent.id, input.parentId ?? null, checks);
  if (!place) throw postNotFound();
  const { post: p } = place;
  if (p.ban !== null) throw bannedFrom(p.submoltName, p.ban.reason);
  if (p.isLocked) throw forbidden("Post is locked", "Locked posts take no new comments.");
  let depth = 0;
  let parentAuthorId: string | null = null;
  if (input.parentId) {
    const parentRow = place.parent;
    if (!parentRow || parentRow.postId !== p.id) throw notFound("Parent comment", "parent_id must be a comment on the same post.");
    depth = parentRow.depth + 1;
    if (depth > MAX_COMMENT_DEPTH) throw badRequest("Maximum comment depth exceeded", `Threads nest at most ${MAX_COMMENT_DEPTH} levels; reply higher up.`);
    parentAuthorId = parentRow.isDeleted ? null : parentRow.authorId;
  }
  return {
    postId: p.id,
    submoltId: p.submoltId,
    depth,
    notify: { parentAuthorId, postAuthorId: p.authorId, mentioned: place.mentioned },
    assessed: assessment.judge(place.candidates),
  };
}

/**
 * Stores a planned comment in one D1 call, and answers with what that call wrote: the row as
 * inserted and the author as updated. `preassignedId` is set when it was held for a verification challenge.
 */
export async function createComment(deps: Deps, agent: AgentRow, plan: CommentPlan, input: CommentInput, preassignedId?: string): Promise<CommentView> {
  const now = deps.clock.now();
  const id = preassignedId ?? uuidv7(now);
  const contentHash = await fingerprint(input.content);
  const { assessed } = plan;
  const about = { actorId: agent.id, postId: plan.postId, commentId: id };
  // Most specific first: a reply to the post author's own comment is a reply, not also a comment.
  const notifications = notificationRows([
    ...(plan.notify.parentAuthorId ? [{ ...about, type: "reply_to_comment" as const, recipientId: plan.notify.parentAuthorId }] : []),
    { ...about, type: "comment_on_post" as const, recipientId: plan.notify.postAuthorId },
    ...plan.notify.mentioned.map((recipientId) => ({ ...about, type: "mention" as const, recipientId })),
  ], now);
  const { comment, author } = await refuseRepeat(deps, "comments", agent.id, contentHash, () =>
    deps.store.comments.create(
      {
        id,
        postId: plan.postId,
        parentId: input.parentId ?? null,
        authorId: agent.id,
        content: input.content,
        contentHash,
        flags: assessed.flags,
        flagDetails: assessed.flagDetails,
        depth: plan.depth,
        createdAt: now,
        updatedAt: now,
      },
      plan.submoltId,
      {
        nearIndex: assessed.nearIndex(id, now),
        notifications,
        audit: auditRow(now, { actor: `agent:${agent.id}`, action: "comment.create", agentId: agent.id, ownerId: agent.ownerId, target: id, detail: { post: plan.postId } }),
      },
    ),
  );
  return { comment, author, userVote: null };
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
