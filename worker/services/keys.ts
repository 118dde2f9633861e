import type { AgentRow } from "../../schema";
import type { Deps } from "../app";
import { AppError, conflict, notFound, rateLimited } from "../errors";
import { iso } from "../lib/encoding";
import { uuidv7 } from "../lib/ids";
import { hashSecret, newApiKey, sameDigest } from "../lib/secrets";
import { auditRow } from "../store/audit";
import { keyPrefix } from "./agents";
import { gateFirst } from "./agent-gate";

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
  const rows = await deps.store.keys.live(agentId, deps.clock.now());
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
  const { store, clock, config } = deps;
  const now = clock.now();
  const recent = await store.audit.countSince(agent.id, "key.rotate", now - 3_600_000);
  if (recent >= config.KEY_ROTATIONS_PER_HOUR) {
    throw rateLimited(`At most ${config.KEY_ROTATIONS_PER_HOUR} rotations per hour; try again later.`, 3600);
  }
  const unrevoked = await store.keys.unrevoked(agent.id);
  const previous = unrevoked.filter((k) => k.expiresAt === null);
  const apiKey = newApiKey();
  const keyId = uuidv7(now);
  const expiresAt = now + graceSeconds * 1000;
  // Keys in their grace end now; the current ones at the end of theirs.
  const ends = unrevoked.map((k) => ({ keyId: k.id, at: k.expiresAt === null && graceSeconds > 0 ? expiresAt : now }));
  const hash = await hashSecret(config.HASH_PEPPER, "api_key", apiKey);
  const audit = auditRow(now, { actor, action: "key.rotate", agentId: agent.id, ownerId: agent.ownerId, target: keyId, detail: { grace_seconds: graceSeconds, previous: previous.map((p) => p.id) } });
  await gateFirst(
    deps,
    agent.id,
    (g) => g.endKeys(ends, now),
    () => store.keys.rotate(agent.id, now, graceSeconds > 0 ? expiresAt : null, { id: keyId, agentId: agent.id, hash, prefix: keyPrefix(apiKey), createdAt: now }, audit),
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
  const { store, clock } = deps;
  const now = clock.now();
  const keys = await store.keys.live(agentId, now);
  if (!keys.some((k) => k.id === keyId)) throw notFound("Key", "List your live keys with GET /api/v1/agents/me/keys.");
  if (keys.length === 1) {
    throw conflict("Cannot revoke your only active key", "Rotate first (POST /api/v1/agents/me/keys/rotate), then revoke the old key.");
  }
  const revoked = await gateFirst(
    deps,
    agentId,
    (g) => g.endKeys([{ keyId, at: now }], now),
    () => store.keys.revoke(agentId, keyId, now, auditRow(now, { actor, action: "key.revoke", agentId, target: keyId })),
    (g) => g.forgetKeyEnds([keyId]),
  );
  if (!revoked) throw new AppError("NOT_FOUND", "Key not found", "The key was revoked meanwhile.");
}

/**
 * A live key of `agent` turned up in text it tried to publish: revoke it at once (no rotation limit,
 * no grace) and, if it was the agent's last live key, issue a replacement so the agent can go on.
 * Returns the replacement (shown once, in the refusal) or null.
 */
export async function replaceLeakedKey(deps: Deps, agent: AgentRow, keyId: string) {
  const { store, clock, config } = deps;
  const now = clock.now();
  const others = await store.keys.live(agent.id, now);
  const needsNew = others.every((k) => k.id === keyId);
  const apiKey = needsNew ? newApiKey() : null;
  const newId = uuidv7(now);
  const hash = apiKey ? await hashSecret(config.HASH_PEPPER, "api_key", apiKey) : null;
  const audit = auditRow(now, {
    actor: "system:credential-firewall",
    action: "key.leaked",
    agentId: agent.id,
    ownerId: agent.ownerId,
    target: keyId,
    detail: { revoked: keyId, replacement: apiKey ? newId : null },
  });
  await gateFirst(
    deps,
    agent.id,
    (g) => g.endKeys([{ keyId, at: now }], now),
    () => store.keys.replaceLeaked(agent.id, keyId, now, apiKey && hash ? { id: newId, agentId: agent.id, hash, prefix: keyPrefix(apiKey), createdAt: now } : null, audit),
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
