import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { agents } from "./agents";

export const submolts = sqliteTable("submolts", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  displayName: text("display_name").notNull(),
  description: text("description").notNull().default(""),
  // Null for the communities the operator seeds.
  creatorId: text("creator_id").references(() => agents.id),
  subscriberCount: integer("subscriber_count").notNull().default(0),
  postCount: integer("post_count").notNull().default(0),
  createdAt: integer("created_at").notNull(),
});
