import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { PostView } from "../../converters/post";
import type { AgentStore } from "../agents";
import { portableComments } from "../comments";
import type { Portable } from "../portable";
import { livePosts, viewSelect } from "../posts";

/** The views that read several tables at once: their reads side by side on the pool's connections. */
export function pgViews(portable: Portable) {
  const { posts, submolts } = portable.t;
  const pins = async (name: string, viewerId: string | null) => {
    const key = name.toLowerCase();
    const [found, pinned] = await Promise.all([
      portable.db.select().from(submolts).where(eq(submolts.name, key)).limit(1),
      viewSelect(portable, viewerId)
        .where(and(sql`${posts.submoltId} = (SELECT ${submolts.id} FROM ${submolts} WHERE ${submolts.name} = ${key})`, sql`${posts.isPinned} = 1`, livePosts(portable)))
        .orderBy(asc(posts.pinnedAt)),
    ]);
    return { submolt: found[0] ?? null, pinned: pinned as PostView[] };
  };
  const activity = async (nameKey: string, viewerId: string | null, limit: number) => {
    const { agents, follows } = portable.t;
    const author = sql`(SELECT ${agents.id} FROM ${agents} WHERE ${agents.nameKey} = ${nameKey})`;
    const [follow, postRows, commentRows] = await Promise.all([
      portable.db.select({ x: follows.followerId }).from(follows).where(and(eq(follows.followerId, viewerId ?? ""), sql`${follows.followeeId} = ${author}`)).limit(1),
      viewSelect(portable, viewerId).where(and(sql`${posts.authorId} = ${author}`, livePosts(portable))).orderBy(desc(posts.createdAt), desc(posts.id)).limit(limit),
      portableComments(portable).latestBy(author, viewerId, limit),
    ]);
    return { following: follow.length > 0, posts: postRows as PostView[], comments: commentRows };
  };
  return { pins, activity: activity satisfies AgentStore["activity"] };
}
