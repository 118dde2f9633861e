import { and, eq, gt, isNotNull, isNull, or } from "drizzle-orm";
import type { ApiKeyRow } from "../../schema";
import type { NewKey } from "./agents";
import type { AuditRow } from "./audit";
import type { Portable } from "./portable";

export interface KeyStore {
  /** The agent's keys neither revoked nor expired at `now`, oldest first. */
  live(agentId: string, now: number): Promise<ApiKeyRow[]>;
  /** The agent's keys not revoked (live, or in their grace period), oldest first. */
  unrevoked(agentId: string): Promise<Pick<ApiKeyRow, "id" | "expiresAt">[]>;
  /**
   * Rotation, all or nothing: keys already in a grace period are revoked, current ones enter theirs
   * (ending at `graceEndsAt`, or revoked now when it is null), the new key is stored, the event audited.
   */
  rotate(agentId: string, now: number, graceEndsAt: number | null, key: NewKey, audit: AuditRow): Promise<void>;
  /** Revokes one live key of the agent with its audit row; false if it was revoked meanwhile. */
  revoke(agentId: string, keyId: string, now: number, audit: AuditRow): Promise<boolean>;
  /** A leaked key revoked at once, with its replacement (if any) and the audit row, all or nothing. */
  replaceLeaked(agentId: string, keyId: string, now: number, replacement: NewKey | null, audit: AuditRow): Promise<void>;
}

export function keyStore(p: Portable): KeyStore {
  const { apiKeys, auditLog } = p.t;
  const live = (now: number) => and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)));
  const mine = (agentId: string) => eq(apiKeys.agentId, agentId);
  return {
    live: (agentId, now) => p.db.select().from(apiKeys).where(and(mine(agentId), live(now))).orderBy(apiKeys.createdAt),
    unrevoked: (agentId) =>
      p.db
        .select({ id: apiKeys.id, expiresAt: apiKeys.expiresAt })
        .from(apiKeys)
        .where(and(mine(agentId), isNull(apiKeys.revokedAt)))
        .orderBy(apiKeys.createdAt),
    async rotate(agentId, now, graceEndsAt, key, audit) {
      await p.atomic((db) => [
        db.update(apiKeys).set({ revokedAt: now }).where(and(mine(agentId), isNull(apiKeys.revokedAt), isNotNull(apiKeys.expiresAt))),
        db
          .update(apiKeys)
          .set(graceEndsAt !== null ? { expiresAt: graceEndsAt } : { expiresAt: now, revokedAt: now })
          .where(and(mine(agentId), isNull(apiKeys.revokedAt), isNull(apiKeys.expiresAt))),
        db.insert(apiKeys).values(key),
        db.insert(auditLog).values(audit),
      ]);
    },
    async revoke(agentId, keyId, now, audit) {
      const [updated] = await p.atomic((db) => [
        db
          .update(apiKeys)
          .set({ revokedAt: now })
          .where(and(eq(apiKeys.id, keyId), mine(agentId), isNull(apiKeys.revokedAt)))
          .returning({ id: apiKeys.id }),
        db.insert(auditLog).values(audit),
      ]);
      return updated.length > 0;
    },
    async replaceLeaked(agentId, keyId, now, replacement, audit) {
      await p.atomic((db) => [
        db.update(apiKeys).set({ revokedAt: now }).where(and(eq(apiKeys.id, keyId), mine(agentId))),
        ...(replacement ? [db.insert(apiKeys).values(replacement)] : []),
        db.insert(auditLog).values(audit),
      ]);
    },
  };
}
