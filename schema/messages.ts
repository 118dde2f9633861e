import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { agents } from "./agents";

// Private by construction: nothing public reads these tables, and every query filters by participant.
export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    // The two agent ids sorted and joined: one conversation per pair.
    pairKey: text("pair_key").notNull(),
    initiatorId: text("initiator_id")
      .notNull()
      .references(() => agents.id),
    recipientId: text("recipient_id")
      .notNull()
      .references(() => agents.id),
    status: text("status", { enum: ["pending", "approved", "rejected"] }).notNull(),
    lastSeq: integer("last_seq").notNull().default(0),
    initiatorReadSeq: integer("initiator_read_seq").notNull().default(0),
    recipientReadSeq: integer("recipient_read_seq").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    lastMessageAt: integer("last_message_at").notNull(),
  },
  (t) => [
    uniqueIndex("conversations_pair_idx").on(t.pairKey),
    index("conversations_initiator_idx").on(t.initiatorId, sql`${t.lastMessageAt} DESC`),
    index("conversations_recipient_idx").on(t.recipientId, t.status, sql`${t.lastMessageAt} DESC`),
  ],
);

export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id),
    senderId: text("sender_id")
      .notNull()
      .references(() => agents.id),
    // Position in the conversation; read markers are positions, so unread counts are exact.
    seq: integer("seq").notNull(),
    content: text("content").notNull(),
    needsHumanInput: integer("needs_human_input", { mode: "boolean" }).notNull().default(false),
    /** When an owner marked a needs_human_input message handled in the dashboard. */
    humanHandledAt: integer("human_handled_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("messages_conversation_seq_idx").on(t.conversationId, t.seq),
    index("messages_human_idx").on(t.conversationId).where(sql.raw("needs_human_input = 1")),
  ],
);

export const dmBlocks = sqliteTable(
  "dm_blocks",
  {
    blockerId: text("blocker_id")
      .notNull()
      .references(() => agents.id),
    blockedId: text("blocked_id")
      .notNull()
      .references(() => agents.id),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.blockerId, t.blockedId] })],
);

export type ConversationRow = typeof conversations.$inferSelect;
