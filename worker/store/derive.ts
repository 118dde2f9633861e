import { and, asc, eq, lte, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { auditInsertIf, type AuditRow } from "./audit";
import { rowValues } from "./insert-select";
import { notificationUpsert, type NotificationRow } from "./notifications";
import { candidatesQuery, type CandidateRow, type NearIndexRow, type NearQuery } from "./posts";
import type { Builder, Portable } from "./portable";

/** A new post or comment whose derived work is due (its outbox row is still 'create'); `item` null: the row is gone. */
export interface PendingItem {
  outboxId: number;
  attempts: number;
  type: "post" | "comment";
  id: string;
  item: {
    authorId: string;
    /** The author's owner now (the audit row's), and a post's submolt name. */
    ownerId: string | null;
    submoltName: string | null;
    title: string | null;
    content: string | null;
    url: string | null;
    createdAt: number;
    contentHash: string | null;
    flags: string;
    flagDetails: string;
    isDeleted: boolean;
    /** A comment's post and whom it answers (the post's author, the parent's if live); a post's own id. */
    postId: string;
    postAuthorId: string | null;
    parentAuthorId: string | null;
  } | null;
}

/** What the derive pass writes for one item: all of it once, or none of it (another pass got there first). */
export interface DerivedItem {
  outboxId: number;
  type: "post" | "comment";
  id: string;
  /** The keyword index takes the item as it then is (D1's FTS5; PostgreSQL's document is a generated column). */
  live: boolean;
  /** The item's flags when the pass changed them (near_duplicate). */
  flags: { flags: string; flagDetails: string } | null;
  nearIndex: NearIndexRow | null;
  notifications: NotificationRow[];
  /** Its day's counts (null when the item is gone). */
  stats: { day: number; contentHash: string | null; flagged: boolean } | null;
  /** The item's creation in the audit log (null when the item is gone). */
  audit: AuditRow | null;
}

/** A post whose hot rank waits for the pass, with the score and age it is ranked from (null: no such post). */
export interface RankDue {
  outboxId: number;
  attempts: number;
  id: string;
  score: number | null;
  createdAt: number | null;
}

export interface DeriveStore {
  /** Up to `limit` posts whose rank is due, oldest first. */
  rankDue(now: number, limit: number): Promise<RankDue[]>;
  /**
   * Sets each post's hot rank if its score is still the one ranked, and takes its outbox row only
   * then (a vote that moved the score since leaves the row for the next pass).
   */
  applyRanks(ranks: { outboxId: number; id: string; score: number | null; hot: number }[]): Promise<void>;
  /** Up to `limit` due items, oldest first. */
  pending(now: number, limit: number): Promise<PendingItem[]>;
  /** Each query's near-duplicate candidates, and the ids of the agents named (lower-cased name → id), in one call. */
  lookups(near: NearQuery[], names: string[]): Promise<{ candidates: CandidateRow[][]; mentioned: Map<string, string> }>;
  /** Writes every item's derived rows and turns its outbox row into the vector index's upsert; each item exactly once. */
  apply(items: DerivedItem[]): Promise<void>;
}

/** The reads, the same on both stores. */
export function portableDerive(p: Portable): Pick<DeriveStore, "pending" | "lookups" | "rankDue" | "applyRanks"> {
  const { searchOutbox: outbox, posts, comments, agents, submolts } = p.t;
  return {
    rankDue: (now, limit) =>
      p.db
        .select({ outboxId: outbox.id, attempts: outbox.attempts, id: outbox.targetId, score: posts.score, createdAt: posts.createdAt })
        .from(outbox)
        .leftJoin(posts, eq(posts.id, outbox.targetId))
        .where(and(eq(outbox.op, "rank"), lte(outbox.availableAt, now)))
        .orderBy(asc(outbox.id))
        .limit(limit),

    async applyRanks(ranks) {
      if (ranks.length === 0) return;
      const still = (r: (typeof ranks)[number]) => (r.score === null ? sql`TRUE` : sql`EXISTS (SELECT 1 FROM ${posts} x WHERE x.id = ${r.id} AND x.score = ${r.score})`);
      const statements = (db: Builder) =>
        ranks.flatMap((r) => [
          ...(r.score === null ? [] : [db.update(posts).set({ hot: r.hot }).where(and(eq(posts.id, r.id), eq(posts.score, r.score)))]),
          db.delete(outbox).where(and(eq(outbox.id, r.outboxId), eq(outbox.targetId, r.id), eq(outbox.op, "rank"), still(r))),
        ]);
      await p.atomic((db) => statements(db) as unknown as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    },

    async pending(now, limit) {
      const due = (type: "post" | "comment") => and(eq(outbox.op, "create"), eq(outbox.targetType, type), lte(outbox.availableAt, now));
      const [postRows, commentRows] = await p.reads((db) => [
        db
          .select({
            outboxId: outbox.id,
            attempts: outbox.attempts,
            id: outbox.targetId,
            authorId: posts.authorId,
            title: posts.title,
            content: posts.content,
            url: posts.url,
            createdAt: posts.createdAt,
            contentHash: posts.contentHash,
            flags: posts.flags,
            flagDetails: posts.flagDetails,
            isDeleted: posts.isDeleted,
            ownerId: sql<string | null>`(SELECT a.owner_id FROM ${agents} a WHERE a.id = ${posts.authorId})`,
            submoltName: sql<string | null>`(SELECT s.name FROM ${submolts} s WHERE s.id = ${posts.submoltId})`,
          })
          .from(outbox)
          .leftJoin(posts, eq(posts.id, outbox.targetId))
          .where(due("post"))
          .orderBy(asc(outbox.id))
          .limit(limit),
        db
          .select({
            outboxId: outbox.id,
            attempts: outbox.attempts,
            id: outbox.targetId,
            authorId: comments.authorId,
            content: comments.content,
            createdAt: comments.createdAt,
            contentHash: comments.contentHash,
            flags: comments.flags,
            flagDetails: comments.flagDetails,
            isDeleted: comments.isDeleted,
            postId: comments.postId,
            postAuthorId: sql<string | null>`(SELECT x.author_id FROM ${posts} x WHERE x.id = ${comments.postId})`,
            parentAuthorId: sql<string | null>`(SELECT pc.author_id FROM ${comments} pc WHERE pc.id = ${comments.parentId} AND pc.is_deleted = 0)`,
            ownerId: sql<string | null>`(SELECT a.owner_id FROM ${agents} a WHERE a.id = ${comments.authorId})`,
          })
          .from(outbox)
          .leftJoin(comments, eq(comments.id, outbox.targetId))
          .where(due("comment"))
          .orderBy(asc(outbox.id))
          .limit(limit),
      ]);
      const items: PendingItem[] = [
        ...postRows.map((r) => ({
          outboxId: r.outboxId,
          attempts: r.attempts,
          type: "post" as const,
          id: r.id,
          item: r.authorId === null ? null : { authorId: r.authorId, ownerId: r.ownerId, submoltName: r.submoltName, title: r.title, content: r.content, url: r.url, createdAt: r.createdAt!, contentHash: r.contentHash, flags: r.flags!, flagDetails: r.flagDetails!, isDeleted: !!r.isDeleted, postId: r.id, postAuthorId: null, parentAuthorId: null },
        })),
        ...commentRows.map((r) => ({
          outboxId: r.outboxId,
          attempts: r.attempts,
          type: "comment" as const,
          id: r.id,
          item: r.authorId === null ? null : { authorId: r.authorId, ownerId: r.ownerId, submoltName: null, title: null, content: r.content, url: null, createdAt: r.createdAt!, contentHash: r.contentHash, flags: r.flags!, flagDetails: r.flagDetails!, isDeleted: !!r.isDeleted, postId: r.postId!, postAuthorId: r.postAuthorId, parentAuthorId: r.parentAuthorId },
        })),
      ];
      return items.sort((a, b) => a.outboxId - b.outboxId).slice(0, limit);
    },

    async lookups(near, names) {
      const queries = [...near.map((q) => (db: Builder) => candidatesQuery(p, db, q)), ...(names.length ? [(db: Builder) => db.select({ id: agents.id, nameKey: agents.nameKey }).from(agents).where(p.dialect.inList(agents.nameKey, names, "text"))] : [])];
      if (queries.length === 0) return { candidates: [], mentioned: new Map() };
      const [head, ...rest] = queries;
      const results = (await p.reads((db) => [head!(db), ...rest.map((q) => q(db))] as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]])) as unknown[];
      const candidates = results.slice(0, near.length) as CandidateRow[][];
      const found = (names.length ? results[near.length] : []) as { id: string; nameKey: string }[];
      return { candidates, mentioned: new Map(found.map((a) => [a.nameKey, a.id])) };
    },
  };
}

