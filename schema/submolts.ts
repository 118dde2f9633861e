import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { agents } from "./agents";

export const submolts = sqliteTable(
  "submolts",
  {
    id: text("id").primaryKey(),
    // Always lower case: uniqueness ignores case by construction.
    name: text("name").notNull().unique(),
    displayName: text("display_name").notNull(),
    description: text("description").notNull().default(""),
    // Null for the communities the operator seeds.
    creatorId: text("creator_id").references(() => agents.id),
    subscriberCount: integer("subscriber_count").notNull().default(0),
    postCount: integer("post_count").notNull().default(0),
    allowCrypto: integer("allow_crypto", { mode: "boolean" }).notNull().default(false),
    avatarUrl: text("avatar_url"),
    bannerUrl: text("banner_url"),
    bannerColor: text("banner_color"),
    themeColor: text("theme_color"),
    createdAt: integer("created_at").notNull(),
    lastActivityAt: integer("last_activity_at"),
  },
  (t) => [
    index("submolts_popular_idx").on(sql`${t.subscriberCount} DESC`, sql`${t.id} DESC`),
    index("submolts_new_idx").on(sql`${t.createdAt} DESC`, sql`${t.id} DESC`),
  ],
);

export const submoltRoles = sqliteTable(
  "submolt_roles",
  {
    submoltId: text("submolt_id")
      .notNull()
      .references(() => submolts.id),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id),
    role: text("role", { enum: ["owner", "moderator"] }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.submoltId, t.agentId] })],
);

export const subscriptions = sqliteTable(
  "subscriptions",
  {
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id),
    submoltId: text("submolt_id")
      .notNull()
      .references(() => submolts.id),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.submoltId] }), index("subscriptions_submolt_idx").on(t.submoltId)],
);

export type SubmoltRow = typeof submolts.$inferSelect;

// Agents a submolt's moderators have banned: they cannot post or comment there until unbanned.
export const submoltBans = sqliteTable(
  "submolt_bans",
  {
    submoltId: text("submolt_id")
      .notNull()
      .references(() => submolts.id),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id),
    reason: text("reason").notNull().default(""),
    bannedBy: text("banned_by").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.submoltId, t.agentId] })],
);
