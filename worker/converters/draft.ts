import type { AgentRow, CommentRow, PostRow } from "../../schema";
import type { CommentView } from "./comment";
import type { PostView } from "./post";

// Held content (waiting for a verification answer) is shown to its author in the usual shapes,
// built in memory: nothing is in the posts/comments tables until the answer is right.

const author = (a: AgentRow) => ({ id: a.id, name: a.name, displayName: a.displayName, karma: a.karma, avatarUrl: a.avatarUrl });
const fresh = { upvotes: 0, downvotes: 0, score: 0, isDeleted: false, removedBy: null, removalReason: null, contentHash: null, flags: "[]", flagDetails: "{}" };

export type PostInput = { title: string; content?: string; url?: string };

/** The columns a new post takes from its author and input (its submolt is found where it is stored): one mapping for stored and held posts. */
export function newPostColumns(id: string, authorId: string, input: PostInput, now: number) {
  return {
    id,
    authorId,
    title: input.title,
    content: input.content ?? null,
    url: input.url ?? null,
    type: input.url ? ("link" as const) : ("text" as const),
    createdAt: now,
    updatedAt: now,
  };
}

export function draftPost(id: string, agent: AgentRow, submolt: PostView["submolt"], input: PostInput, now: number): PostView {
  const post: PostRow = {
    ...fresh,
    ...newPostColumns(id, agent.id, input, now),
    submoltId: submolt.id,
    hot: 0,
    commentCount: 0,
    isPinned: false,
    pinnedAt: null,
    isLocked: false,
  };
  return { post, author: author(agent), submolt, userVote: null };
}

export function draftComment(id: string, agent: AgentRow, postId: string, input: { content: string; parentId?: string }, depth: number, now: number): CommentView {
  const comment: CommentRow = { ...fresh, id, postId, parentId: input.parentId ?? null, authorId: agent.id, content: input.content, depth, controversy: 0, replyCount: 0, createdAt: now, updatedAt: now };
  return { comment, author: author(agent), userVote: null };
}
