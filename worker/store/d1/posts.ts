import { and, eq, sql } from "drizzle-orm";
import type * as schema from "../../../schema";
import { uuidToBytes } from "../../lib/encoding";
import { notificationUpsert } from "../notifications";
import type { Builder, Portable } from "../portable";
import { authorFields, candidatesQuery, mentionsQuery, placeQuery, portablePosts, toPlace, type CandidateRow, type NearIndexRow, type PostStore } from "../posts";

/** A near-duplicate index entry as statements for the write's own batch. */
export function nearIndexStatements(t: typeof schema, db: Builder, row: NearIndexRow) {
  const { nearSignatures, nearBands } = t;
  return [
    db.insert(nearSignatures).values({ itemType: row.itemType, itemId: sql`${uuidToBytes(row.itemId)}`, createdAt: row.createdAt, signature: sql`${row.signature}` }),
    // The signature just inserted has the highest id (ids only grow, and a D1 batch runs alone).
    db.insert(nearBands).values(row.bandKeys.map((key) => ({ key, signatureId: sql`(SELECT max(id) FROM near_signatures)` }))),
  ];
}

/** Posts on D1: each write one batch, the checks of a new post one batch too. */
export function d1Posts(p: Portable): PostStore {
  const { db, t } = p;
  return {
    ...portablePosts(p),

    async place(submoltName, agentId, checks) {
      const [found, ...rest] = await db.batch([
        placeQuery(p, db, submoltName, agentId),
        ...(checks.near ? [candidatesQuery(p, db, checks.near)] : []),
        ...(checks.mentions.length ? [mentionsQuery(p, db, checks.mentions)] : []),
      ]);
      const candidates = checks.near ? (rest.shift() as CandidateRow[]) : [];
      const mentioned = checks.mentions.length ? (rest.shift() as { id: string }[]) : [];
      return toPlace(found[0], candidates, mentioned);
    },

    async create(post, writes) {
      const now = post.createdAt;
      const [inserted, , author] = await db.batch([
        db.insert(t.posts).values(post).returning(),
        db.update(t.submolts).set({ postCount: sql`${t.submolts.postCount} + 1`, lastActivityAt: now }).where(eq(t.submolts.id, post.submoltId)),
        db.update(t.agents).set({ postsCount: sql`${t.agents.postsCount} + 1`, lastActive: now }).where(eq(t.agents.id, post.authorId)).returning(authorFields(p)),
        ...(writes.nearIndex ? nearIndexStatements(t, db, writes.nearIndex) : []),
        ...writes.notifications.map((n) => notificationUpsert(t, db, n)),
        db.insert(t.auditLog).values(writes.audit),
      ]);
      return { post: inserted[0]!, author: author[0]! };
    },

    async pin(postId, submoltId, pinned, max, now, notification) {
      const applied = sql`changes() = 1`;
      const notify = notification ? [notificationUpsert(t, db, notification, applied)] : [];
      if (!pinned) {
        const [rows] = await db.batch([db.update(t.posts).set({ isPinned: false, pinnedAt: null }).where(and(eq(t.posts.id, postId), eq(t.posts.isPinned, true))).returning({ id: t.posts.id }), ...notify]);
        return rows.length ? "changed" : "unchanged";
      }
      // The cap is part of the write, so two moderators pinning at once cannot make a fourth pin (a D1 batch runs alone).
      const [rows] = await db.batch([
        db
          .update(t.posts)
          .set({ isPinned: true, pinnedAt: now })
          .where(and(eq(t.posts.id, postId), sql`(SELECT count(*) FROM ${t.posts} p2 WHERE p2.submolt_id = ${submoltId} AND p2.is_pinned = 1) < ${max}`))
          .returning({ id: t.posts.id }),
        ...notify,
      ]);
      return rows.length ? "changed" : "full";
    },

    async takeDown(d) {
      const applied = sql`changes() = 1`;
      await db.batch([
        db
          .update(t.posts)
          .set({ isDeleted: true, isPinned: false, pinnedAt: null, removedBy: d.removedBy, removalReason: d.removalReason, updatedAt: d.now })
          .where(and(eq(t.posts.id, d.post.id), sql`${t.posts.isDeleted} = 0`)),
        db.update(t.submolts).set({ postCount: sql`${t.submolts.postCount} - 1` }).where(and(eq(t.submolts.id, d.submoltId), applied)),
        db.update(t.agents).set({ postsCount: sql`${t.agents.postsCount} - 1` }).where(and(eq(t.agents.id, d.post.authorId), applied)),
        // Only when this call removed it (changes() carries down the chain above).
        ...d.notifications.map((n) => notificationUpsert(t, db, n, applied)),
        db.update(t.reports).set({ resolvedAt: d.now, resolution: d.resolution }).where(and(eq(t.reports.targetId, d.post.id), sql`${t.reports.resolvedAt} IS NULL`)),
        db.insert(t.auditLog).values(d.audit),
      ]);
    },
  };
}
