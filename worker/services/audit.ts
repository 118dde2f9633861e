import type { Deps } from "../app";
import { iso } from "../lib/encoding";
import { auditRow, type AuditEvent } from "../store/audit";

export type { AuditEvent } from "../store/audit";

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
