import type { SQL } from "drizzle-orm";
import * as schema from "../../schema";
import { auditLog } from "../../schema";
import type { Db, Deps } from "../app";
import { iso } from "../lib/encoding";
import { auditInsertIf as storedAuditIf, auditRow, type AuditEvent } from "../store/audit";

export type { AuditEvent } from "../store/audit";

/** An audit insert to put in the same db.batch as the change it records. */
export function auditInsert(db: Db, at: number, e: AuditEvent) {
  return db.insert(auditLog).values(auditRow(at, e));
}

/**
 * The same, written only if `onlyIf` holds when the batch runs (e.g. `changes() > 0` right after the
 * change it records), so a change that turned out to be a no-op leaves no event behind.
 */
export function auditInsertIf(db: Db, at: number, e: AuditEvent, onlyIf: SQL) {
  return storedAuditIf({ t: schema }, db, auditRow(at, e), onlyIf);
}

/** Records an event that changes nothing else (on either store). */
export const recordAudit = (deps: Deps, e: AuditEvent) => deps.store.audit.record(auditRow(deps.clock.now(), e));

export async function listAudit(deps: Deps, agentId: string, cursor: string | undefined, limit: number) {
  const rows = await deps.store.audit.trail(agentId, cursor, limit + 1);
  const page = rows.slice(0, limit);
  return {
    events: page.map((r) => ({
      id: r.id,
      at: iso(r.at)!,
      actor: r.actor ?? `agent:${r.agentId}`,
      action: r.action,
      target: r.target,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    })),
    next_cursor: rows.length > limit ? page.at(-1)!.id : null,
  };
}
