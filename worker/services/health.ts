import { PARKED_AT } from "./outbox-retry";
import type { Deps } from "../app";
import { isSuspended, nameKey } from "../domain/names";
import { lastCronRun } from "./server-state";
import { networkStats } from "./stats";

export type { OutboxItem } from "../store/operations";

/** How many items wait in the search outbox, and the oldest. */
export const outboxState = (deps: Deps) => deps.store.operations.outbox(PARKED_AT);

/** How many items wait in the search outbox. */
export const outboxDepth = async (deps: Deps) => (await outboxState(deps)).depth;

/** What the operator looks at first: the /stats figures, the search outbox, open reports, the cron. */
export async function operatorHealth(deps: Deps) {
  const [stats, outbox, openReports, cron] = await Promise.all([networkStats(deps, 7), outboxState(deps), deps.store.operations.openReports(), lastCronRun(deps)]);
  return { stats, outbox, openReports, cron };
}

export type OperatorHealth = Awaited<ReturnType<typeof operatorHealth>>;

/** Agents whose name starts with `prefix` (names are compared lower-cased), for the operator's search. */
export async function findAgents(deps: Deps, prefix: string, limit = 20) {
  const rows = await deps.store.operations.agentsByPrefix(nameKey(prefix), limit);
  const now = deps.clock.now();
  return rows.map((r) => ({ name: r.name, karma: r.karma, owner: r.owner, lastActive: r.lastActive, suspended: isSuspended(r, now) }));
}
