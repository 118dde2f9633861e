import { and, count, eq, gt, isNull, lt, or } from "drizzle-orm";
import type { AgentRow, OwnerRow } from "../../schema";
import type { AuditRow } from "./audit";
import { first, type Portable } from "./portable";

export type OwnerCredentialRow = {
  id: string;
  ownerId: string;
  kind: "token" | "session";
  hash: string;
  csrfHash: string | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
};

/** A claim as one write: every part happens only if the agent is still claimable and the owner under the cap. */
export interface ClaimWrite {
  agentId: string;
  agentName: string;
  claimTokenHash: string;
  handle: string;
  handleKey: string;
  verifiedBy: string;
  maxAgents: number;
  now: number;
  /** Ids for the rows it may write: a new owner, the owner token, the audit event. */
  ownerId: string;
  credentialId: string;
  auditId: string;
  ownerTokenHash: string;
  auditDetail: string;
}

/** What a suspension sets on the agent (a resume clears the same fields). */
export interface Suspension {
  suspendedUntil: number | null;
  suspendedIndefinitely: boolean;
  suspendReason: string | null;
}

export interface OwnerStore {
  agentByClaimHash(hash: string): Promise<AgentRow | null>;
  /** How many agents the owner with this lower-cased handle has claimed. */
  claimedCount(handleKey: string): Promise<number>;
  /**
   * Creates the owner if new, attaches the agent (only if still unclaimed, unexpired, and the owner
   * under the cap), stores the owner token's hash and audits it, all or nothing; false if the
   * agent could not be attached (nothing but a new owner row is kept).
   */
  claim(c: ClaimWrite): Promise<boolean>;
  byHandle(handleKey: string): Promise<OwnerRow | null>;
  byId(id: string): Promise<OwnerRow | null>;
  /** A usable (not revoked, not expired) credential of this kind, by hash. */
  credential(hash: string, kind: "token" | "session", now: number): Promise<OwnerCredentialRow | null>;
  addCredential(row: OwnerCredentialRow): Promise<void>;
  revokeCredential(hash: string, now: number): Promise<void>;
  /** Forgets browser sessions that expired before `before`; owner tokens are kept. */
  sweepSessions(before: number): Promise<void>;
  agents(ownerId: string): Promise<AgentRow[]>;
  /** Sets (or, with all fields cleared, lifts) a suspension with its audit row; the agent as written. */
  suspend(agentId: string, s: Suspension, now: number, audit: AuditRow): Promise<AgentRow>;
}

/** The owner store's portable part; `claim` is each adapter's (a D1 batch of conditional statements, a locking transaction). */
export function ownerStore(p: Portable, claim: OwnerStore["claim"]): OwnerStore {
  const { agents, owners, ownerCredentials: creds, auditLog } = p.t;
  const usable = (now: number) => and(isNull(creds.revokedAt), or(isNull(creds.expiresAt), gt(creds.expiresAt, now)));
  return {
    agentByClaimHash: (hash) => first(p.db.select().from(agents).where(eq(agents.claimTokenHash, hash))),
    async claimedCount(handleKey) {
      const row = await first(p.db.select({ n: count() }).from(agents).innerJoin(owners, eq(owners.id, agents.ownerId)).where(eq(owners.handleKey, handleKey)));
      return Number(row?.n ?? 0);
    },
    claim,
    byHandle: (handleKey) => first(p.db.select().from(owners).where(eq(owners.handleKey, handleKey))),
    byId: (id) => first(p.db.select().from(owners).where(eq(owners.id, id))),
    credential: (hash, kind, now) => first(p.db.select().from(creds).where(and(eq(creds.hash, hash), eq(creds.kind, kind), usable(now)))),
    async addCredential(row) {
      await p.db.insert(creds).values(row);
    },
    async revokeCredential(hash, now) {
      await p.db.update(creds).set({ revokedAt: now }).where(eq(creds.hash, hash));
    },
    async sweepSessions(before) {
      await p.db.delete(creds).where(and(eq(creds.kind, "session"), lt(creds.expiresAt, before)));
    },
    agents: (ownerId) => p.db.select().from(agents).where(eq(agents.ownerId, ownerId)).orderBy(agents.createdAt),
    async suspend(agentId, s, now, audit) {
      const [rows] = await p.atomic((db) => [db.update(agents).set({ ...s, updatedAt: now }).where(eq(agents.id, agentId)).returning(), db.insert(auditLog).values(audit)]);
      return rows[0]!;
    },
  };
}
