import { and, eq, sql } from "drizzle-orm";
import { authorFields, exists, submoltOfPost, touchActive } from "../posts";
import { insertCheckedComment, placeQueries, portableComments, threadHeadQuery, toCommentPlace, toThreadRows, type CommentStore } from "../comments";
import { notificationUpsert } from "../notifications";
import type { Portable } from "../portable";
import { asThreadViews, threadPageQuery, type ThreadRequest } from "../thread";
import { asPostView, postViewQuery } from "./post-views";

/** Comments on D1: each write, with its checks, one batch; a page of a thread (with its post) one batch. */
export function d1Comments(p: Portable): CommentStore {
  const { db, t } = p;
  const page = (r: ThreadRequest) => [threadHeadQuery(p, db, r), threadPageQuery(db, "sqlite", p.dialect, r)] as const;
  return {
    ...portableComments(p),

    async place(postId, agentId, parentId) {
      const q = placeQueries(p, db, postId, agentId, parentId);
      const [found, parent] = await db.batch([q.post, q.parent]);
      return toCommentPlace(found[0], parentId ? parent[0] : undefined);
    },

    // One batch: the place (read first, for a refusal's reason), the checked insert, and what
    // follows it only if it inserted: the counters chained on changes(), the parent's reply count
    // and the author's last_active on the comment's existence.
    async publish(comment, maxDepth) {
      const q = placeQueries(p, db, comment.postId, comment.authorId, comment.parentId);
      const inserted = exists("comments", comment.id);
      const [found, parent, rows, , , author] = await db.batch([
        q.post,
        q.parent,
        insertCheckedComment(p, db, comment, maxDepth),
        db.update(t.posts).set({ commentCount: sql`${t.posts.commentCount} + 1` }).where(and(eq(t.posts.id, comment.postId), sql`changes() = 1`)),
        db.update(t.submolts).set({ lastActivityAt: comment.createdAt }).where(and(sql`${t.submolts.id} = ${submoltOfPost(p, comment.postId)}`, sql`changes() = 1`)),
        db.update(t.agents).set({ commentsCount: sql`${t.agents.commentsCount} + 1` }).where(and(eq(t.agents.id, comment.authorId), sql`changes() = 1`)).returning(authorFields(p)),
        db.update(t.comments).set({ replyCount: sql`${t.comments.replyCount} + 1` }).where(and(eq(t.comments.id, comment.parentId ?? ""), inserted)),
        touchActive(p, db, comment.authorId, comment.createdAt, inserted),
      ]);
      const place = toCommentPlace(found[0], comment.parentId ? parent[0] : undefined);
      if (!rows[0] || !place) return { refused: place };
      return { comment: rows[0], author: author[0]! };
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
