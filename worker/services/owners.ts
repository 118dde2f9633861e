import type { AgentRow } from "../../schema";
import type { Deps } from "../app";
import { agentStatus } from "../converters/agent";
import { nameKey } from "../domain/names";
import { forbidden, notFound, unauthorized } from "../errors";
import { iso } from "../lib/encoding";
import { uuidv7 } from "../lib/ids";
import { hashSecret, newOpaqueToken, sameDigest } from "../lib/secrets";
import { gateAfter, gateFirst } from "./agent-gate";
import { auditRow } from "../store/audit";

async function findCredential(deps: Deps, kind: "token" | "session", raw: string) {
  const hash = await hashSecret(deps.config.HASH_PEPPER, `owner_${kind}`, raw);
  const row = await deps.store.owners.credential(hash, kind, deps.clock.now());
  return row && sameDigest(row.hash, hash) ? row : null;
}

export async function ownerFromToken(deps: Deps, raw: string) {
  return (await findCredential(deps, "token", raw))?.ownerId ?? null;
}

/** A session cookie is only good together with its CSRF token for writes (double submit, bound by hash). */
export async function ownerFromSession(deps: Deps, raw: string, csrf: string | null) {
  const row = await findCredential(deps, "session", raw);
  if (!row) return null;
  const csrfOk = csrf != null && row.csrfHash != null && sameDigest(row.csrfHash, await hashSecret(deps.config.HASH_PEPPER, "owner_csrf", csrf));
  return { ownerId: row.ownerId, csrfOk };
}

export async function openSession(deps: Deps, ownerToken: string) {
  const ownerId = await ownerFromToken(deps, ownerToken);
  if (!ownerId) throw unauthorized("Invalid or expired token", "Send the owner_token you received when you claimed your agent.");
  const now = deps.clock.now();
  const session = newOpaqueToken();
  const csrf = newOpaqueToken();
  const expiresAt = now + deps.config.OWNER_SESSION_HOURS * 3_600_000;
  const pepper = deps.config.HASH_PEPPER;
  await deps.store.owners.addCredential({
    id: uuidv7(now),
    ownerId,
    kind: "session",
    hash: await hashSecret(pepper, "owner_session", session),
    csrfHash: await hashSecret(pepper, "owner_csrf", csrf),
    createdAt: now,
    expiresAt,
    revokedAt: null,
  });
  const owner = await deps.store.owners.byId(ownerId);
  return { ownerId, handle: owner?.handle ?? "", session, csrf, expiresAt };
}

export async function closeSession(deps: Deps, raw: string) {
  const hash = await hashSecret(deps.config.HASH_PEPPER, "owner_session", raw);
  await deps.store.owners.revokeCredential(hash, deps.clock.now());
}

/**
 * The owner's agent by name. The JSON API answers another owner's agent with 403 (API.md); the
 * dashboard (`hide`) with the same 404 as a made-up name, so it tells nobody which names are claimed.
 */
export async function ownedAgent(deps: Deps, ownerId: string, name: string, o: { hide?: boolean } = {}): Promise<AgentRow> {
  const agent = await deps.store.agents.byNameKey(nameKey(name));
  if (!agent || (o.hide && agent.ownerId !== ownerId)) throw notFound("Agent", o.hide ? "Your agents are listed on your dashboard." : "List your agents with GET /api/v1/owner/agents.");
  if (agent.ownerId !== ownerId) throw forbidden("This agent is not yours", "Only the owner who claimed an agent controls it.");
  return agent;
}

export function ownerAgentJson(agent: AgentRow, now: number) {
  return {
    name: agent.name,
    status: agentStatus(agent, now) === "suspended" ? ("suspended" as const) : ("active" as const),
    karma: agent.karma,
    created_at: iso(agent.createdAt)!,
    last_active: iso(agent.lastActive)!,
    suspended_until: agent.suspendedIndefinitely ? null : iso(agent.suspendedUntil),
    reason: agent.suspendReason,
    claimed_at: iso(agent.claimedAt),
  };
}

export async function listOwnedAgents(deps: Deps, ownerId: string) {
  const rows = await deps.store.owners.agents(ownerId);
  return rows.map((a) => ownerAgentJson(a, deps.clock.now()));
}

/**
 * The kill switch: from the next request on, every key and JWT of the agent is refused.
 * `actor` is the owner ("owner:<id>") or the server operator ("operator").
 */
export async function suspendAgent(deps: Deps, actor: string, agent: AgentRow, reason: string | null, until: number | null) {
  const now = deps.clock.now();
  const audit = auditRow(now, { actor, action: "agent.suspend", agentId: agent.id, ownerId: agent.ownerId, target: agent.name, detail: { reason, until: iso(until) } });
  const row = await gateFirst(
    deps,
    agent.id,
    (g) => g.suspend(until),
    () => deps.store.owners.suspend(agent.id, { suspendedUntil: until, suspendedIndefinitely: until == null, suspendReason: reason }, now, audit),
    (g, before) => g.resume(before),
  );
  return ownerAgentJson(row, now);
}

export async function resumeAgent(deps: Deps, actor: string, agent: AgentRow) {
  const now = deps.clock.now();
  const audit = auditRow(now, { actor, action: "agent.resume", agentId: agent.id, ownerId: agent.ownerId, target: agent.name });
  const row = await deps.store.owners.suspend(agent.id, { suspendedUntil: null, suspendedIndefinitely: false, suspendReason: null }, now, audit);
  await gateAfter(deps, agent.id, (g) => g.resume());
  return ownerAgentJson(row, now);
}

/** The cron forgets browser sessions a day after they expired; owner tokens are kept. */
export const sweepOwnerSessions = (deps: Deps) => deps.store.owners.sweepSessions(deps.clock.now() - 86_400_000);
