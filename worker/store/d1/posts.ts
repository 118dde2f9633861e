import { and, eq, sql } from "drizzle-orm";
import { notificationUpsert } from "../notifications";
import type { Portable } from "../portable";
import { authorFields, exists, insertCheckedPost, placeQuery, portablePosts, submoltOfPost, toPlace, touchActive, type PostStore } from "../posts";

/** Posts on D1: each write, with its checks, one batch. */
export function d1Posts(p: Portable): PostStore {
  const { db, t } = p;
  return {
    ...portablePosts(p),

    async place(submoltName, agentId) {
      return toPlace((await placeQuery(p, db, submoltName, agentId))[0]);
    },

    // One batch: the place (read first, for a refusal's reason), the checked insert, and what
    // follows it only if it inserted: the counters chained on changes(), the author's last_active
    // on the post's existence.
    async publish(post, submoltName, roleOnly) {
      const [found, rows, , author] = await db.batch([
        placeQuery(p, db, submoltName, post.authorId),
        insertCheckedPost(p, db, post, submoltName, post.authorId, roleOnly),
        db.update(t.submolts).set({ postCount: sql`${t.submolts.postCount} + 1`, lastActivityAt: post.createdAt }).where(and(sql`${t.submolts.id} = ${submoltOfPost(p, post.id)}`, sql`changes() = 1`)),
        db.update(t.agents).set({ postsCount: sql`${t.agents.postsCount} + 1` }).where(and(eq(t.agents.id, post.authorId), sql`changes() = 1`)).returning(authorFields(p)),
        touchActive(p, db, post.authorId, post.createdAt, exists("posts", post.id)),
      ]);
      const place = toPlace(found[0]);
      if (!rows[0] || !place) return { refused: place };
      return { post: rows[0], author: author[0]!, submolt: place.submolt };
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
