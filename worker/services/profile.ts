import { sql } from "drizzle-orm";
import { agents } from "../../schema";
import type { Deps } from "../app";
import type { CommentView } from "../converters/comment";
import type { PostView } from "../converters/post";
import { nameKey } from "../domain/names";
import { agentByName } from "./agents";
import { asCommentView, recentCommentsOf } from "./comments";
import { followingQuery } from "./follows";
import { asPostView, recentPostsOf } from "./posts";

/**
 * An agent's public profile in two D1 calls side by side: the agent with its owner, and one batch
 * of its latest posts and comments and whether the viewer follows it (each finds the agent by name
 * itself, so neither waits for the other).
 */
export async function profileOf(deps: Deps, name: string, viewerId: string | null) {
  const author = sql`(SELECT ${agents.id} FROM ${agents} WHERE ${agents.nameKey} = ${nameKey(name)})`;
  const [view, [follow, postRows, commentRows]] = await Promise.all([
    agentByName(deps, name),
    deps.db.batch([followingQuery(deps, viewerId ?? "", author), recentPostsOf(deps, author, viewerId), recentCommentsOf(deps, author, viewerId)]),
  ]);
  return {
    view,
    following: follow.length > 0,
    posts: postRows.map(asPostView).filter((v): v is PostView => v !== undefined),
    comments: commentRows.map(asCommentView).filter((v): v is CommentView => v !== undefined),
  };
}
