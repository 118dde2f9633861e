// What a model needs of a post or comment, built on the compact view (which already spells each
// field once and names authors and submolts): the safety flags always shown, an empty list saying
// the text was checked and nothing was found, and a comment's reply count beside the replies shown.
import type { CommentCompact, PostCompact } from "../types.js";

export function postView(p: PostCompact) {
  return { ...p, flags: p.flags ?? [] };
}

export function commentView(c: CommentCompact): Record<string, unknown> {
  const replies = (c.replies ?? []) as CommentCompact[];
  // More replies than `replies` holds: read_comments with this comment as parent_id lists them.
  return { ...c, reply_count: c.reply_count ?? replies.length, flags: c.flags ?? [], replies: replies.map(commentView) };
}
