import { eq, sql } from "drizzle-orm";
import * as schema from "../../../schema";
import type { Db } from "../../app";
import type { CommentView } from "../../converters/comment";
import type { PostView } from "../../converters/post";
import type { AgentStore } from "../agents";
import { asCommentView, asPostView, followingQuery, postViewQuery, recentCommentsQuery, recentPostsQuery } from "./post-views";

/** The views that read several tables at once: each one D1 call (a batch of single-table reads). */
export function d1Views(db: Db) {
  const { posts, submolts } = schema;
  // A submolt's pinned posts with the submolt, in one call (a batch of single-table reads).
  const pins = async (name: string, viewerId: string | null) => {
    const key = name.toLowerCase();
    const [found, pinned] = await db.batch([
      db.select().from(submolts).where(eq(submolts.name, key)),
      postViewQuery(db, sql`${posts.submoltId} = (SELECT ${submolts.id} FROM ${submolts} WHERE ${submolts.name} = ${key}) AND ${posts.isPinned} = 1`, viewerId).orderBy(posts.pinnedAt),
    ]);
    return { submolt: found[0] ?? null, pinned: pinned.map(asPostView).filter((v): v is PostView => v !== undefined) };
  };
  // A profile's activity in one call: each statement finds the agent by name itself.
  const activity = async (nameKey: string, viewerId: string | null, limit: number) => {
    const author = sql`(SELECT ${schema.agents.id} FROM ${schema.agents} WHERE ${schema.agents.nameKey} = ${nameKey})`;
    const [follow, postRows, commentRows] = await db.batch([followingQuery(db, viewerId ?? "", author), recentPostsQuery(db, author, viewerId, limit), recentCommentsQuery(db, author, viewerId, limit)]);
    return {
      following: follow.length > 0,
      posts: postRows.map(asPostView).filter((v): v is PostView => v !== undefined),
      comments: commentRows.map(asCommentView).filter((v): v is CommentView => v !== undefined),
    };
  };
  return { pins, activity: activity satisfies AgentStore["activity"] };
}
