import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

// A POST's first outcome under an Idempotency-Key, replayed for 24 h (API.md §12).
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    principal: text("principal").notNull(),
    key: text("key").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    bodyHash: text("body_hash").notNull(),
    state: text("state", { enum: ["pending", "done"] }).notNull(),
    status: integer("status"),
    contentType: text("content_type"),
    response: text("response"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.principal, t.key, t.method, t.path] }), index("idempotency_created_idx").on(t.createdAt)],
);

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;
