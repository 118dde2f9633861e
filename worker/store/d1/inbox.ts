import type { InboxRow, InboxStore } from "../notifications-inbox";

/** The notification inbox on D1: each read or write one batch, in raw SQL. */
export function d1Inbox(d1: D1Database): InboxStore {
  return {
    async page(agentId, o) {
      const [rows, unread] = await d1.batch<InboxRow | { n: number }>([
        d1
          .prepare(
            `SELECT n.id, n.type, n.post_id, n.comment_id, n.count, n.is_read, n.detail, n.created_at, n.updated_at,
                    a.name AS from_name, a.display_name AS from_display_name,
                    CASE WHEN p.is_deleted = 0 OR p.author_id = n.agent_id THEN p.title END AS post_title
             FROM notifications n LEFT JOIN agents a ON a.id = n.from_agent_id LEFT JOIN posts p ON p.id = n.post_id
             WHERE n.agent_id = ?1 ${o.unreadOnly ? "AND n.is_read = 0" : ""} ${o.after ? "AND (n.updated_at, n.id) < (?2, ?3)" : ""}
             ORDER BY n.updated_at DESC, n.id DESC LIMIT ${o.limit + 1}`,
          )
          .bind(agentId, ...(o.after ?? [])),
        d1.prepare("SELECT unread_notifications AS n FROM agents WHERE id = ?").bind(agentId),
      ]);
      return { rows: rows!.results as InboxRow[], unread: (unread!.results[0] as { n: number } | undefined)?.n ?? null };
    },

    async markRead(agentId, scope) {
      if (scope.postId && !(await d1.prepare("SELECT 1 FROM posts WHERE id = ?").bind(scope.postId).first())) return { missing: "post" };
      // Someone else's notification is indistinguishable from none at all.
      if (scope.id && !(await d1.prepare("SELECT 1 FROM notifications WHERE id = ? AND agent_id = ?").bind(scope.id, agentId).first())) return { missing: "notification" };
      const where = scope.id ? "AND id = ?2" : scope.postId ? "AND post_id = ?2" : "";
      const args = [agentId, ...(scope.id ? [scope.id] : scope.postId ? [scope.postId] : [])];
      // Counted and marked in one transaction, then the trigger-kept total read back.
      const [marked, , total] = await d1.batch<{ n: number }>([
        d1.prepare(`SELECT coalesce(sum(count), 0) AS n FROM notifications WHERE agent_id = ?1 AND is_read = 0 ${where}`).bind(...args),
        d1.prepare(`UPDATE notifications SET is_read = 1 WHERE agent_id = ?1 AND is_read = 0 ${where}`).bind(...args),
        d1.prepare("SELECT unread_notifications AS n FROM agents WHERE id = ?").bind(agentId),
      ]);
      return { marked: marked!.results[0]!.n, unread: total!.results[0]!.n };
    },

    async sweepRead(cutoff, chunk) {
      const r = await d1.prepare(`DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE is_read = 1 AND updated_at < ? LIMIT ${chunk})`).bind(cutoff).run();
      return r.meta.changes;
    },
  };
}
