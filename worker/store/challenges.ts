import { and, eq, sql } from "drizzle-orm";
import type { AuditRow } from "./audit";
import { first, type Portable } from "./portable";

export interface ChallengeRow {
  id: string;
  codeHash: string;
  answerHash: string;
  agentId: string;
  contentType: "post" | "comment";
  contentId: string;
  payload: string;
  status: "pending" | "verified" | "failed";
  expiresAt: number;
  createdAt: number;
}

export interface ChallengeStore {
  hold(row: Omit<ChallengeRow, "status">): Promise<void>;
  /** The agent's challenge with this code's hash. */
  find(codeHash: string, agentId: string): Promise<ChallengeRow | null>;
  /**
   * Settles a pending challenge (verified or failed) and resets or counts the agent's failure streak,
   * both or neither: null when it was no longer pending (two answers racing), else the streak as written.
   */
  settle(id: string, agentId: string, right: boolean): Promise<{ failures: number } | null>;
  /** Suspends the agent until `until` for failing too often, resetting the streak, with the audit row. */
  suspendForFailures(agentId: string, until: number, reason: string, now: number, audit: AuditRow): Promise<void>;
}

export function challengeStore(p: Portable): ChallengeStore {
  const { challenges, agents, auditLog } = p.t;
  return {
    async hold(row) {
      await p.db.insert(challenges).values(row);
    },
    find: (codeHash, agentId) => first(p.db.select().from(challenges).where(and(eq(challenges.codeHash, codeHash), eq(challenges.agentId, agentId)))),
    async settle(id, agentId, right) {
      const after = await p.chainRows(
        (db) =>
          db
            .update(challenges)
            .set({ status: right ? "verified" : "failed" })
            .where(and(eq(challenges.id, id), eq(challenges.status, "pending")))
            .returning({ id: challenges.id }),
        // The streak comes back from the same write that counted this failure.
        (db, onlyIf) => [
          db
            .update(agents)
            .set({ verificationFailures: right ? 0 : sql`${agents.verificationFailures} + 1` })
            .where(and(eq(agents.id, agentId), onlyIf))
            .returning({ failures: agents.verificationFailures }),
        ],
      );
      if (!after) return null;
      const [streak] = after[0] as { failures: number }[];
      return { failures: streak?.failures ?? 0 };
    },
    async suspendForFailures(agentId, until, reason, now, audit) {
      await p.atomic((db) => [
        db.update(agents).set({ suspendedUntil: until, suspendedIndefinitely: false, suspendReason: reason, verificationFailures: 0, updatedAt: now }).where(eq(agents.id, agentId)),
        db.insert(auditLog).values(audit),
      ]);
    },
  };
}
