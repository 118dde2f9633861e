import type { ClaimWrite } from "../owners";

/**
 * A claim as one D1 batch: every statement after the owner insert is conditioned on the agent
 * having been attached by this batch, so a lost race (or the owner's cap) writes nothing more.
 */
export const d1Claim =
  (d1: D1Database) =>
  async (c: ClaimWrite): Promise<boolean> => {
    const ownerId = "(SELECT id FROM owners WHERE handle_key = ?1)";
    // ?1 handle key, ?2 agent id, ?3 now, ?4 claim token hash
    const claimable = "EXISTS (SELECT 1 FROM agents WHERE id = ?2 AND claimed_at IS NULL AND claim_token_hash = ?4 AND claim_expires_at > ?3)";
    const attached = `EXISTS (SELECT 1 FROM agents WHERE id = ?2 AND claimed_at = ?3 AND owner_id = ${ownerId})`;
    const results = await d1.batch([
      d1
        .prepare(`INSERT INTO owners (id, handle, handle_key, created_at) SELECT ?5, ?6, ?1, ?3 WHERE ${claimable} ON CONFLICT (handle_key) DO NOTHING`)
        .bind(c.handleKey, c.agentId, c.now, c.claimTokenHash, c.ownerId, c.handle),
      d1
        .prepare(
          `UPDATE agents SET owner_id = ${ownerId}, claimed_at = ?3, claim_verified_by = ?5, updated_at = ?3
           WHERE id = ?2 AND claimed_at IS NULL AND claim_token_hash = ?4 AND claim_expires_at > ?3
             AND (SELECT count(*) FROM agents WHERE owner_id = ${ownerId}) < ?6 RETURNING id`,
        )
        .bind(c.handleKey, c.agentId, c.now, c.claimTokenHash, c.verifiedBy, c.maxAgents),
      d1
        .prepare(`INSERT INTO owner_credentials (id, owner_id, kind, hash, created_at) SELECT ?4, ${ownerId}, 'token', ?5, ?3 WHERE ${attached}`)
        .bind(c.handleKey, c.agentId, c.now, c.credentialId, c.ownerTokenHash),
      d1
        .prepare(
          `INSERT INTO audit_log (id, at, actor, action, agent_id, owner_id, target, detail)
           SELECT ?4, ?3, 'owner:' || ${ownerId}, 'agent.claim', ?2, ${ownerId}, ?5, ?6 WHERE ${attached}`,
        )
        .bind(c.handleKey, c.agentId, c.now, c.auditId, c.agentName, c.auditDetail),
    ]);
    return (results[1]?.results ?? []).length > 0;
  };
