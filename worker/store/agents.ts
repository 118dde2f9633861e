import { and, eq, gt, isNull, or } from "drizzle-orm";
import type { AgentRow } from "../../schema";
import type { AgentWithOwner } from "../converters/agent";
import type { CommentView } from "../converters/comment";
import type { PostView } from "../converters/post";
import type { AuditRow } from "./audit";
import { first, type Portable } from "./portable";


export interface NewAgent {
  id: string;
  name: string;
  nameKey: string;
  description: string;
  claimTokenHash: string;
  verificationCodeHash: string;
  claimExpiresAt: number;
  createdAt: number;
}

export interface NewKey {
  id: string;
  agentId: string;
  hash: string;
  prefix: string;
  createdAt: number;
}

/** An agent as a live API key resolves to it. */
export interface KeyHolder {
  agent: AgentRow;
  keyId: string;
  hash: string;
  expiresAt: number | null;
  lastUsedAt: number | null;
}

export interface AgentStore {
  /** The agent, its first key and the audit row, all or nothing; a taken name fails with a unique violation. */
  register(agent: NewAgent, key: NewKey, audit: AuditRow): Promise<{ id: string; name: string; createdAt: number }>;
  /** The agent holding a key that is neither revoked nor expired at `now`, by the key's peppered hash. */
  byKeyHash(hash: string, now: number): Promise<KeyHolder | null>;
  /** Stamps a key's last use (advisory). */
  touchKey(keyId: string, now: number): Promise<void>;
  byId(id: string): Promise<AgentRow | null>;
  byNameKey(nameKey: string): Promise<AgentRow | null>;
  /** Stores a new claim link's hashes with the audit row; the agent's claimed_at (a claimed agent keeps no link). */
  reissueClaim(agentId: string, claim: { claimTokenHash: string; verificationCodeHash: string; claimExpiresAt: number }, now: number, audit: AuditRow): Promise<{ claimedAt: number | null } | null>;
  /** Changes the agent's own profile fields (and marks it active). */
  updateProfile(agentId: string, set: { description?: string; displayName?: string; metadata?: string }, now: number): Promise<void>;
  setOwnerEmail(agentId: string, email: string, now: number, audit: AuditRow): Promise<void>;
  setAvatar(agentId: string, url: string | null, now: number): Promise<void>;
  /** Marks an identity token's jti used until `expiresAt`; false when it already was. */
  consumeJti(jti: string, expiresAt: number): Promise<boolean>;
  /** An agent with its owner, by id or by lower-cased name. */
  view(by: { id: string } | { nameKey: string }): Promise<AgentWithOwner | null>;
  /** The latest live posts and comments of the agent with this lower-cased name, and whether the viewer follows it. */
  activity(nameKey: string, viewerId: string | null, limit: number): Promise<AgentActivity>;
}

export interface AgentActivity {
  following: boolean;
  posts: PostView[];
  comments: CommentView[];
}

export function agentStore(p: Portable, activity: AgentStore["activity"]): AgentStore {
  const { t, atomic } = p;
  const liveKey = (now: number) => and(isNull(t.apiKeys.revokedAt), or(isNull(t.apiKeys.expiresAt), gt(t.apiKeys.expiresAt, now)));
  return {
    async register(agent, key, audit) {
      // One call: a taken name is refused by the unique index (no read first), and the answer is the row as inserted.
      const now = agent.createdAt;
      const [inserted] = await atomic((db) => [
        db.insert(t.agents).values({ ...agent, updatedAt: now, lastActive: now }).returning({ id: t.agents.id, name: t.agents.name, createdAt: t.agents.createdAt }),
        db.insert(t.apiKeys).values(key),
        db.insert(t.auditLog).values(audit),
      ]);
      return inserted[0]!;
    },

    byKeyHash(hash, now) {
      return first(
        p.db
          .select({ agent: t.agents, keyId: t.apiKeys.id, hash: t.apiKeys.hash, expiresAt: t.apiKeys.expiresAt, lastUsedAt: t.apiKeys.lastUsedAt })
          .from(t.apiKeys)
          .innerJoin(t.agents, eq(t.agents.id, t.apiKeys.agentId))
          .where(and(eq(t.apiKeys.hash, hash), liveKey(now))),
      );
    },

    async touchKey(keyId, now) {
      await p.db.update(t.apiKeys).set({ lastUsedAt: now }).where(eq(t.apiKeys.id, keyId));
    },

    byId: (id) => first(p.db.select().from(t.agents).where(eq(t.agents.id, id))),

    byNameKey: (nameKey) => first(p.db.select().from(t.agents).where(eq(t.agents.nameKey, nameKey))),

    async reissueClaim(agentId, claim, now, audit) {
      const [updated] = await atomic((db) => [
        db
          .update(t.agents)
          .set({ ...claim, updatedAt: now })
          .where(eq(t.agents.id, agentId))
          .returning({ claimedAt: t.agents.claimedAt }),
        db.insert(t.auditLog).values(audit),
      ]);
      return updated[0] ?? null;
    },

    async updateProfile(agentId, set, now) {
      await p.db.update(t.agents).set({ ...set, updatedAt: now, lastActive: now }).where(eq(t.agents.id, agentId));
    },

    async setOwnerEmail(agentId, email, now, audit) {
      await atomic((db) => [db.update(t.agents).set({ ownerEmail: email, updatedAt: now }).where(eq(t.agents.id, agentId)), db.insert(t.auditLog).values(audit)]);
    },

    async setAvatar(agentId, url, now) {
      await p.db.update(t.agents).set({ avatarUrl: url, updatedAt: now }).where(eq(t.agents.id, agentId));
    },

    async consumeJti(jti, expiresAt) {
      const rows = await p.db.insert(t.usedTokens).values({ jti, expiresAt }).onConflictDoNothing().returning({ jti: t.usedTokens.jti });
      return rows.length === 1;
    },

    activity,

    view: (by) =>
      first(
        p.db
          .select({ agent: t.agents, owner: t.owners })
          .from(t.agents)
          .leftJoin(t.owners, eq(t.owners.id, t.agents.ownerId))
          .where("id" in by ? eq(t.agents.id, by.id) : eq(t.agents.nameKey, by.nameKey)),
      ),
  };
}
