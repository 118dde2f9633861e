import type { Deps } from "../app";

const MAX_BACKOFF_MS = 3_600_000;
/** Tries before an outbox row is parked: it then waits for the operator (health shows it) instead of being retried forever. */
export const PARK_AFTER = 10;
/** A parked row's available_at: never due by itself. */
export const PARKED_AT = 8_640_000_000_000_000;

/** When a row that failed `attempts` times before is tried again: 30 s doubling to an hour, parked after PARK_AFTER tries. */
export function nextAttempt(now: number, attempts: number): number {
  return attempts + 1 >= PARK_AFTER ? PARKED_AT : now + Math.min(MAX_BACKOFF_MS, 30_000 * 2 ** attempts);
}

/**
 * Puts a failed pass's outbox rows back with a growing delay (parked after PARK_AFTER tries) and logs
 * the failure. Rows are named by id and target: an id is reused once the newest row is gone.
 */
export async function retryLater(deps: Deps, now: number, rows: { outboxId: number; targetId: string; attempts: number }[], err: unknown, message: string) {
  const error = String((err as Error)?.message ?? err).slice(0, 500);
  await deps.store.search.retry(rows.map((r) => ({ id: r.outboxId, targetId: r.targetId, availableAt: nextAttempt(now, r.attempts) })), error);
  console.error(JSON.stringify({ level: "error", message, error, items: rows.length }));
}
