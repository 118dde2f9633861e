import { and, count, desc, eq, gt, lt, sql, type SQL } from "drizzle-orm";
import type { AuditLogRow } from "../../schema";
import { uuidv7 } from "../lib/ids";
import { first, type Builder, type Portable } from "./portable";

export interface AuditEvent {
  actor: string;
  action: string;
  agentId?: string | null;
  ownerId?: string | null;
  target?: string | null;
  detail?: Record<string, unknown>;
}

/** An audit_log row as both stores write it. */
export type AuditRow = ReturnType<typeof auditRow>;

export function auditRow(at: number, e: AuditEvent) {
  return {
    id: uuidv7(at),
    at,
    // Most events are an agent acting on itself: stored as NULL, read back as "agent:<agent_id>".
    actor: e.actor === `agent:${e.agentId}` ? null : e.actor,
    action: e.action,
    agentId: e.agentId ?? "",
    ownerId: e.ownerId ?? null,
    target: e.target ?? null,
    detail: JSON.stringify(e.detail ?? {}),
  };
}

/**
 * The audit row, written only if `onlyIf` holds when the batch runs (D1's `changes() > 0` chains);
 * without it, a plain insert (PostgreSQL decides in the transaction instead).
 */
export function auditInsertIf(p: Pick<Portable, "t">, db: Builder, row: AuditRow, onlyIf: SQL | undefined) {
  const table = p.t.auditLog;
  if (!onlyIf) return db.insert(table).values(row);
  // The SELECT's columns are the table's, in order.
  return db.insert(table).select(sql`SELECT ${row.id}, ${row.at}, ${row.actor}, ${row.action}, ${row.agentId}, ${row.ownerId}, ${row.target}, ${row.detail} WHERE ${onlyIf}`);
}

export interface AuditStore {
  /** One event on its own (a refusal, a sign-in: nothing else changes with it). */
  record(row: AuditRow): Promise<void>;
  /** An agent's trail, newest first, `limit` events older than the `before` event id. */
  trail(agentId: string, before: string | undefined, limit: number): Promise<AuditLogRow[]>;
  /** How many `action` events an agent has had since `since` (per-hour limits kept in the trail). */
  countSince(agentId: string, action: "key.rotate", since: number): Promise<number>;
}

export function auditStore(p: Portable): AuditStore {
  const { auditLog } = p.t;
  return {
    async record(row) {
      await p.db.insert(auditLog).values(row);
    },
    trail: (agentId, before, limit) =>
      p.db
        .select()
        .from(auditLog)
        .where(before ? and(eq(auditLog.agentId, agentId), lt(auditLog.id, before)) : eq(auditLog.agentId, agentId))
        .orderBy(desc(auditLog.id))
        .limit(limit),
    async countSince(agentId, action, since) {
      // The action as a literal, not a parameter: only then can the planner use the partial audit_key_rotate_idx.
      const row = await first(
        p.db
          .select({ n: count() })
          .from(auditLog)
          .where(and(eq(auditLog.agentId, agentId), sql`${auditLog.action} = ${sql.raw(`'${action}'`)}`, gt(auditLog.at, since))),
      );
      return Number(row?.n ?? 0);
    },
  };
}
