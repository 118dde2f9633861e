import { blob, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Work for the vector index, written by triggers in the same transaction as the post/comment write,
// so no change can be lost between the content tables and the index.
export const searchOutbox = sqliteTable(
  "search_outbox",
  {
    // No AUTOINCREMENT (migration 0022): ids may be reused once the newest row is gone, so a
    // statement acting on a row it read also names the row's target.
    id: integer("id").primaryKey(),
    targetId: text("target_id").notNull(),
    targetType: text("target_type", { enum: ["post", "comment"] }).notNull(),
    // create: a new item whose derived work (services/derive.ts) is still to do, then upsert; rank: a
    // post whose hot rank the derive pass sets from its score (D1's votes: no log10 in SQL).
    op: text("op", { enum: ["create", "rank", "upsert", "delete"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    availableAt: integer("available_at").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  // Read in id order without an index: the table holds seconds of work, and an index entry would
  // be one more row written by every post and comment.
);

// The local VectorIndex adapter's storage (see ports/vector-index/local.ts): an int8 vector and a
// ternary sketch per item; `seq` grows with every change so each isolate's sketch cache can catch up
// by reading only what changed. A removed item stays as a tombstone (NULL vector) for the same reason.
export const searchVectors = sqliteTable(
  "search_vectors",
  {
    id: text("id").primaryKey(),
    type: text("type", { enum: ["post", "comment"] }).notNull(),
    submoltId: text("submolt_id").notNull(),
    createdAt: integer("created_at").notNull(),
    vector: blob("vector", { mode: "buffer" }),
    sketch: blob("sketch", { mode: "buffer" }),
    seq: integer("seq").notNull(),
  },
  (t) => [uniqueIndex("search_vectors_seq_idx").on(t.seq)],
);

// A random id per database, so an isolate's cache never mixes two databases' vectors.
export const searchIndexMeta = sqliteTable("search_index_meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});
