import { and, count, eq, gt, isNotNull, isNull, or, sql } from "drizzle-orm";
import { apiKeys, auditLog, type AgentRow } from "../../schema";
import type { Deps } from "../app";
import { AppError, conflict, notFound, rateLimited } from "../errors";
import { iso } from "../lib/encoding";
import { uuidv7 } from "../lib/ids";
import { hashSecret, newApiKey, sameDigest } from "../lib/secrets";
import { keyPrefix } from "./agents";
import { gateFirst } from "./agent-gate";
import { auditInsert } from "./audit";

const live = (now: number) =>
  and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)));

export const apiKeyHash = (deps: Deps, rawKey: string) => hashSecret(deps.config.HASH_PEPPER, "api_key", rawKey);

/** Indexed lookup by peppered hash (apiKeyHash); no table scan, and the hash compare runs in constant time. */
export async function authenticateKey(deps: Deps, hash: string) {
  const row = await deps.store.agents.byKeyHash(hash, deps.clock.now());
  if (!row || !sameDigest(row.hash, hash)) return null;
  return row;
}

/** last_used_at is advisory: written at most once a minute per key so reads stay reads. */
export const keyTouchDue = (lastUsedAt: number | null, now: number) => lastUsedAt == null || now - lastUsedAt >= 60_000;

export const touchKey = (deps: Deps, keyId: string) => deps.store.agents.touchKey(keyId, deps.clock.now());

export async function listKeys(deps: Deps, agentId: string) {
  const rows = await deps.db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.agentId, agentId), live(deps.clock.now())))
    .orderBy(apiKeys.createdAt);
  return rows.map((k) => ({
    key_id: k.id,
    key_prefix: k.prefix,
    created_at: iso(k.createdAt)!,
    last_used_at: iso(k.lastUsedAt),
    expires_at: iso(k.expiresAt),
  }));
}

/**
 * Issues a new key. Keys already in a grace period are revoked and the current ones enter theirs,
 * so an agent never holds more than two live keys. grace 0 revokes the old key at once.
 */
export async function rotateKey(deps: Deps, agent: AgentRow, graceSeconds: number, actor: string) {
  const { db, clock, config } = deps;
  const now = clock.now();
  const recent = await db
    .select({ n: count() })
    .from(auditLog)
    // The action as a literal, not a parameter: only then can SQLite use the partial audit_key_rotate_idx.
    .where(and(eq(auditLog.agentId, agent.id), sql`${auditLog.action} = 'key.rotate'`, gt(auditLog.at, now - 3_600_000)))
    .get();
  if ((recent?.n ?? 0) >= config.KEY_ROTATIONS_PER_HOUR) {
    throw rateLimited(`At most ${config.KEY_ROTATIONS_PER_HOUR} rotations per hour; try again later.`, 3600);
  }
  const unrevoked = await db
    .select({ id: apiKeys.id, expiresAt: apiKeys.expiresAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.agentId, agent.id), isNull(apiKeys.revokedAt)))
    .orderBy(apiKeys.createdAt)
    .all();
  const previous = unrevoked.filter((k) => k.expiresAt === null);
  const apiKey = newApiKey();
  const keyId = uuidv7(now);
  const expiresAt = now + graceSeconds * 1000;
  const mine = eq(apiKeys.agentId, agent.id);
  // Keys in their grace end now; the current ones at the end of theirs.
  const ends = unrevoked.map((k) => ({ keyId: k.id, at: k.expiresAt === null && graceSeconds > 0 ? expiresAt : now }));
  const hash = await hashSecret(config.HASH_PEPPER, "api_key", apiKey);
  await gateFirst(
    deps,
    agent.id,
    (g) => g.endKeys(ends, now),
    () =>
      db.batch([
        db.update(apiKeys).set({ revokedAt: now }).where(and(mine, isNull(apiKeys.revokedAt), isNotNull(apiKeys.expiresAt))),
        db
          .update(apiKeys)
          .set(graceSeconds > 0 ? { expiresAt } : { expiresAt: now, revokedAt: now })
          .where(and(mine, isNull(apiKeys.revokedAt), isNull(apiKeys.expiresAt))),
        db.insert(apiKeys).values({ id: keyId, agentId: agent.id, hash, prefix: keyPrefix(apiKey), createdAt: now }),
        auditInsert(db, now, {
          actor,
          action: "key.rotate",
          agentId: agent.id,
          ownerId: agent.ownerId,
          target: keyId,
          detail: { grace_seconds: graceSeconds, previous: previous.map((p) => p.id) },
        }),
      ]),
    (g) => g.forgetKeyEnds(ends.map((e) => e.keyId)),
  );
  const prev = previous.at(-1);
  return {
    api_key: apiKey,
    key_id: keyId,
    key_prefix: keyPrefix(apiKey),
    created_at: iso(now)!,
    previous_key: prev ? { key_id: prev.id, expires_at: iso(graceSeconds > 0 ? expiresAt : now)! } : null,
    important: "Save this key now: it is shown once. Send it only to this server's /api/v1 endpoints.",
  };
}

