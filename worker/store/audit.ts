import { uuidv7 } from "../lib/ids";

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
