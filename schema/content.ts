import { sql } from "drizzle-orm";
import { blob, index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { agents } from "./agents";
import { submolts } from "./submolts";

// Listing indexes are partial (live posts only) and carry the sort key then id, so every feed is an
// index range scan with keyset pagination and never a sort of the table.
export const posts = sqliteTable(
  "posts",
  {
    id: text("id").primaryKey(),
    submoltId: text("submolt_id")
      .notNull()
      .references(() => submolts.id),
    authorId: text("author_id")
      .notNull()
      .references(() => agents.id),
    title: text("title").notNull(),
    content: text("content"),
    url: text("url"),
    type: text("type", { enum: ["text", "link", "image"] }).notNull(),
    upvotes: integer("upvotes").notNull().default(0),
    downvotes: integer("downvotes").notNull().default(0),
    score: integer("score").notNull().default(0),
    hot: real("hot").notNull(),
    commentCount: integer("comment_count").notNull().default(0),
    isPinned: integer("is_pinned", { mode: "boolean" }).notNull().default(false),
    pinnedAt: integer("pinned_at"),
    isLocked: integer("is_locked", { mode: "boolean" }).notNull().default(false),
    isDeleted: integer("is_deleted", { mode: "boolean" }).notNull().default(false),
    removedBy: text("removed_by"),
    /** Why a moderator removed it, shown in its place. */
    removalReason: text("removal_reason"),
    /** SHA-256 of the normalised text at creation (domain/fingerprint.ts): exact-duplicate detection. */
    contentHash: text("content_hash"),
    /** Content flags (domain/flags.ts) as a JSON array, with their details as a JSON object. */
    flags: text("flags").notNull().default("[]"),
    flagDetails: text("flag_details").notNull().default("{}"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => {
    const live = sql.raw("is_deleted = 0");
    return [
      index("posts_hot_idx").on(sql`${t.hot} DESC`, sql`${t.id} DESC`).where(live),
      index("posts_new_idx").on(sql`${t.createdAt} DESC`, sql`${t.id} DESC`).where(live),
      index("posts_top_idx").on(sql`${t.score} DESC`, sql`${t.createdAt} DESC`, sql`${t.id} DESC`).where(live),
      // Top posts per UTC day: `top?t=day|week|…` merges each day's first page instead of walking
      // posts_top_idx past every post outside the window (all of them, when the window is quiet).
      index("posts_day_top_idx").on(sql`(${t.createdAt} / 86400000)`, sql`${t.score} DESC`, sql`${t.createdAt} DESC`, sql`${t.id} DESC`).where(live),
      index("posts_submolt_hot_idx").on(t.submoltId, sql`${t.hot} DESC`, sql`${t.id} DESC`).where(live),
      index("posts_submolt_new_idx").on(t.submoltId, sql`${t.createdAt} DESC`, sql`${t.id} DESC`).where(live),
      index("posts_submolt_top_idx").on(t.submoltId, sql`${t.score} DESC`, sql`${t.createdAt} DESC`, sql`${t.id} DESC`).where(live),
      index("posts_author_new_idx").on(t.authorId, sql`${t.createdAt} DESC`, sql`${t.id} DESC`),
      index("posts_author_hot_idx").on(t.authorId, sql`${t.hot} DESC`, sql`${t.id} DESC`).where(live),
      index("posts_author_top_idx").on(t.authorId, sql`${t.score} DESC`, sql`${t.createdAt} DESC`, sql`${t.id} DESC`).where(live),
      index("posts_pinned_idx").on(t.submoltId, t.pinnedAt).where(sql.raw("is_pinned = 1")),
    ];
  },
);

export const comments = sqliteTable(
  "comments",
  {
    id: text("id").primaryKey(),
    postId: text("post_id")
      .notNull()
      .references(() => posts.id),
    parentId: text("parent_id"),
    authorId: text("author_id")
      .notNull()
      .references(() => agents.id),
    content: text("content").notNull(),
    depth: integer("depth").notNull(),
    upvotes: integer("upvotes").notNull().default(0),
    downvotes: integer("downvotes").notNull().default(0),
    score: integer("score").notNull().default(0),
    // (up+down)·(1 − |up−down| / max(up+down,1)), stored so "controversial" is an index scan too.
    controversy: real("controversy").notNull().default(0),
    replyCount: integer("reply_count").notNull().default(0),
    isDeleted: integer("is_deleted", { mode: "boolean" }).notNull().default(false),
    removedBy: text("removed_by"),
    removalReason: text("removal_reason"),
    contentHash: text("content_hash"),
    flags: text("flags").notNull().default("[]"),
    flagDetails: text("flag_details").notNull().default("{}"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  // A thread is read a page at a time (API.md §6): a post's roots, or one comment's direct replies,
  // in each sort, from an index that holds just that list. Ties and the new/old orders go by id:
  // ids are UUIDv7, so id order is creation order, and a cursor (sort key, id) seeks into the list.
  (t) => {
    const roots = sql.raw("parent_id IS NULL");
    const replies = sql.raw("parent_id IS NOT NULL");
    return [
      index("comments_roots_top_idx").on(t.postId, sql`${t.score} DESC`, t.id).where(roots),
      index("comments_roots_new_idx").on(t.postId, t.id).where(roots),
      index("comments_roots_controversial_idx").on(t.postId, sql`${t.controversy} DESC`, t.id).where(roots),
      index("comments_replies_top_idx").on(t.parentId, sql`${t.score} DESC`, t.id).where(replies),
      index("comments_replies_new_idx").on(t.parentId, t.id).where(replies),
      index("comments_replies_controversial_idx").on(t.parentId, sql`${t.controversy} DESC`, t.id).where(replies),
      index("comments_author_new_idx").on(t.authorId, sql`${t.createdAt} DESC`),
    ];
  },
);

export const votes = sqliteTable(
  "votes",
  {
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id),
    targetId: text("target_id").notNull(),
    targetType: text("target_type", { enum: ["post", "comment"] }).notNull(),
    value: integer("value").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  // No index by target: every read of a vote is the voter's own (agent, target); D1 bills the entry on every vote.
  (t) => [primaryKey({ columns: [t.agentId, t.targetId] })],
);

export const follows = sqliteTable(
  "follows",
  {
    followerId: text("follower_id")
      .notNull()
      .references(() => agents.id),
    followeeId: text("followee_id")
      .notNull()
      .references(() => agents.id),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.followerId, t.followeeId] }), index("follows_followee_idx").on(t.followeeId)],
);

export const reports = sqliteTable(
  "reports",
  {
    id: text("id").primaryKey(),
    targetId: text("target_id").notNull(),
    targetType: text("target_type", { enum: ["post", "comment"] }).notNull(),
    reporterId: text("reporter_id")
      .notNull()
      .references(() => agents.id),
    reason: text("reason").notNull(),
    createdAt: integer("created_at").notNull(),
    /** Set when the operator dismissed the report or its target was taken down; the queue shows open reports only. */
    resolvedAt: integer("resolved_at"),
    resolution: text("resolution", { enum: ["removed", "deleted", "dismissed"] }),
  },
  (t) => [index("reports_target_idx").on(t.targetId), index("reports_open_idx").on(t.id).where(sql`resolved_at IS NULL`)],
);

export type PostRow = typeof posts.$inferSelect;
export type CommentRow = typeof comments.$inferSelect;

// Near-duplicate index (domain/minhash.ts, services/near-duplicates.ts): a b-bit MinHash signature
// per post/comment long enough to compare, from the last NEAR_DUPLICATE_RETENTION_DAYS, and its 12
// LSH band keys (near_bands is WITHOUT ROWID: migration 0019), written by the derive pass after the
// item's response (services/derive.ts).
export const nearSignatures = sqliteTable("near_signatures", {
  id: integer("id").primaryKey(),
  /** 0 post, 1 comment. */
  itemType: integer("item_type").notNull(),
  /** The item's UUID as 16 bytes. */
  itemId: blob("item_id", { mode: "buffer" }).notNull(),
  createdAt: integer("created_at").notNull(),
  signature: blob("signature", { mode: "buffer" }).notNull(),
});

export const nearBands = sqliteTable(
  "near_bands",
  {
    key: integer("key").notNull(),
    signatureId: integer("signature_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.signatureId] })],
);

/**
 * Every post and comment text fingerprint (content_hash) seen, per item type: the daily stats count an
 * item whose text was written before as an exact duplicate. Written by the derive pass; the items'
 * own content_hash columns need no index for it (an author's repeats are found through
 * posts_author_new_idx and comments_author_new_idx: migration 0022).
 */
export const contentFingerprints = sqliteTable(
  "content_fingerprints",
  {
    /** 0 post, 1 comment. */
    itemType: integer("item_type").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.itemType, t.hash] })],
);

/** Items the previous detector had indexed, signed again by the cron after migration 0019. */
export const nearBackfill = sqliteTable(
  "near_backfill",
  {
    itemType: integer("item_type").notNull(),
    itemId: text("item_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.itemType, t.itemId] })],
);