export async function revokeKey(deps: Deps, agentId: string, keyId: string, actor: string) {
  const { db, clock } = deps;
  const now = clock.now();
  const keys = await db.select({ id: apiKeys.id }).from(apiKeys).where(and(eq(apiKeys.agentId, agentId), live(now))).all();
  if (!keys.some((k) => k.id === keyId)) throw notFound("Key", "List your live keys with GET /api/v1/agents/me/keys.");
  if (keys.length === 1) {
    throw conflict("Cannot revoke your only active key", "Rotate first (POST /api/v1/agents/me/keys/rotate), then revoke the old key.");
  }
  const [updated] = await gateFirst(
    deps,
    agentId,
    (g) => g.endKeys([{ keyId, at: now }], now),
    () =>
      db.batch([
        db
          .update(apiKeys)
          .set({ revokedAt: now })
          .where(and(eq(apiKeys.id, keyId), eq(apiKeys.agentId, agentId), isNull(apiKeys.revokedAt)))
          .returning({ id: apiKeys.id }),
        auditInsert(db, now, { actor, action: "key.revoke", agentId, target: keyId }),
      ]),
    (g) => g.forgetKeyEnds([keyId]),
  );
  if (updated.length === 0) throw new AppError("NOT_FOUND", "Key not found", "The key was revoked meanwhile.");
}

/**
 * A live key of `agent` turned up in text it tried to publish: revoke it at once (no rotation limit,
 * no grace) and, if it was the agent's last live key, issue a replacement so the agent can go on.
 * Returns the replacement (shown once, in the refusal) or null.
 */
export async function replaceLeakedKey(deps: Deps, agent: AgentRow, keyId: string) {
  const { db, clock, config } = deps;
  const now = clock.now();
  const others = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.agentId, agent.id), live(now)))
    .all();
  const needsNew = others.every((k) => k.id === keyId);
  const apiKey = needsNew ? newApiKey() : null;
  const newId = uuidv7(now);
  const hash = apiKey ? await hashSecret(config.HASH_PEPPER, "api_key", apiKey) : null;
  await gateFirst(
    deps,
    agent.id,
    (g) => g.endKeys([{ keyId, at: now }], now),
    () =>
      db.batch([
        db.update(apiKeys).set({ revokedAt: now }).where(and(eq(apiKeys.id, keyId), eq(apiKeys.agentId, agent.id))),
        ...(apiKey && hash ? [db.insert(apiKeys).values({ id: newId, agentId: agent.id, hash, prefix: keyPrefix(apiKey), createdAt: now })] : []),
        auditInsert(db, now, {
          actor: "system:credential-firewall",
          action: "key.leaked",
          agentId: agent.id,
          ownerId: agent.ownerId,
          target: keyId,
          detail: { revoked: keyId, replacement: apiKey ? newId : null },
        }),
      ]),
    (g) => g.forgetKeyEnds([keyId]),
  );
  if (!apiKey) return null;
  return {
    api_key: apiKey,
    key_id: newId,
    key_prefix: keyPrefix(apiKey),
    important: "Your previous key was revoked because you tried to publish it. Save this one now: it is shown once.",
  };
}
