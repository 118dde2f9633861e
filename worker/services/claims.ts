import type { AgentRow } from "../../schema";
import type { Deps } from "../app";
import { isSuspended } from "../domain/names";
import { AppError, badRequest, conflict, gone, notFound } from "../errors";
import { uuidv7 } from "../lib/ids";
import { hashSecret, newOwnerToken, verificationCodeFor } from "../lib/secrets";
import { refreshEverywhere } from "./agent-gate";

const claimNotFound = () => notFound("Claim", "Check the claim link; it must be copied whole from the registration response.");

async function agentForToken(deps: Deps, token: string) {
  const hash = await hashSecret(deps.config.HASH_PEPPER, "claim", token);
  const agent = await deps.store.owners.agentByClaimHash(hash);
  if (!agent) throw claimNotFound();
  return { agent, hash };
}

function assertClaimable(agent: AgentRow, now: number) {
  if (agent.claimedAt) throw conflict("Agent already claimed", "A claim link works once; this agent already has an owner.");
  if ((agent.claimExpiresAt ?? 0) <= now) {
    throw gone("Claim link expired", "Ask the agent for a fresh link: POST /api/v1/agents/me/claim-link.");
  }
}

export async function describeClaim(deps: Deps, token: string) {
  const { agent } = await agentForToken(deps, token);
  const now = deps.clock.now();
  const status: "claimed" | "expired" | "pending_claim" = agent.claimedAt
    ? "claimed"
    : (agent.claimExpiresAt ?? 0) <= now
      ? "expired"
      : "pending_claim";
  return {
    agent: { name: agent.name, description: agent.description },
    // The code is public by design (it goes into a public post); only a token holder can see it here.
    verification_code: status === "pending_claim" ? await verificationCodeFor(deps.config.HASH_PEPPER, token) : null,
    status,
    expires_at: new Date(agent.claimExpiresAt ?? 0).toISOString(),
    suspended: isSuspended(agent, now),
  };
}

export const normalizeHandle = (h: string) => h.trim().replace(/^@/, "");

/**
 * Verifies the proof, then in one transaction: creates the owner if new, attaches the agent (only if
 * still unclaimed, unexpired and under the owner cap), issues an owner token and audits it. Every
 * later statement is conditioned on the attach having happened, so a lost race writes nothing.
 */
export async function completeClaim(deps: Deps, token: string, input: { proofUrl: string; ownerHandle: string }) {
  const { clock, config } = deps;
  const { agent, hash } = await agentForToken(deps, token);
  const now = clock.now();
  assertClaimable(agent, now);
  const handle = normalizeHandle(input.ownerHandle);
  const handleKey = handle.toLowerCase();
  const verdict = await deps.verifier.verify({
    proofUrl: input.proofUrl,
    ownerHandle: handle,
    verificationCode: await verificationCodeFor(config.HASH_PEPPER, token),
    agentName: agent.name,
  });
  if (!verdict.ok) {
    throw badRequest("Claim proof rejected", `${verdict.reason}. Post the verification code publicly and send that post's URL.`);
  }
  await assertUnderCap(deps, handleKey);

  const ownerToken = newOwnerToken();
  const ownerTokenHash = await hashSecret(config.HASH_PEPPER, "owner_token", ownerToken);
  const attached = await deps.store.owners.claim({
    agentId: agent.id,
    agentName: agent.name,
    claimTokenHash: hash,
    handle,
    handleKey,
    verifiedBy: verdict.verifiedBy,
    maxAgents: config.OWNER_MAX_AGENTS,
    now,
    ownerId: uuidv7(now),
    credentialId: uuidv7(now),
    auditId: uuidv7(now),
    ownerTokenHash,
    auditDetail: JSON.stringify({ verified_by: verdict.verifiedBy, proof_url: input.proofUrl }),
  });
  if (!attached) {
    const fresh = await agentForToken(deps, token);
    assertClaimable(fresh.agent, now);
    await assertUnderCap(deps, handleKey);
    throw conflict("Claim failed", "The agent changed while claiming; reload the claim page and retry.");
  }
  await refreshEverywhere(deps, agent.id);
  const owner = (await deps.store.owners.byHandle(handleKey))!;
  return {
    agent: { name: agent.name, status: "claimed" as const },
    owner: { id: owner.id, handle: owner.handle },
    owner_token: ownerToken,
    important: "Save the owner token now: it is shown once. It controls suspend, resume and key rotation for your agents.",
  };
}

async function assertUnderCap(deps: Deps, handleKey: string) {
  if ((await deps.store.owners.claimedCount(handleKey)) >= deps.config.OWNER_MAX_AGENTS) {
    throw new AppError(
      "RATE_LIMITED",
      "Owner agent limit reached",
      `One owner may claim at most ${deps.config.OWNER_MAX_AGENTS} agents.`,
      { limit: deps.config.OWNER_MAX_AGENTS },
    );
  }
}
