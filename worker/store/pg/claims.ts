import type { ClaimWrite } from "../owners";
import type { PgSql } from "./client";

/**
 * A claim as one PostgreSQL transaction. The agent's row lock decides between two claims of one
 * agent; the owner's row lock serializes claims for one owner, so the cap holds under concurrency.
 * Answering false commits only a new owner row (as D1's batch keeps it).
 */
export const pgClaim =
  (sql: () => PgSql) =>
  (c: ClaimWrite): Promise<boolean> =>
    sql().begin(async (tx) => {
      const claimable = await tx.unsafe(
        "SELECT id FROM agents WHERE id = $1 AND claimed_at IS NULL AND claim_token_hash = $2 AND claim_expires_at > $3::bigint FOR UPDATE",
        [c.agentId, c.claimTokenHash, c.now],
      );
      if (claimable.length === 0) return false;
      await tx.unsafe("INSERT INTO owners (id, handle, handle_key, created_at) VALUES ($1, $2, $3, $4::bigint) ON CONFLICT (handle_key) DO NOTHING", [c.ownerId, c.handle, c.handleKey, c.now]);
      const [owner] = await tx.unsafe<{ id: string }[]>("SELECT id FROM owners WHERE handle_key = $1 FOR UPDATE", [c.handleKey]);
      const [claimed] = await tx.unsafe<{ n: number }[]>("SELECT count(*) AS n FROM agents WHERE owner_id = $1", [owner!.id]);
      if (Number(claimed!.n) >= c.maxAgents) return false;
      await tx.unsafe("UPDATE agents SET owner_id = $1, claimed_at = $2::bigint, claim_verified_by = $3, updated_at = $2::bigint WHERE id = $4", [owner!.id, c.now, c.verifiedBy, c.agentId]);
      await tx.unsafe("INSERT INTO owner_credentials (id, owner_id, kind, hash, created_at) VALUES ($1, $2, 'token', $3, $4::bigint)", [c.credentialId, owner!.id, c.ownerTokenHash, c.now]);
      await tx.unsafe("INSERT INTO audit_log (id, at, actor, action, agent_id, owner_id, target, detail) VALUES ($1, $2::bigint, $3, 'agent.claim', $4, $5, $6, $7)", [
        c.auditId,
        c.now,
        `owner:${owner!.id}`,
        c.agentId,
        owner!.id,
        c.agentName,
        c.auditDetail,
      ]);
      return true;
    }) as Promise<boolean>;
