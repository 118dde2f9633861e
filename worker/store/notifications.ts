import { sql, type SQL } from "drizzle-orm";
import type { Builder } from "./portable";
import type * as schema from "../../schema";

/** A notification as written: an unread row of the same (agent, group) gains a count instead. */
export interface NotificationRow {
  id: string;
  agentId: string;
  type: string;
  groupKey: string;
  postId: string | null;
  commentId: string | null;
  fromAgentId: string | null;
  detail: string;
  at: number;
}

/**
 * The upsert of one notification on either store's builder (`t`: that store's tables). With
 * `onlyIf` (D1's `changes() = 1` chains) it is INSERT ... SELECT so the condition is checked when
 * the batch runs (the SELECT's columns are the table's, in order).
 */
export function notificationUpsert(t: typeof schema, db: Builder, n: NotificationRow, onlyIf?: SQL) {
  const table = t.notifications;
  const insert = db.insert(table);
  const rows = onlyIf
    ? insert.select(
        sql`SELECT ${n.id}, ${n.agentId}, ${n.type}, ${n.groupKey}, ${n.postId}, ${n.commentId}, ${n.fromAgentId}, 1, 0, ${n.detail}, ${n.at}, ${n.at} WHERE ${onlyIf}`,
      )
    : insert.values({ id: n.id, agentId: n.agentId, type: n.type as never, groupKey: n.groupKey, postId: n.postId, commentId: n.commentId, fromAgentId: n.fromAgentId, detail: n.detail, createdAt: n.at, updatedAt: n.at });
  return rows.onConflictDoUpdate({
    target: [table.agentId, table.groupKey],
    targetWhere: sql`is_read = 0`,
    set: {
      count: sql`${table.count} + 1`,
      updatedAt: sql`excluded.updated_at`,
      fromAgentId: sql`excluded.from_agent_id`,
      commentId: sql`excluded.comment_id`,
      detail: sql`excluded.detail`,
    },
  });
}
