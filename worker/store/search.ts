import { and, asc, eq, gte, inArray, lt, lte, sql } from "drizzle-orm";
import type { Builder, Portable } from "./portable";

export type SearchType = "posts" | "comments" | "all";
export type Hit = { id: string; type: "post" | "comment" };

/**
 * What a keyword search asks: any of `words`, among each table's newest `window` matches below
 * `start` (a tier: the first starts at the newest, each next one where the last stopped). Only the
 * tables named in `start` are read.
 */
export interface KeywordQuery {
  words: string[];
  submoltId: string | null;
  window: number;
  start: { posts?: TierStart; comments?: TierStart };
}

/** Where a table's tier starts: null for its newest match, else the store's key of the match before it (D1 rowid, PostgreSQL id). */
export type TierStart = string | null;

/**
 * A table's tier: its matches best first (the indexes hold live posts and comments only; a
 * comment's post, live or removed, is checked when the page's details are read, or here when a
 * submolt is asked), and where the next tier starts (null: none left).
 */
export interface TableTier {
  hits: Hit[];
  next: TierStart;
}

/** A search result's row: the item with its author, submolt and post. */
export interface SearchDetail {
  id: string;
  type: "post" | "comment";
  title: string | null;
  content: string | null;
  upvotes: number;
  downvotes: number;
  created_at: number;
  author_id: string;
  author_name: string;
  author_display_name: string | null;
  author_karma: number;
  author_avatar_url: string | null;
  submolt_id: string;
  submolt_name: string;
  submolt_display_name: string;
  post_id: string;
  post_title: string;
  flags: string;
}

export interface OutboxRow {
  id: number;
  targetId: string;
  targetType: "post" | "comment";
  op: "create" | "rank" | "upsert" | "delete";
  attempts: number;
}

/** A live post or comment as the vector index takes it. */
export interface LiveDoc {
  id: string;
  type: "post" | "comment";
  text: string;
  submoltId: string;
  createdAt: number;
}

export interface AgentMatch {
  id: string;
  name: string;
  displayName: string | null;
  description: string;
  karma: number;
  followerCount: number;
  avatarUrl: string | null;
  createdAt: number;
}

export interface SubmoltMatch {
  id: string;
  name: string;
  displayName: string;
  description: string;
  subscriberCount: number;
  createdAt: number;
}

export interface SearchStore {
  /**
   * A tier of keyword matches per table, ranked (D1: BM25 over FTS5; PostgreSQL: ts_rank over the
   * stored tsvector): the newest `window` matches below the tier's start, read newest first from
   * the index, which stops there, so a tier costs its window however common the words are.
   */
  keyword(q: KeywordQuery): Promise<{ posts?: TableTier; comments?: TableTier }>;
  /** The live items among `hits` (any order). */
  details(hits: Hit[]): Promise<SearchDetail[]>;
  /** Agents and submolts whose lower-cased names start with `prefix`. */
  names(prefix: string, agents: number, submolts: number, offset: number): Promise<{ agents: AgentMatch[]; submolts: SubmoltMatch[] }>;
  /** Outbox items due at `now`, in due order. */
  due(now: number, limit: number): Promise<OutboxRow[]>;
  /** The live posts and comments among `ids`; deleted or unknown ones are absent. */
  liveDocs(ids: string[]): Promise<LiveDoc[]>;
  /** Removes handled outbox items (by id and target: an id is reused once the newest row is gone). */
  handled(rows: Pick<OutboxRow, "id" | "targetId">[]): Promise<void>;
  /** Puts failed items back (by id and target, as `handled`) with their next try time and the error. */
  retry(items: { id: number; targetId: string; availableAt: number }[], error: string): Promise<void>;
  /** Queues every live post and comment for (re)indexing; how many were queued. */
  queueAll(now: number): Promise<number>;
}

