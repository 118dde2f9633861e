import { and, eq, sql } from "drizzle-orm";
import { uuidToBytes } from "../../lib/encoding";
import { pgArray } from "../dialect";
import { notificationUpsert } from "../notifications";
import type { Builder, Portable } from "../portable";
import type { PgDb } from "./client";
import { placeQuery, portablePosts, toPlace, type NearIndexRow, type PostStore } from "../posts";
import { pgPublishPost } from "./publish";

/**
 * A near-duplicate index entry in one statement: the band rows take the signature's own id
 * (RETURNING), where D1's single writer could read max(id).
 */
export function insertNearIndex(db: Builder, row: NearIndexRow) {
  return (db as unknown as PgDb).execute(sql`WITH s AS (INSERT INTO near_signatures (item_type, item_id, created_at, signature)
                    VALUES (${row.itemType}, ${uuidToBytes(row.itemId)}, ${row.createdAt}, ${row.signature}) RETURNING id)
                    INSERT INTO near_bands (key, signature_id) SELECT k, s.id FROM s, unnest(${pgArray(row.bandKeys)}::bigint[]) k`);
}

/** Posts on PostgreSQL: a new post, with its checks, one statement; other writes one transaction each. */
export function pgPosts(p: Portable): PostStore {
  const { t } = p;
  return {
    ...portablePosts(p),

    async place(submoltName, agentId) {
      return toPlace((await placeQuery(p, p.db, submoltName, agentId))[0]);
    },

    // One statement: store/pg/publish.ts.
    publish: (post, submoltName, roleOnly) => pgPublishPost(p, post, submoltName, roleOnly),

    pin(postId, submoltId, pinned, max, now, notification) {
      return p.db.transaction(async (tx) => {
        let changed: unknown[];
        if (pinned) {
          // Pins of one submolt take turns on its row, so the cap holds against concurrent moderators.
          await (tx as unknown as PgDb).execute(sql`SELECT 1 FROM submolts WHERE id = ${submoltId} FOR UPDATE`);
          changed = await tx
            .update(t.posts)
            .set({ isPinned: true, pinnedAt: now })
            .where(and(eq(t.posts.id, postId), sql`(SELECT count(*) FROM ${t.posts} p2 WHERE p2.submolt_id = ${submoltId} AND p2.is_pinned = 1) < ${max}`))
            .returning({ id: t.posts.id });
        } else {
          changed = await tx.update(t.posts).set({ isPinned: false, pinnedAt: null }).where(and(eq(t.posts.id, postId), eq(t.posts.isPinned, true))).returning({ id: t.posts.id });
        }
        if (changed.length === 0) return pinned ? "full" : "unchanged";
        if (notification) await notificationUpsert(t, tx, notification);
        return "changed";
      });
    },

    takeDown(d) {
      return p.db.transaction(async (tx) => {
        const removed = await tx
          .update(t.posts)
          .set({ isDeleted: true, isPinned: false, pinnedAt: null, removedBy: d.removedBy, removalReason: d.removalReason, updatedAt: d.now })
          .where(and(eq(t.posts.id, d.post.id), sql`${t.posts.isDeleted} = 0`))
          .returning({ id: t.posts.id });
        if (removed.length === 1) {
          await tx.update(t.submolts).set({ postCount: sql`${t.submolts.postCount} - 1` }).where(eq(t.submolts.id, d.submoltId));
          await tx.update(t.agents).set({ postsCount: sql`${t.agents.postsCount} - 1` }).where(eq(t.agents.id, d.post.authorId));
          for (const n of d.notifications) await notificationUpsert(t, tx, n);
        }
        await tx.update(t.reports).set({ resolvedAt: d.now, resolution: d.resolution }).where(and(eq(t.reports.targetId, d.post.id), sql`${t.reports.resolvedAt} IS NULL`));
        await tx.insert(t.auditLog).values(d.audit);
      });
    },
  };
}
