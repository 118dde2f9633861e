import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

// Append-only: triggers in the migrations refuse UPDATE and DELETE. Since migration 0019 a WITHOUT
// ROWID table keyed by (agent, id): each row is stored once, already in the order an agent's trail is
// read, with no index repeating both ids. Events about no agent (operator actions) have agent_id ''.
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").notNull(),
    at: integer("at").notNull(),
    /** NULL when the agent acted on itself ("agent:<agent_id>", most rows): services/audit.ts fills it in on read. */
    actor: text("actor"),
    action: text("action").notNull(),
    agentId: text("agent_id").notNull().default(""),
    ownerId: text("owner_id"),
    target: text("target"),
    detail: text("detail").notNull().default("{}"),
  },
  (t) => [
    primaryKey({ columns: [t.agentId, t.id] }),
    // Only the key-rotation limit looks rows up by action: a partial index, not an entry per post and comment.
    index("audit_key_rotate_idx").on(t.agentId, t.at).where(sql.raw("action = 'key.rotate'")),
  ],
);

// Identity tokens consumed through verify-identity (single use per jti).
export const usedTokens = sqliteTable("used_tokens", {
  jti: text("jti").primaryKey(),
  expiresAt: integer("expires_at").notNull(),
});

export type AuditLogRow = typeof auditLog.$inferSelect;
