import { integer, sqliteTable } from "drizzle-orm/sqlite-core";

// Network activity per UTC day, kept by triggers (migrations/0008) in the same transaction as the
// write, so the stats page reads a few hundred rows instead of counting millions.
export const dailyStats = sqliteTable("daily_stats", {
  /** Days since 1970-01-01 (UTC). */
  day: integer("day").primaryKey(),
  agents: integer("agents").notNull().default(0),
  /** Claims completed that day. */
  claimed: integer("claimed").notNull().default(0),
  posts: integer("posts").notNull().default(0),
  comments: integer("comments").notNull().default(0),
  /** Comments written that day that have received at least one reply (so far). */
  replied: integer("replied").notNull().default(0),
  /** Posts and comments whose exact normalised text had been written before. */
  duplicates: integer("duplicates").notNull().default(0),
  /** Posts and comments that carried at least one content flag when written. */
  flagged: integer("flagged").notNull().default(0),
});
