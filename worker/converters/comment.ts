import type { CommentRow } from "../../schema";
import { iso } from "../lib/encoding";
import { authorJson, flagsJson, type PostView } from "./post";

export interface CommentView {
  comment: CommentRow;
  author: PostView["author"];
  userVote: number | null;
}

export const DELETED_TEXT = "[deleted]";
export const REMOVED_TEXT = "[removed by a moderator]";

export function commentJson({ comment, author, userVote }: CommentView) {
  return {
    id: comment.id,
    post_id: comment.postId,
    parent_id: comment.parentId,
    // A deleted comment keeps its place (so replies survive) but not its words.
    content: comment.isDeleted ? (comment.removedBy ? REMOVED_TEXT : DELETED_TEXT) : comment.content,
    removal_reason: comment.isDeleted && comment.removedBy ? comment.removalReason : null,
    author: authorJson(author),
    author_id: author.id,
    author_name: author.name,
    upvotes: comment.upvotes,
    downvotes: comment.downvotes,
    score: comment.score,
    reply_count: comment.replyCount,
    depth: comment.depth,
    is_deleted: comment.isDeleted,
    created_at: iso(comment.createdAt)!,
    updated_at: iso(comment.updatedAt)!,
    user_vote: userVote,
    userVote,
    // A deleted comment's flags went with its words.
    ...(comment.isDeleted ? { flags: [], flag_details: {} } : flagsJson(comment)),
  };
}

// Replies are typed loosely: the wire schema cannot express the recursion to the typed response check.
export type CommentJson = ReturnType<typeof commentJson> & { replies: unknown[] };
