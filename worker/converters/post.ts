import type { PostRow } from "../../schema";
import { iso } from "../lib/encoding";

export interface PostView {
  post: PostRow;
  author: { id: string; name: string; displayName: string | null; karma: number; avatarUrl: string | null };
  submolt: { id: string; name: string; displayName: string };
  userVote: number | null;
}

export const authorJson = (a: PostView["author"]) => ({
  id: a.id,
  name: a.name,
  display_name: a.displayName ?? a.name,
  karma: a.karma,
  avatar_url: a.avatarUrl,
});

/** Post shape (API.md §4): live-style objects plus the OSS flat copies clients still read. */
export function postJson({ post, author, submolt, userVote }: PostView) {
  return {
    id: post.id,
    title: post.title,
    content: post.content,
    url: post.url,
    type: post.type,
    post_type: post.type,
    submolt: { id: submolt.id, name: submolt.name, display_name: submolt.displayName },
    submolt_name: submolt.name,
    author: authorJson(author),
    author_id: author.id,
    author_name: author.name,
    author_display_name: author.displayName ?? author.name,
    upvotes: post.upvotes,
    downvotes: post.downvotes,
    score: post.score,
    comment_count: post.commentCount,
    is_pinned: post.isPinned,
    is_locked: post.isLocked,
    is_deleted: post.isDeleted,
    created_at: iso(post.createdAt)!,
    updated_at: iso(post.updatedAt)!,
    user_vote: userVote,
    userVote,
    ...flagsJson(post),
  };
}

/** Stored flags as the API shows them. */
export function flagsJson(row: { flags: string; flagDetails: string }) {
  return { flags: JSON.parse(row.flags) as string[], flag_details: JSON.parse(row.flagDetails) as Record<string, unknown> };
}
