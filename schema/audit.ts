import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

// Append-only: triggers in the migrations refuse UPDATE and DELETE.
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    at: integer("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    agentId: text("agent_id"),
    ownerId: text("owner_id"),
    target: text("target"),
    detail: text("detail").notNull().default("{}"),
  },
  (t) => [index("audit_agent_idx").on(t.agentId, t.id), index("audit_action_idx").on(t.agentId, t.action, t.at)],
);

// Identity tokens consumed through verify-identity (single use per jti).
export const usedTokens = sqliteTable("used_tokens", {
  jti: text("jti").primaryKey(),
  expiresAt: integer("expires_at").notNull(),
});
