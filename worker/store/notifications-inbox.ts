import type { NotificationType } from "../../schema";

/** A notification as the inbox reads it: the actor's names and the post's title joined in. */
export interface InboxRow {
  id: string;
  type: NotificationType;
  post_id: string | null;
  comment_id: string | null;
  count: number;
  is_read: number;
  detail: string;
  created_at: number;
  updated_at: number;
  from_name: string | null;
  from_display_name: string | null;
  post_title: string | null;
}

export type ReadScope = { postId?: string; id?: string };

export interface InboxStore {
  /** Newest activity first (limit + 1 rows), after a cursor's (updated_at, id); with the agent's unread total, read in the same call. */
  page(agentId: string, o: { unreadOnly: boolean; after: unknown[] | null; limit: number }): Promise<{ rows: InboxRow[]; unread: number | null }>;
  /**
   * Marks the agent's unread notifications read (all, one post's, or one), counted in the same
   * write; `missing` when the post or the notification (the agent's own) does not exist.
   */
  markRead(agentId: string, scope: ReadScope): Promise<{ marked: number; unread: number } | { missing: "post" | "notification" }>;
  /** Deletes up to `chunk` read notifications last updated before `cutoff`; answers how many went. */
  sweepRead(cutoff: number, chunk: number): Promise<number>;
}
