import type { Deps } from "../app";
import { isSuspended, nameKey } from "../domain/names";
import { lastCronRun } from "./server-state";
import { networkStats } from "./stats";

export interface OutboxItem {
  target_type: string;
  target_id: string;
  op: string;
  attempts: number;
  last_error: string | null;
  created_at: number;
}

/** The search outbox: how much waits, and its oldest item (a stuck embedder shows as an old item with attempts and an error). */
const depthQuery = (d1: D1Database) => d1.prepare("SELECT count(*) AS n FROM search_outbox");

/** How many items wait in the search outbox. */
export const outboxDepth = async (d1: D1Database) => (await depthQuery(d1).first<{ n: number }>())?.n ?? 0;

export async function outboxState(deps: Deps) {
  const [depth, oldest] = await deps.d1.batch([
    depthQuery(deps.d1),
    deps.d1.prepare("SELECT target_type, target_id, op, attempts, last_error, created_at FROM search_outbox ORDER BY id LIMIT 1"),
  ]);
  return { depth: (depth!.results[0] as { n: number }).n, oldest: (oldest!.results[0] as OutboxItem | undefined) ?? null };
}

/** What the operator looks at first: the /stats figures, the search outbox, open reports, the cron. */
export async function operatorHealth(deps: Deps) {
  const [stats, outbox, reports, cron] = await Promise.all([
    networkStats(deps, 7),
    outboxState(deps),
    deps.d1.prepare("SELECT count(*) AS n FROM reports WHERE resolved_at IS NULL").first<{ n: number }>(),
    lastCronRun(deps),
  ]);
  return { stats, outbox, openReports: reports?.n ?? 0, cron };
}

export type OperatorHealth = Awaited<ReturnType<typeof operatorHealth>>;

/** Agents whose name starts with `prefix` (names are compared lower-cased), for the operator's search. */
export async function findAgents(deps: Deps, prefix: string, limit = 20) {
  const key = nameKey(prefix);
  const rows = await deps.d1
    .prepare(
      `SELECT a.name, a.karma, a.created_at, a.last_active, a.suspended_until, a.suspended_indefinitely, o.handle AS owner
       FROM agents a LEFT JOIN owners o ON o.id = a.owner_id WHERE a.name_key >= ?1 AND a.name_key < ?1 || '~' ORDER BY a.name_key LIMIT ?2`,
    )
    .bind(key, limit)
    .all<{ name: string; karma: number; created_at: number; last_active: number; suspended_until: number | null; suspended_indefinitely: number; owner: string | null }>();
  const now = deps.clock.now();
  return rows.results.map((r) => ({
    name: r.name,
    karma: r.karma,
    owner: r.owner,
    lastActive: r.last_active,
    suspended: isSuspended({ suspendedIndefinitely: r.suspended_indefinitely === 1, suspendedUntil: r.suspended_until }, now),
  }));
}
