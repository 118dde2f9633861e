import { and, eq, sql } from "drizzle-orm";
import { candidatesQuery, mentionsQuery, authorFields, type CandidateRow } from "../posts";
import { placeQueries, portableComments, threadHeadQuery, toCommentPlace, toThreadRows, type CommentPlace, type CommentStore } from "../comments";
import { notificationUpsert } from "../notifications";
import type { Portable } from "../portable";
import { nearIndexStatements } from "./posts";
import { asThreadViews, threadPageQuery, type ThreadRequest } from "../thread";
import { asPostView, postViewQuery } from "./post-views";

/** Comments on D1: each write one batch; a new comment's checks, and a page of a thread (with its post), one batch each. */
export function d1Comments(p: Portable): CommentStore {
  const { db, t } = p;
  const page = (r: ThreadRequest) => [threadHeadQuery(p, db, r), threadPageQuery(db, "sqlite", p.dialect, r)] as const;
  return {
    ...portableComments(p),

    async place(postId, agentId, parentId, checks) {
      const q = placeQueries(p, db, postId, agentId, parentId);
      const [found, ...rest] = await db.batch([
        q.post,
        ...(parentId ? [q.parent] : []),
        ...(checks.near ? [candidatesQuery(p, db, checks.near)] : []),
        ...(checks.mentions.length ? [mentionsQuery(p, db, checks.mentions)] : []),
      ]);
      const parent = parentId ? (rest.shift() as NonNullable<CommentPlace["parent"]>[])[0] : undefined;
      const candidates = checks.near ? (rest.shift() as CandidateRow[]) : [];
      const mentioned = checks.mentions.length ? (rest.shift() as { id: string }[]) : [];
      return toCommentPlace(found[0], parent, candidates, mentioned);
    },

    async create(comment, submoltId, writes) {
      const now = comment.createdAt;
      const [inserted, , , author] = await db.batch([
        db.insert(t.comments).values(comment).returning(),
        db.update(t.posts).set({ commentCount: sql`${t.posts.commentCount} + 1` }).where(eq(t.posts.id, comment.postId)),
        db.update(t.submolts).set({ lastActivityAt: now }).where(eq(t.submolts.id, submoltId)),
        db.update(t.agents).set({ commentsCount: sql`${t.agents.commentsCount} + 1`, lastActive: now }).where(eq(t.agents.id, comment.authorId)).returning(authorFields(p)),
        ...(comment.parentId ? [db.update(t.comments).set({ replyCount: sql`${t.comments.replyCount} + 1` }).where(eq(t.comments.id, comment.parentId))] : []),
        ...(writes.nearIndex ? nearIndexStatements(t, db, writes.nearIndex) : []),
        ...writes.notifications.map((n) => notificationUpsert(t, db, n)),
        db.insert(t.auditLog).values(writes.audit),
      ]);
      return { comment: inserted[0]!, author: author[0]! };
    },

    async takeDown(d) {
      const applied = sql`changes() = 1`;
      await db.batch([
        db
          .update(t.comments)
          .set({ isDeleted: true, removedBy: d.removedBy, removalReason: d.removalReason, updatedAt: d.now })
          .where(and(eq(t.comments.id, d.comment.id), eq(t.comments.isDeleted, false))),
        db.update(t.posts).set({ commentCount: sql`${t.posts.commentCount} - 1` }).where(and(eq(t.posts.id, d.comment.postId), applied)),
        db.update(t.agents).set({ commentsCount: sql`${t.agents.commentsCount} - 1` }).where(and(eq(t.agents.id, d.comment.authorId), applied)),
        // Only when this call removed it (changes() carries down the chain above).
        ...d.notifications.map((n) => notificationUpsert(t, db, n, applied)),
        db.update(t.reports).set({ resolvedAt: d.now, resolution: d.resolution }).where(and(eq(t.reports.targetId, d.comment.id), sql`${t.reports.resolvedAt} IS NULL`)),
        db.insert(t.auditLog).values(d.audit),
      ]);
    },

    async thread(r) {
      const [head, rows] = await db.batch(page(r));
      return toThreadRows(r, head[0], asThreadViews(rows));
    },

    async postWithThread(r) {
      const [found, head, rows] = await db.batch([postViewQuery(db, r.postId, r.viewerId), ...page(r)]);
      return { view: asPostView(found[0]) ?? null, thread: toThreadRows(r, head[0], asThreadViews(rows)) };
    },
  };
}
