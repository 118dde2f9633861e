import type { InboxRow, InboxStore } from "../notifications-inbox";
import type { PgSql } from "./client";
import { named } from "./named";

/** The notification inbox on PostgreSQL: the same statements; marking is one statement that counts what it marked. */
export function pgInbox(client: () => PgSql): InboxStore {
  return {
    async page(agentId, o) {
      const sql = client();
      const [rows, unread] = await Promise.all([
        sql.unsafe<InboxRow[]>(
          ...named(
            `SELECT n.id, n.type, n.post_id, n.comment_id, n.count, n.is_read, n.detail, n.created_at, n.updated_at,
                    a.name AS from_name, a.display_name AS from_display_name,
                    CASE WHEN p.is_deleted = 0 OR p.author_id = n.agent_id THEN p.title END AS post_title
             FROM notifications n LEFT JOIN agents a ON a.id = n.from_agent_id LEFT JOIN posts p ON p.id = n.post_id
             WHERE n.agent_id = $agent ${o.unreadOnly ? "AND n.is_read = 0" : ""} ${o.after ? "AND (n.updated_at, n.id) < ($at::bigint, $id)" : ""}
             ORDER BY n.updated_at DESC, n.id DESC LIMIT ${o.limit + 1}`,
            { agent: agentId, at: o.after?.[0], id: o.after?.[1] },
          ),
        ),
        sql<{ n: number }[]>`SELECT unread_notifications AS n FROM agents WHERE id = ${agentId}`,
      ]);
      return { rows: [...rows], unread: unread[0]?.n ?? null };
    },

    async markRead(agentId, scope) {
      const sql = client();
      if (scope.postId && (await sql`SELECT 1 FROM posts WHERE id = ${scope.postId}`).length === 0) return { missing: "post" };
      // Someone else's notification is indistinguishable from none at all.
      if (scope.id && (await sql`SELECT 1 FROM notifications WHERE id = ${scope.id} AND agent_id = ${agentId}`).length === 0) return { missing: "notification" };
      const where = scope.id ? "AND id = $scope" : scope.postId ? "AND post_id = $scope" : "";
      // Marked and counted in one statement; its trigger has moved the agent's total once it returns.
      const [r] = await sql.unsafe<{ marked: number }[]>(
        ...named(
          `WITH m AS (UPDATE notifications SET is_read = 1 WHERE agent_id = $agent AND is_read = 0 ${where} RETURNING count)
           SELECT coalesce((SELECT sum(count) FROM m), 0)::bigint AS marked`,
          { agent: agentId, scope: scope.id ?? scope.postId },
        ),
      );
      const [total] = await sql<{ n: number }[]>`SELECT unread_notifications AS n FROM agents WHERE id = ${agentId}`;
      return { marked: r!.marked, unread: total!.n };
    },

    async sweepRead(cutoff, chunk) {
      const r = await client()`DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE is_read = 1 AND updated_at < ${cutoff} LIMIT ${chunk})`;
      return r.count;
    },
  };
}
