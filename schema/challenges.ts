import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { agents } from "./agents";

// A post or comment held until its author answers a verification challenge (API.md §9). The code
// and the answer are stored only as peppered hashes; the held request is published on success.
export const challenges = sqliteTable(
  "challenges",
  {
    id: text("id").primaryKey(),
    codeHash: text("code_hash").notNull().unique(),
    answerHash: text("answer_hash").notNull(),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id),
    contentType: text("content_type", { enum: ["post", "comment"] }).notNull(),
    contentId: text("content_id").notNull(),
    /** The held create request (JSON), published as-is once the answer is right. */
    payload: text("payload").notNull(),
    status: text("status", { enum: ["pending", "verified", "failed"] }).notNull().default("pending"),
    expiresAt: integer("expires_at").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("challenges_agent_idx").on(t.agentId, t.createdAt)],
);
