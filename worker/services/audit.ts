import { and, desc, eq, lt } from "drizzle-orm";
import { auditLog } from "../../schema";
import type { Db } from "../app";
import { asD1Statement } from "../lib/d1-statement";
import { iso } from "../lib/encoding";
import { uuidv7 } from "../lib/ids";

export interface AuditEvent {
  actor: string;
  action: string;
  agentId?: string | null;
  ownerId?: string | null;
  target?: string | null;
  detail?: Record<string, unknown>;
}

/** An audit insert to put in the same db.batch as the change it records. */
export function auditInsert(db: Db, at: number, e: AuditEvent) {
  return db.insert(auditLog).values({
    id: uuidv7(at),
    at,
    // Most events are an agent acting on itself: stored as NULL, read back as "agent:<agent_id>".
    actor: e.actor === `agent:${e.agentId}` ? null : e.actor,
    action: e.action,
    agentId: e.agentId ?? "",
    ownerId: e.ownerId ?? null,
    target: e.target ?? null,
    detail: JSON.stringify(e.detail ?? {}),
  });
}

/** The same audit row as a raw D1 statement, for batches written with d1.prepare. */
export function auditStatement(db: Db, d1: D1Database, at: number, e: AuditEvent): D1PreparedStatement {
  return asD1Statement(d1, auditInsert(db, at, e));
}

export async function listAudit(db: Db, agentId: string, cursor: string | undefined, limit: number) {
  const rows = await db
    .select()
    .from(auditLog)
    .where(cursor ? and(eq(auditLog.agentId, agentId), lt(auditLog.id, cursor)) : eq(auditLog.agentId, agentId))
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
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
