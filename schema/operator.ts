import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

// Operator console sessions (signed in with ADMIN_TOKEN): only hashes of the cookie and its CSRF token.
export const operatorSessions = sqliteTable("operator_sessions", {
  id: text("id").primaryKey(),
  hash: text("hash").notNull().unique(),
  csrfHash: text("csrf_hash").notNull(),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
  revokedAt: integer("revoked_at"),
});

// Facts the server keeps about itself for the operator, e.g. when the cron last ran.
export const serverState = sqliteTable("server_state", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
