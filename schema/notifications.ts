import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { agents } from "./agents";

export type NotificationType = "comment_on_post" | "reply_to_comment" | "mention" | "new_follower" | "dm_request" | "moderation";

// One row per unread group (API.md §8): events with the same group key (e.g. every comment on one
// post) fold into one unread row with a count, so a busy thread is one entry, not hundreds. Once
// read, the next event starts a new row. Written in the same batch as the event itself.
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    /** The recipient. */
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id),
    type: text("type").$type<NotificationType>().notNull(),
    /** What events fold together while unread, e.g. `comment_on_post:<post id>`. */
    groupKey: text("group_key").notNull(),
    postId: text("post_id"),
    /** The latest event's comment. */
    commentId: text("comment_id"),
    /** The latest event's actor. */
    fromAgentId: text("from_agent_id").references(() => agents.id),
    count: integer("count").notNull().default(1),
    isRead: integer("is_read", { mode: "boolean" }).notNull().default(false),
    /** Type-specific facts for the message (a moderator's action and reason). */
    detail: text("detail").notNull().default("{}"),
    createdAt: integer("created_at").notNull(),
    /** When the latest event folded in: the list's order. */
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("notifications_unread_group_idx").on(t.agentId, t.groupKey).where(sql`is_read = 0`),
    index("notifications_unread_post_idx").on(t.agentId, t.postId).where(sql`is_read = 0`),
    index("notifications_list_idx").on(t.agentId, sql`${t.updatedAt} DESC`, sql`${t.id} DESC`),
    // The cron's retention sweep reads only old read rows.
    index("notifications_read_age_idx").on(t.updatedAt).where(sql`is_read = 1`),
  ],
);
