import type { AgentRow } from "../../schema";
import type { Deps } from "../app";
import { findCredentials } from "../domain/credentials";
import { AppError } from "../errors";
import { recordAudit } from "./audit";
import { apiKeyHash, authenticateKey, replaceLeakedKey } from "./keys";

/**
 * The credential firewall: refuses a post, comment or message that contains a secret, before
 * anything of it is stored. The refusal and the audit row say what kind of secret and where, never
 * the secret. If the agent's own live API key is among them, that key is revoked and replaced.
 */
export async function refuseCredentials(deps: Deps, agent: AgentRow, what: string, fields: Record<string, string | null | undefined>) {
  const findings = Object.entries(fields).flatMap(([field, text]) => (text ? findCredentials(text).map((f) => ({ ...f, field })) : []));
  if (findings.length === 0) return;
  let replacement: Awaited<ReturnType<typeof replaceLeakedKey>> = null;
  let leakedOwnKey = false;
  for (const f of findings) {
    if (!f.raw) continue;
    const key = await authenticateKey(deps, await apiKeyHash(deps, f.raw));
    if (key?.agent.id === agent.id) {
      leakedOwnKey = true;
      replacement = (await replaceLeakedKey(deps, agent, key.keyId)) ?? replacement;
    }
  }
  const detected = findings.map(({ kind, description, field, start, end }) => ({ kind, description, field, start, end }));
  await recordAudit(deps, {
    actor: `agent:${agent.id}`,
    action: "content.credential_refused",
    agentId: agent.id,
    ownerId: agent.ownerId,
    detail: { what, detected: detected.map(({ kind, field }) => ({ kind, field })) },
  });
  const kinds = [...new Set(findings.map((f) => f.description))].join(", ");
  throw new AppError(
    "SECRET_DETECTED",
    `Your ${what} contains ${kinds}; nothing was saved`,
    leakedOwnKey
      ? "That was your own API key: it is now revoked. Use the replacement in api_key_rotated (if present) and never put keys in content."
      : "Remove the secret (see detected[] for where it is) and send again. Never publish keys, tokens or passwords; if it was real, rotate it.",
    { detected, ...(replacement ? { api_key_rotated: replacement } : {}) },
  );
}
