import { and, eq, sql } from "drizzle-orm";
import { portablePosts } from "../posts";
import { pgPublishComment } from "./publish";
import { placeQueries, portableComments, threadHeadQuery, toCommentPlace, toThreadRows, type CommentStore } from "../comments";
import { asThreadViews, threadPageQuery, type ThreadRequest } from "../thread";
import { notificationUpsert } from "../notifications";
import type { Portable } from "../portable";

/** Comments on PostgreSQL: each write one transaction; reads side by side. */
export function pgComments(p: Portable): CommentStore {
  const { t } = p;
  const comments = portableComments(p);
  /** The head and the page's views side by side on the request's connection. */
  const thread = async (r: ThreadRequest) => {
    const [head, rows] = await Promise.all([threadHeadQuery(p, p.db, r), threadPageQuery(p.db, "postgres", p.dialect, r)]);
    return toThreadRows(r, head[0], asThreadViews(rows));
  };
  return {
    ...comments,

    async place(postId, agentId, parentId) {
      const q = placeQueries(p, p.db, postId, agentId, parentId);
      const [found, parent] = await Promise.all([q.post, parentId ? q.parent : []]);
      return toCommentPlace(found[0], parent[0]);
    },

    // One statement: store/pg/publish.ts.
    publish: (comment, maxDepth) => pgPublishComment(p, comment, maxDepth),

    takeDown(d) {
      return p.db.transaction(async (tx) => {
        const removed = await tx
          .update(t.comments)
          .set({ isDeleted: true, removedBy: d.removedBy, removalReason: d.removalReason, updatedAt: d.now })
          .where(and(eq(t.comments.id, d.comment.id), eq(t.comments.isDeleted, false)))
          .returning({ id: t.comments.id });
        if (removed.length === 1) {
          await tx.update(t.posts).set({ commentCount: sql`${t.posts.commentCount} - 1` }).where(eq(t.posts.id, d.comment.postId));
          await tx.update(t.agents).set({ commentsCount: sql`${t.agents.commentsCount} - 1` }).where(eq(t.agents.id, d.comment.authorId));
          for (const n of d.notifications) await notificationUpsert(t, tx, n);
        }
        await tx.update(t.reports).set({ resolvedAt: d.now, resolution: d.resolution }).where(and(eq(t.reports.targetId, d.comment.id), sql`${t.reports.resolvedAt} IS NULL`));
        await tx.insert(t.auditLog).values(d.audit);
      });
    },

    thread,

    async postWithThread(r) {
      const [view, found] = await Promise.all([portablePosts(p).view(r.postId, r.viewerId), thread(r)]);
      return { view, thread: found };
    },
  };
}