/** The search store's parts both dialects spell the same. */
export function portableSearch(p: Portable): Pick<SearchStore, "names" | "due" | "liveDocs" | "handled" | "retry"> {
  const { agents, submolts, posts, comments, searchOutbox: outbox } = p.t;
  return {
    async names(prefix, agentCount, submoltCount, offset) {
      // A range on the lowercase unique keys, not LIKE: SQLite's LIKE is case-insensitive and so cannot
      // use a BINARY index, which made every search scan all agents (a million rows at scale).
      const end = `${prefix}\u{10FFFF}`;
      const agentQuery = (db: Builder) =>
        db
          .select({ id: agents.id, name: agents.name, displayName: agents.displayName, description: agents.description, karma: agents.karma, followerCount: agents.followerCount, avatarUrl: agents.avatarUrl, createdAt: agents.createdAt })
          .from(agents)
          .where(and(gte(agents.nameKey, prefix), lt(agents.nameKey, end)))
          .orderBy(asc(agents.nameKey))
          .limit(agentCount)
          .offset(offset);
      const submoltQuery = (db: Builder) =>
        db
          .select({ id: submolts.id, name: submolts.name, displayName: submolts.displayName, description: submolts.description, subscriberCount: submolts.subscriberCount, createdAt: submolts.createdAt })
          .from(submolts)
          .where(and(gte(submolts.name, prefix), lt(submolts.name, end)))
          .orderBy(asc(submolts.name))
          .limit(submoltCount)
          .offset(offset);
      // Both in one call when both are wanted (every search carries a few of each).
      if (agentCount > 0 && submoltCount > 0) {
        const [agentRows, submoltRows] = await p.reads((db) => [agentQuery(db), submoltQuery(db)]);
        return { agents: agentRows, submolts: submoltRows };
      }
      const [agentRows, submoltRows] = await Promise.all([agentCount > 0 ? agentQuery(p.db) : [], submoltCount > 0 ? submoltQuery(p.db) : []]);
      return { agents: agentRows, submolts: submoltRows };
    },

    // In id order: the outbox holds seconds of work, and rows waiting out a backoff (or parked) are few.
    // A 'create' row is the derive pass's first (services/derive.ts), then it is an upsert; a 'rank' row is only the derive pass's.
    due: (now, limit) =>
      p.db
        .select({ id: outbox.id, targetId: outbox.targetId, targetType: outbox.targetType, op: outbox.op, attempts: outbox.attempts })
        .from(outbox)
        .where(and(lte(outbox.availableAt, now), inArray(outbox.op, ["upsert", "delete"])))
        .orderBy(asc(outbox.id))
        .limit(limit),

    async liveDocs(ids) {
      if (ids.length === 0) return [];
      const [postRows, commentRows] = await p.reads((db) => [
        db
          .select({ id: posts.id, title: posts.title, content: posts.content, submoltId: posts.submoltId, createdAt: posts.createdAt })
          .from(posts)
          .where(and(p.dialect.inList(posts.id, ids, "text"), sql`${posts.isDeleted} = 0`)),
        db
          .select({ id: comments.id, content: comments.content, submoltId: posts.submoltId, createdAt: comments.createdAt })
          .from(comments)
          .innerJoin(posts, eq(posts.id, comments.postId))
          .where(and(p.dialect.inList(comments.id, ids, "text"), sql`${comments.isDeleted} = 0`, sql`${posts.isDeleted} = 0`)),
      ]);
      return [
        ...postRows.map((r) => ({ id: r.id, type: "post" as const, text: `${r.title}\n${r.content ?? ""}`, submoltId: r.submoltId, createdAt: r.createdAt })),
        ...commentRows.map((r) => ({ id: r.id, type: "comment" as const, text: r.content, submoltId: r.submoltId, createdAt: r.createdAt })),
      ];
    },

    async handled(rows) {
      if (rows.length === 0) return;
      await p.db
        .delete(outbox)
        .where(and(p.dialect.inList(outbox.id, rows.map((r) => r.id), "bigint"), p.dialect.inList(outbox.targetId, [...new Set(rows.map((r) => r.targetId))], "text"), inArray(outbox.op, ["upsert", "delete"])));
    },

    async retry(items, error) {
      if (items.length === 0) return;
      const [head, ...rest] = items;
      const update = (db: Builder, i: { id: number; targetId: string; availableAt: number }) =>
        db.update(outbox).set({ attempts: sql`${outbox.attempts} + 1`, lastError: error, availableAt: i.availableAt }).where(and(eq(outbox.id, i.id), eq(outbox.targetId, i.targetId)));
      await p.atomic((db) => [update(db, head!), ...rest.map((i) => update(db, i))]);
    },
  };
}
