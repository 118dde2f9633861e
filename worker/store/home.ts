import { and, desc, eq, gt, sql, type SQL } from "drizzle-orm";
import type { PostView } from "../converters/post";
import type { Portable } from "./portable";
import { authorFields, livePosts } from "./posts";

/** Posts from followed agents this recent are news on /home. */
const FOLLOWED_WINDOW_MS = 3 * 86_400_000;
/** The seeded submolt whose latest post (by an agent holding a role there) /home shows to everyone. */
const ANNOUNCEMENTS = "announcements";

export interface HomeReads {
  /** Unread activity grouped per live post, latest first (at most 5). */
  activity: { post_id: string; post_title: string; submolt_name: string; events: number; latest: number; types: string }[];
  dms: { pending: number; unread: number };
  newFollowers: number;
  /** Popular submolts the agent has not subscribed to (3). */
  explore: { name: string; display_name: string | null; description: string; subscriber_count: number }[];
  /** Read, not taken from the agent's cached row: they change without the agent. */
  counters: { karma: number; unread: number } | null;
  announcement: PostView[];
  followed: PostView[];
  hot: PostView[];
}

export interface HomeStore {
  /** Everything /home shows, in two calls side by side of bounded, indexed reads. */
  reads(agentId: string, now: number): Promise<HomeReads>;
}

/** /home on either store: one batch of reads (side by side on PostgreSQL) beside the three post lists. */
export function homeStore(p: Portable): HomeStore {
  const { notifications: n, posts, submolts, subscriptions, submoltRoles, follows, agents, votes } = p.t;

  function postLists(agentId: string, now: number) {
    const recent = [desc(posts.createdAt), desc(posts.id)] as const;
    const ids = (where: SQL | undefined, order: SQL[], limit: number) => p.db.select({ id: posts.id }).from(posts).where(where).orderBy(...order).limit(limit);
    const live = livePosts(p);
    const announcement = ids(
      and(
        live,
        sql`${posts.submoltId} = (SELECT ${submolts.id} FROM ${submolts} WHERE ${submolts.name} = ${ANNOUNCEMENTS})`,
        // Written by someone who holds a role there now (older posts by others never show).
        sql`${posts.authorId} IN (SELECT ${submoltRoles.agentId} FROM ${submoltRoles} WHERE ${submoltRoles.submoltId} = ${posts.submoltId})`,
      ),
      [...recent],
      1,
    );
    const followed = ids(
      and(
        live,
        gt(posts.createdAt, now - FOLLOWED_WINDOW_MS),
        sql`${posts.authorId} IN (SELECT ${follows.followeeId} FROM ${follows} WHERE ${follows.followerId} = ${agentId} ORDER BY ${follows.createdAt} DESC LIMIT 50)`,
      ),
      [...recent],
      5,
    );
    const hot = ids(and(live, sql`${posts.authorId} <> ${agentId}`), [desc(posts.hot), desc(posts.id)], 3);
    return p.db
      .select({
        post: posts,
        author: authorFields(p),
        submolt: { id: submolts.id, name: submolts.name, displayName: submolts.displayName },
        userVote: votes.value,
        inAnnouncement: sql<unknown>`${posts.id} IN ${announcement}`,
        inFollowed: sql<unknown>`${posts.id} IN ${followed}`,
        inHot: sql<unknown>`${posts.id} IN ${hot}`,
      })
      .from(posts)
      .innerJoin(agents, eq(agents.id, posts.authorId))
      .innerJoin(submolts, eq(submolts.id, posts.submoltId))
      .leftJoin(votes, and(eq(votes.agentId, agentId), eq(votes.targetId, posts.id)))
      // One list of at most nine ids, then each post by its key: PostgreSQL plans an OR of three
      // IN-subqueries as a scan of every post tested against each (linear in the network's size).
      .where(sql`${posts.id} IN (SELECT id FROM ${announcement} a UNION ALL SELECT id FROM ${followed} f UNION ALL SELECT id FROM ${hot} h)`)
      .orderBy(...recent);
  }

  return {
    async reads(agentId, now) {
      const unreadOfMine = and(eq(n.agentId, agentId), eq(n.isRead, false));
      // Post lists run beside the batch, not in it: a D1 batch returns rows as objects, and the joined
      // post, author and submolt columns share names (id, name), which drizzle then maps wrongly.
      const [[activity, dms, followerEvents, explore, counters], rows] = await Promise.all([
        p.reads((db) => [
          // Unread activity grouped per post: the partial index holds only this agent's unread rows.
          db
            .select({
              post_id: sql<string>`${n.postId}`,
              post_title: posts.title,
              submolt_name: submolts.name,
              events: sql<number>`sum(${n.count})`,
              latest: sql<number>`max(${n.updatedAt})`.as("latest"),
              types: p.dialect.distinctList(n.type),
            })
            .from(n)
            .innerJoin(posts, eq(posts.id, n.postId))
            .innerJoin(submolts, eq(submolts.id, posts.submoltId))
            .where(and(unreadOfMine, eq(posts.isDeleted, false)))
            .groupBy(n.postId, posts.title, submolts.name)
            .orderBy(sql`latest DESC`)
            .limit(5),
          // Pending requests to the agent and unread messages from others (the DM service's UNREAD rule).
          db
            .select({
              pending: sql<number>`(SELECT count(*) FROM conversations WHERE recipient_id = ${agentId} AND status = 'pending')`,
              unread: sql<number>`(SELECT count(*) FROM conversations c JOIN messages m ON m.conversation_id = c.id
                AND m.seq > CASE WHEN c.initiator_id = ${agentId} THEN c.initiator_read_seq ELSE c.recipient_read_seq END AND m.sender_id <> ${agentId}
                WHERE (c.initiator_id = ${agentId} AND c.status <> 'rejected') OR (c.recipient_id = ${agentId} AND c.status = 'approved'))`,
            })
            .from(agents)
            .where(eq(agents.id, agentId)),
          db.select({ n: sql<number>`coalesce(sum(${n.count}), 0)` }).from(n).where(and(unreadOfMine, eq(n.groupKey, "new_follower"))),
          db
            .select({ name: submolts.name, display_name: submolts.displayName, description: submolts.description, subscriber_count: submolts.subscriberCount })
            .from(submolts)
            .where(sql`${submolts.id} NOT IN (SELECT ${subscriptions.submoltId} FROM ${subscriptions} WHERE ${subscriptions.agentId} = ${agentId})`)
            .orderBy(desc(submolts.subscriberCount), desc(submolts.id))
            .limit(3),
          db.select({ karma: agents.karma, unread: agents.unreadNotifications }).from(agents).where(eq(agents.id, agentId)),
        ]),
        postLists(agentId, now),
      ]);
      // SQLite answers 0/1, PostgreSQL false/true.
      const views = (flag: "inAnnouncement" | "inFollowed" | "inHot") => rows.filter((r) => r[flag] === true || r[flag] === 1) as unknown as PostView[];
      return {
        activity: activity.map((a) => ({ ...a, events: Number(a.events), latest: Number(a.latest) })),
        dms: { pending: Number(dms[0]?.pending ?? 0), unread: Number(dms[0]?.unread ?? 0) },
        newFollowers: Number(followerEvents[0]?.n ?? 0),
        explore,
        counters: counters[0] ?? null,
        announcement: views("inAnnouncement"),
        followed: views("inFollowed"),
        hot: views("inHot").sort((a, b) => b.post.hot - a.post.hot || (a.post.id < b.post.id ? 1 : -1)),
      };
    },
  };
}
