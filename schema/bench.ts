import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

// The benchmark's storage baseline for writes (npm run bench): one row, no index beyond the rowid,
// no trigger. Written only by the routes that BENCH_ROUTES=on enables; empty on every real server.
export const benchWrites = sqliteTable("bench_writes", {
  id: integer("id").primaryKey(),
  body: text("body").notNull(),
  createdAt: integer("created_at").notNull(),
});
