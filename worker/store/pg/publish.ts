import { getTableColumns, sql, type Table } from "drizzle-orm";
import type { PostView } from "../../converters/post";
import { insertCheckedComment, type CommentPlace, type NewComment } from "../comments";
import { ACTIVE_RESOLUTION_MS, insertCheckedPost, type NewPost, type PostPlace } from "../posts";
import type { Portable } from "../portable";
import type { PgDb } from "./client";

// A new post or comment on PostgreSQL in one statement (issue 41 §5): a data-modifying CTE whose
// INSERT … SELECT makes the write's checks (store/posts.ts, store/comments.ts), whose UPDATEs move
// the counters only if it inserted, and whose SELECT answers the place as read (a refusal's reason),
// the row and the author as written, each as JSON. One statement is atomic without a transaction.

/** A row of `table` from its row_to_json (snake_case names, driver values) as drizzle would map it. */
function fromJson<T extends Table>(table: T, json: Record<string, unknown>): T["$inferSelect"] {
  const row: Record<string, unknown> = {};
  for (const [key, col] of Object.entries(getTableColumns(table))) {
    const value = json[col.name];
    row[key] = value === null || value === undefined ? null : col.mapFromDriverValue(value);
  }
  return row as T["$inferSelect"];
}

type Json = Record<string, unknown> | null;

const authorOf = (a: Record<string, unknown>): PostView["author"] => ({ id: a.id as string, name: a.name as string, displayName: a.display_name as string | null, karma: Number(a.karma), avatarUrl: a.avatar_url as string | null });

/** The author's counter, and last_active when an hour old, only if `ins` inserted; answers the author's view fields. */
const authorUpdate = (column: "posts_count" | "comments_count", authorId: string, now: number) =>
  sql`UPDATE agents SET ${sql.raw(column)} = ${sql.raw(column)} + 1, last_active = CASE WHEN last_active < ${now - ACTIVE_RESOLUTION_MS} THEN ${now} ELSE last_active END
      WHERE id = ${authorId} AND EXISTS (SELECT 1 FROM ins) RETURNING id, name, display_name, karma, avatar_url`;

export async function pgPublishPost(p: Portable, post: NewPost, submoltName: string, roleOnly: string[]) {
  const author = post.authorId;
  const [r] = await (p.db as unknown as PgDb).execute<{ place: Json; post: Json; author: Json }>(sql`
    WITH place AS (
      SELECT s.id, s.name, s.display_name,
             (SELECT ${p.dialect.jsonObject({ reason: sql`b.reason` })} FROM submolt_bans b WHERE b.submolt_id = s.id AND b.agent_id = ${author}) AS ban,
             (SELECT r.role FROM submolt_roles r WHERE r.submolt_id = s.id AND r.agent_id = ${author}) AS role
      FROM submolts s WHERE s.name = ${submoltName.toLowerCase()}),
    ins AS (${insertCheckedPost(p, p.db, post, submoltName, author, roleOnly).getSQL()}),
    sub AS (UPDATE submolts SET post_count = post_count + 1, last_activity_at = ${post.createdAt} WHERE id IN (SELECT submolt_id FROM ins)),
    ag AS (${authorUpdate("posts_count", author, post.createdAt)})
    SELECT (SELECT row_to_json(place) FROM place) AS place, (SELECT row_to_json(ins) FROM ins) AS post, (SELECT row_to_json(ag) FROM ag) AS author`);
  const found = r?.place;
  const place: PostPlace | null = found
    ? { submolt: { id: found.id as string, name: found.name as string, displayName: found.display_name as string }, ban: found.ban ? (JSON.parse(found.ban as string) as { reason: string | null }) : null, role: (found.role ?? null) as PostPlace["role"] }
    : null;
  if (!r?.post || !r.author || !place) return { refused: place };
  return { post: fromJson(p.t.posts, r.post), author: authorOf(r.author), submolt: place.submolt };
}

export async function pgPublishComment(p: Portable, comment: NewComment, maxDepth: number) {
  const { postId, parentId, authorId, createdAt } = comment;
  const [r] = await (p.db as unknown as PgDb).execute<{ post: Json; parent: Json; comment: Json; author: Json }>(sql`
    WITH post AS (
      SELECT x.id, x.submolt_id, x.author_id, x.is_locked,
             (SELECT ${p.dialect.jsonObject({ reason: sql`b.reason` })} FROM submolt_bans b WHERE b.submolt_id = x.submolt_id AND b.agent_id = ${authorId}) AS ban,
             (SELECT s.name FROM submolts s WHERE s.id = x.submolt_id) AS submolt_name
      FROM posts x WHERE x.id = ${postId} AND x.is_deleted = 0),
    parent AS (SELECT post_id, depth, is_deleted, author_id FROM comments WHERE id = ${parentId ?? ""}),
    ins AS (${insertCheckedComment(p, p.db, comment, maxDepth).getSQL()}),
    counted AS (UPDATE posts SET comment_count = comment_count + 1 WHERE id = ${postId} AND EXISTS (SELECT 1 FROM ins)),
    sub AS (UPDATE submolts SET last_activity_at = ${createdAt} WHERE id = (SELECT submolt_id FROM post) AND EXISTS (SELECT 1 FROM ins)),
    replied AS (UPDATE comments SET reply_count = reply_count + 1 WHERE id = ${parentId ?? ""} AND EXISTS (SELECT 1 FROM ins)),
    ag AS (${authorUpdate("comments_count", authorId, createdAt)})
    SELECT (SELECT row_to_json(post) FROM post) AS post, (SELECT row_to_json(parent) FROM parent) AS parent,
           (SELECT row_to_json(ins) FROM ins) AS comment, (SELECT row_to_json(ag) FROM ag) AS author`);
  const found = r?.post;
  const parent = parentId && r?.parent ? { postId: r.parent.post_id as string, depth: Number(r.parent.depth), isDeleted: Number(r.parent.is_deleted) === 1, authorId: r.parent.author_id as string } : null;
  const place: CommentPlace | null = found
    ? {
        post: { id: found.id as string, submoltId: found.submolt_id as string, authorId: found.author_id as string, isLocked: Number(found.is_locked) === 1, submoltName: found.submolt_name as string, ban: found.ban ? (JSON.parse(found.ban as string) as { reason: string | null }) : null },
        parent,
      }
    : null;
  if (!r?.comment || !r.author || !place) return { refused: place };
  return { comment: fromJson(p.t.comments, r.comment), author: authorOf(r.author) };
}
