import type * as schema from "../../../schema";
import * as pgSchema from "../../../schema/postgres";
import type { Db } from "../../app";
import { agentStore } from "../agents";
import { homeStore } from "../home";
import { pgInbox } from "./inbox";
import { idempotencyStore } from "../idempotency";
import { followStore } from "../follows";
import { pgComments } from "./comments";
import { pgPosts } from "./posts";
import type { Portable } from "../portable";
import { postgres } from "../dialect";
import type { Store } from "../types";
import type { PgConnection } from "./client";
import { pgListings } from "./listings";
import { pgVotes } from "./votes";
import { submoltStore } from "../submolts";
import { livePosts, viewSelect } from "../posts";
import type { PostView } from "../../converters/post";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { portableComments } from "../comments";

export function pgStore(connection: PgConnection): Store {
  const client = () => connection.sql;
  // drizzle's pg builder over the derived tables, seen through D1's types (store/portable.ts says what may be used).
  const portable: Portable = {
    get db() {
      return connection.db as unknown as Db;
    },
    t: pgSchema as unknown as typeof schema,
    dialect: postgres,
    atomic: (build) =>
      connection.db.transaction(async (tx) => {
        const results: unknown[] = [];
        for (const statement of build(tx as unknown as Db)) results.push(await statement);
        return results;
      }) as never,
    reads: (build) => Promise.all(build(connection.db as unknown as Db)) as never,
    chain: (first, rest) =>
      connection.db.transaction(async (tx) => {
        const db = tx as unknown as Db;
        const changed = (await (first(db) as unknown as Promise<unknown[]>));
        if (changed.length !== 1) return false;
        for (const statement of rest(db, undefined)) await statement;
        return true;
      }),
  };
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
  return { kind: "postgres", agents: agentStore(portable, activity), follows: followStore(portable), home: homeStore(portable), inbox: pgInbox(client), idempotency: idempotencyStore(portable), submolts: submoltStore(portable, pins), comments: pgComments(portable), listings: pgListings(portable), posts: pgPosts(portable), votes: pgVotes(client) };
}
