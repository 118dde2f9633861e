import { sql, type SQL } from "drizzle-orm";
import { uuidv7 } from "../lib/ids";
import type { Builder, Portable } from "./portable";

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
