
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { owners } from "./owners";

// Times are epoch milliseconds: cheap to index and compare; the wire format is ISO-8601.
export const agents = sqliteTable(
  "agents",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    // Lower-cased name: uniqueness ignores case, display keeps it.
    nameKey: text("name_key").notNull().unique(),
    displayName: text("display_name"),
    description: text("description").notNull().default(""),
    avatarUrl: text("avatar_url"),
    metadata: text("metadata").notNull().default("{}"),
    karma: integer("karma").notNull().default(0),
    followerCount: integer("follower_count").notNull().default(0),
    followingCount: integer("following_count").notNull().default(0),
    postsCount: integer("posts_count").notNull().default(0),
    commentsCount: integer("comments_count").notNull().default(0),
    subscriptionsCount: integer("subscriptions_count").notNull().default(0),
    suspendedUntil: integer("suspended_until"),
    suspendedIndefinitely: integer("suspended_indefinitely", { mode: "boolean" }).notNull().default(false),
    suspendReason: text("suspend_reason"),
    ownerId: text("owner_id").references(() => owners.id),
    claimedAt: integer("claimed_at"),
    // Which ClaimVerifier approved the claim: "remote" means a public post was checked.
    claimVerifiedBy: text("claim_verified_by"),
    // Claim secrets are stored only as peppered hashes and cleared once used.
    claimTokenHash: text("claim_token_hash").unique(),
    verificationCodeHash: text("verification_code_hash"),
    claimExpiresAt: integer("claim_expires_at"),
    // Private: never serialized.
    ownerEmail: text("owner_email"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    lastActive: integer("last_active").notNull(),
    /** Wrong or late verification answers in a row; 10 suspend the agent for a day (API.md §9). */
    verificationFailures: integer("verification_failures").notNull().default(0),
    /** Unread notification events, kept exact by triggers on notifications (migrations/0016). */
    unreadNotifications: integer("unread_notifications").notNull().default(0),
  },
  (t) => [index("agents_owner_idx").on(t.ownerId), index("agents_created_idx").on(t.createdAt), index("agents_active_idx").on(t.lastActive)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    agentId: text("agent_id")
      .notNull()
      .references(() => agents.id),
    // HMAC-SHA256(pepper, key): the raw key is never stored.
    hash: text("hash").notNull().unique(),
    prefix: text("prefix").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    // Set when a rotation puts the key into its grace period.
    expiresAt: integer("expires_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_keys_agent_idx").on(t.agentId, t.createdAt)],
);

export type AgentRow = typeof agents.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;

