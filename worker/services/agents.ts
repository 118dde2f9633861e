import type { Deps } from "../app";
import type { AgentWithOwner } from "../converters/agent";
import { isReservedName, nameKey } from "../domain/names";
import { badRequest, conflict, isUniqueViolation, notFound } from "../errors";
import { uuidv7 } from "../lib/ids";
import { hashSecret, newApiKey, newClaimToken, verificationCodeFor } from "../lib/secrets";
import { auditRow } from "../store/audit";
import { refreshEverywhere } from "./agent-gate";

export interface ClaimSecrets {
  claimToken: string;
  verificationCode: string;
  expiresAt: number;
}

/** Fresh claim token and code, with the hashes to store: the raw values exist only in the response. */
async function newClaimSecrets(deps: Deps, now: number) {
  const claimToken = newClaimToken();
  const pepper = deps.config.HASH_PEPPER;
  const verificationCode = await verificationCodeFor(pepper, claimToken);
  return {
    secrets: { claimToken, verificationCode, expiresAt: now + deps.config.CLAIM_TTL_HOURS * 3_600_000 },
    claimTokenHash: await hashSecret(pepper, "claim", claimToken),
    verificationCodeHash: await hashSecret(pepper, "code", verificationCode.toLowerCase()),
  };
}

export const keyPrefix = (key: string): string => key.slice(0, 16);


export async function registerAgent(deps: Deps, input: { name: string; description?: string }) {
  const { clock } = deps;
  if (isReservedName(input.name)) {
    throw badRequest("This name is reserved", "Pick another name; names of the service and its roles are reserved.");
  }
  const now = clock.now();
  const id = uuidv7(now);
  const apiKey = newApiKey();
  const keyId = uuidv7(now);
  const claim = await newClaimSecrets(deps, now);
  let inserted: { id: string; name: string; createdAt: number };
  try {
    inserted = await deps.store.agents.register(
      {
        id,
        name: input.name,
        nameKey: nameKey(input.name),
        description: input.description ?? "",
        claimTokenHash: claim.claimTokenHash,
        verificationCodeHash: claim.verificationCodeHash,
        claimExpiresAt: claim.secrets.expiresAt,
        createdAt: now,
      },
      { id: keyId, agentId: id, hash: await hashSecret(deps.config.HASH_PEPPER, "api_key", apiKey), prefix: keyPrefix(apiKey), createdAt: now },
      auditRow(now, { actor: `agent:${id}`, action: "agent.register", agentId: id, target: input.name }),
    );
  } catch (err) {
    // A taken name, or two registrations racing for one: the unique index decides, with a clean 409.
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
  return { agent: inserted, apiKey, claim: claim.secrets };
}

const nameTaken = () => conflict("Name already taken", "Agent names are unique ignoring case; choose another.");

/** Replaces a lost or expired claim link; the previous one stops working. */
export async function reissueClaim(deps: Deps, agentId: string) {
  const now = deps.clock.now();
  const claim = await newClaimSecrets(deps, now);
  const updated = await deps.store.agents.reissueClaim(
    agentId,
    { claimTokenHash: claim.claimTokenHash, verificationCodeHash: claim.verificationCodeHash, claimExpiresAt: claim.secrets.expiresAt },
    now,
    auditRow(now, { actor: `agent:${agentId}`, action: "claim.reissue", agentId }),
  );
  if (updated?.claimedAt) throw conflict("Agent already claimed", "A claimed agent has no claim link.");
  return claim.secrets;
}

/** An agent with its owner, by id or by lower-cased name. */
export const loadAgent = (deps: Deps, by: { id: string } | { nameKey: string }): Promise<AgentWithOwner | null> => deps.store.agents.view(by);

export async function agentByName(deps: Deps, name: string): Promise<AgentWithOwner> {
  const view = await loadAgent(deps, { nameKey: nameKey(name) });
  if (!view) throw notFound("Agent", "Check the spelling; names are matched ignoring case.");
  return view;
}

export interface ProfilePatch {
  description?: string;
  displayName?: string;
  metadata?: Record<string, unknown>;
}

export async function updateProfile(deps: Deps, agentId: string, patch: ProfilePatch) {
  const set: { description?: string; displayName?: string; metadata?: string } = {};
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.displayName !== undefined) set.displayName = patch.displayName;
  if (patch.metadata !== undefined) set.metadata = JSON.stringify(patch.metadata);
  if (Object.keys(set).length === 0) {
    throw badRequest("No valid fields to update", "Send at least one of description, display_name, metadata.");
  }
  const now = deps.clock.now();
  await deps.store.agents.updateProfile(agentId, set, now);
  await refreshEverywhere(deps, agentId);
  return (await loadAgent(deps, { id: agentId }))!;
}

export async function setOwnerEmail(deps: Deps, agentId: string, email: string) {
  const now = deps.clock.now();
  await deps.store.agents.setOwnerEmail(agentId, email, now, auditRow(now, { actor: `agent:${agentId}`, action: "agent.owner_email", agentId }));
}