/**
 * An item's derived rows both stores write the same way, each only if `onlyIf` holds when it runs
 * (D1: the outbox row is still 'create'; PostgreSQL: TRUE, the transaction claimed the row first).
 * Daily stats: an exact duplicate is an item whose text fingerprint an earlier item left (the pass
 * takes items in the order they were written).
 */
export function derivedRows(p: Portable, db: Builder, d: DerivedItem, onlyIf: SQL): BatchItem<"sqlite">[] {
  const { posts, comments, dailyStats, contentFingerprints: prints } = p.t;
  const itemType = d.type === "post" ? 0 : 1;
  const table = d.type === "post" ? posts : comments;
  const statements: BatchItem<"sqlite">[] = [];
  if (d.flags) statements.push(db.update(table).set(d.flags).where(and(eq(table.id, d.id), onlyIf)));
  statements.push(...d.notifications.map((n) => notificationUpsert(p.t, db, n, onlyIf)));
  if (d.stats) {
    const { day, contentHash, flagged } = d.stats;
    const duplicate = contentHash === null ? sql`0` : sql`(CASE WHEN EXISTS (SELECT 1 FROM ${prints} f WHERE f.item_type = ${itemType} AND f.hash = ${contentHash}) THEN 1 ELSE 0 END)`;
    const counts = d.type === "post" ? { posts: 1 } : { comments: 1 };
    statements.push(
      db
        .insert(dailyStats)
        .select(sql`SELECT ${rowValues(dailyStats, { day, ...counts, flagged: flagged ? 1 : 0 }, { duplicates: duplicate })} WHERE ${onlyIf}`)
        .onConflictDoUpdate({
          target: dailyStats.day,
          set: {
            posts: sql`${dailyStats.posts} + excluded.posts`,
            comments: sql`${dailyStats.comments} + excluded.comments`,
            duplicates: sql`${dailyStats.duplicates} + excluded.duplicates`,
            flagged: sql`${dailyStats.flagged} + excluded.flagged`,
          },
        }),
    );
    if (contentHash !== null) statements.push(db.insert(prints).select(sql`SELECT ${itemType}, ${contentHash} WHERE ${onlyIf}`).onConflictDoNothing());
  }
  if (d.audit) statements.push(auditInsertIf(p, db, d.audit, onlyIf));
  return statements;
}
