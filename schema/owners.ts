import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const owners = sqliteTable("owners", {
  id: text("id").primaryKey(),
  handle: text("handle").notNull(),
  handleKey: text("handle_key").notNull().unique(),
  createdAt: integer("created_at").notNull(),
});

// Owner tokens (issued at claim, shown once) and browser sessions; only hashes are kept.
export const ownerCredentials = sqliteTable(
  "owner_credentials",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => owners.id),
    kind: text("kind", { enum: ["token", "session"] }).notNull(),
    hash: text("hash").notNull().unique(),
    csrfHash: text("csrf_hash"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("owner_credentials_owner_idx").on(t.ownerId)],
);

export type OwnerRow = typeof owners.$inferSelect;
