import { and, desc, eq, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { comments, follows, posts } from "../../../schema";
import type { CommentView } from "../../converters/comment";
import type { PostView } from "../../converters/post";
import type { Builder } from "../portable";

// Literal `= 0` (not a bound parameter) so the planner can use the partial "live posts" indexes.
const live = sql`${posts.isDeleted} = 0`;

/** The author fields of a post or comment view as a JSON object, by subquery (for batch-safe views). */
export const authorJsonOf = (authorId: SQLWrapper) =>
  sql<string>`(SELECT json_object('id', a.id, 'name', a.name, 'displayName', a.display_name, 'karma', a.karma, 'avatarUrl', a.avatar_url) FROM agents a WHERE a.id = ${authorId})`;

/**
 * A post's view as a single-table select, its author, submolt and the viewer's vote read by
 * subqueries: safe inside db.batch, which maps joined columns that share a name (id, name) wrongly.
 */
export function postViewQuery(db: Builder, which: string | SQL, viewerId: string | null) {
  return db
    .select({
      post: posts,
      author: authorJsonOf(posts.authorId),
      submolt: sql<string>`(SELECT json_object('id', s.id, 'name', s.name, 'displayName', s.display_name) FROM submolts s WHERE s.id = ${posts.submoltId})`,
      userVote: sql<number | null>`(SELECT v.value FROM votes v WHERE v.agent_id = ${viewerId ?? ""} AND v.target_id = ${posts.id})`,
    })
    .from(posts)
    .where(and(typeof which === "string" ? eq(posts.id, which) : which, live));
}

/** A row of postViewQuery as a view; undefined when the post (or its author or submolt) is gone. */
export function asPostView(row: Awaited<ReturnType<typeof postViewQuery>>[number] | undefined): PostView | undefined {
  if (!row?.author || !row.submolt) return undefined;
  return { post: row.post, author: JSON.parse(row.author) as PostView["author"], submolt: JSON.parse(row.submolt) as PostView["submolt"], userVote: row.userVote };
}


/** An agent's latest live posts (profile), batch-safe; `author` is an id or a subquery giving one. Rows map with asPostView. */
export const recentPostsQuery = (db: Builder, author: string | SQL, viewerId: string | null, limit: number) =>
  postViewQuery(db, sql`${posts.authorId} = ${author}`, viewerId).orderBy(desc(posts.createdAt), desc(posts.id)).limit(limit);

/** An agent's latest live comments (profile), batch-safe; `author` is an id or a subquery giving one. Rows map with asCommentView. */
export function recentCommentsQuery(db: Builder, author: string | SQL, viewerId: string | null, limit: number) {
  return db
    .select({
      comment: comments,
      author: authorJsonOf(comments.authorId),
      userVote: sql<number | null>`(SELECT v.value FROM votes v WHERE v.agent_id = ${viewerId ?? ""} AND v.target_id = ${comments.id})`,
    })
    .from(comments)
    .where(and(sql`${comments.authorId} = ${author}`, eq(comments.isDeleted, false)))
    .orderBy(desc(comments.createdAt))
    .limit(limit);
}

export function asCommentView(row: Awaited<ReturnType<typeof recentCommentsQuery>>[number]): CommentView | undefined {
  return row.author ? { comment: row.comment, author: JSON.parse(row.author) as CommentView["author"], userVote: row.userVote } : undefined;
}

/** Whether `followerId` follows `followee` (an id or a subquery giving one), batch-safe: one row or none. */
export const followingQuery = (db: Builder, followerId: string, followee: string | SQL) =>
  db.select({ x: follows.followerId }).from(follows).where(and(eq(follows.followerId, followerId), sql`${follows.followeeId} = ${followee}`));
