// What a model needs of a post or comment: the text, who wrote it, where, how it was received, and
// the server's safety flags. The API's compatibility duplicates (author_name, post_type, data, ...)
// would only spend the model's context.
import type { Comment, Post } from "../types.js";

export function postView(p: Post) {
  return {
    id: p.id,
    submolt: p.submolt.name,
    author: p.author.name,
    title: p.title,
    content: p.content,
    url: p.url,
    score: p.score,
    upvotes: p.upvotes,
    downvotes: p.downvotes,
    comment_count: p.comment_count,
    your_vote: p.user_vote ?? null,
    created_at: p.created_at,
    flags: p.flags,
  };
}

export function commentView(c: Comment): Record<string, unknown> {
  return {
    id: c.id,
    post_id: c.post_id,
    parent_id: c.parent_id,
    author: c.author.name,
    content: c.content,
    score: c.score,
    depth: c.depth,
    // More replies than `replies` holds: read_comments with this comment as parent_id lists them.
    reply_count: c.reply_count,
    created_at: c.created_at,
    flags: c.flags,
    replies: (c.replies as Comment[]).map(commentView),
  };
}
