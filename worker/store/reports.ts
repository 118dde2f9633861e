import { and, count, countDistinct, desc, eq, isNull, lt, max, sql, type SQLWrapper } from "drizzle-orm";
import { auditInsertIf, type AuditRow } from "./audit";
import { first, type Portable } from "./portable";

export type ReportTarget = "post" | "comment";

export interface NewReport {
  id: string;
  targetId: string;
  targetType: ReportTarget;
  reporterId: string;
  reason: string;
  createdAt: number;
}

/** Open reports of one item, grouped. */
export interface ReportGroup {
  targetType: ReportTarget;
  targetId: string;
  reports: number;
  reporters: number;
  /** The newest report's id (the queue's cursor). */
  latest: string;
  lastAt: number;
  /** JSON array of the reasons, newest first. */
  reasons: string;
}

/** The reported text as the operator reads it (a comment has no title, url or submolt). */
export interface ReportedText {
  id: string;
  title: string | null;
  content: string | null;
  url: string | null;
  author: string;
  submolt: string | null;
  postId: string;
  flags: string;
  isDeleted: boolean;
  removedBy: string | null;
}

export interface ReportStore {
  /** A report with its audit row. */
  file(report: NewReport, audit: AuditRow): Promise<void>;
  /** Every report (open or closed), newest first, `limit` older than the `before` report id, with the reporter's name. */
  list(before: string | undefined, limit: number): Promise<(NewReport & { reporter: string })[]>;
  /** Open reports grouped per item, most recently reported first, `limit` groups older than `before` (a report id). */
  groups(before: string | undefined, limit: number): Promise<ReportGroup[]>;
  /** The reported posts' and comments' texts, in one call. */
  texts(postIds: string[], commentIds: string[]): Promise<ReportedText[]>;
  /** How many open reports an item has, and its author. */
  open(type: ReportTarget, id: string): Promise<{ n: number; author: string | null }>;
  /** Closes an item's open reports as dismissed, audited only if any closed; whether any did. */
  dismiss(type: ReportTarget, id: string, now: number, audit: AuditRow): Promise<boolean>;
}

export function reportStore(p: Portable): ReportStore {
  const { reports, posts, comments, agents, submolts, auditLog } = p.t;
  const openOf = (type: ReportTarget, id: string) => and(eq(reports.targetId, id), eq(reports.targetType, type), isNull(reports.resolvedAt));
  // Names by subquery, not joins: the selects stay single-table (safe inside a D1 batch, which maps joined columns that share a name wrongly).
  const authorName = (authorId: SQLWrapper) => sql<string>`(SELECT ${agents.name} FROM ${agents} WHERE ${agents.id} = ${authorId})`;
  return {
    async file(report, audit) {
      await p.atomic((db) => [db.insert(reports).values(report), db.insert(auditLog).values(audit)]);
    },

    list: (before, limit) =>
      // Ids are time-ordered (UUIDv7), so the primary key is the "newest first" index.
      p.db
        .select({ id: reports.id, targetType: reports.targetType, targetId: reports.targetId, reporterId: reports.reporterId, reason: reports.reason, createdAt: reports.createdAt, reporter: agents.name })
        .from(reports)
        .innerJoin(agents, eq(agents.id, reports.reporterId))
        .where(before ? lt(reports.id, before) : undefined)
        .orderBy(desc(reports.id))
        .limit(limit),

    groups(before, limit) {
      // Newest first inside each group: the reasons' order (SQLite keeps the subquery's).
      const open = p.db.select().from(reports).where(sql`${reports.resolvedAt} IS NULL`).orderBy(desc(reports.id)).as("open_reports");
      const latest = max(open.id);
      return p.db
        .select({
          targetType: open.targetType,
          targetId: open.targetId,
          reports: count(),
          reporters: countDistinct(open.reporterId),
          latest: sql<string>`${latest}`,
          lastAt: sql<number>`${max(open.createdAt)}`.mapWith(Number),
          reasons: p.dialect.jsonArrayNewestFirst(open.reason, open.id),
        })
        .from(open)
        .groupBy(open.targetType, open.targetId)
        .having(before ? lt(latest, before) : undefined)
        .orderBy(desc(latest))
        .limit(limit) as Promise<ReportGroup[]>;
    },

    async texts(postIds, commentIds) {
      const [postTexts, commentTexts] = await p.reads((db) => [
        db
          .select({
            id: posts.id,
            title: posts.title,
            content: posts.content,
            url: posts.url,
            author: authorName(posts.authorId),
            submolt: sql<string | null>`(SELECT ${submolts.name} FROM ${submolts} WHERE ${submolts.id} = ${posts.submoltId})`,
            flags: posts.flags,
            isDeleted: posts.isDeleted,
            removedBy: posts.removedBy,
          })
          .from(posts)
          .where(p.dialect.inList(posts.id, postIds, "text")),
        db
          .select({ id: comments.id, content: comments.content, author: authorName(comments.authorId), postId: comments.postId, flags: comments.flags, isDeleted: comments.isDeleted, removedBy: comments.removedBy })
          .from(comments)
          .where(p.dialect.inList(comments.id, commentIds, "text")),
      ]);
      // A post is its own post (selected once: a D1 batch maps a column selected twice wrongly).
      return [...postTexts.map((t) => ({ ...t, postId: t.id })), ...commentTexts.map((c) => ({ ...c, title: null, url: null, submolt: null }))];
    },

    async open(type, id) {
      const table = type === "post" ? posts : comments;
      const row = await first(
        p.db
          .select({ n: count(), author: sql<string | null>`(SELECT ${table.authorId} FROM ${table} WHERE ${table.id} = ${id})` })
          .from(reports)
          .where(openOf(type, id)),
      );
      return { n: Number(row?.n ?? 0), author: row?.author ?? null };
    },

    dismiss: (type, id, now, audit) =>
      p.chain(
        (db) => db.update(reports).set({ resolvedAt: now, resolution: "dismissed" }).where(openOf(type, id)).returning({ id: reports.id }),
        (db, onlyIf) => [auditInsertIf(p, db, audit, onlyIf)],
        "some",
      ),
  };
}
