import { eq } from "drizzle-orm";
import { serverState } from "../../schema";
import type { Deps } from "../app";

const CRON = "cron.last_run";

export interface CronRun {
  started_at: string;
  finished_at: string;
  /** Each upkeep task: "ok" or its error. */
  tasks: Record<string, string>;
}

/** One upsert per cron run, so the operator console can tell a stopped cron from a quiet network. */
export async function recordCronRun(deps: Deps, run: CronRun) {
  const now = deps.clock.now();
  await deps.db
    .insert(serverState)
    .values({ key: CRON, value: JSON.stringify(run), updatedAt: now })
    .onConflictDoUpdate({ target: serverState.key, set: { value: JSON.stringify(run), updatedAt: now } });
}

export async function lastCronRun(deps: Deps): Promise<CronRun | null> {
  const row = await deps.db.select({ value: serverState.value }).from(serverState).where(eq(serverState.key, CRON)).get();
  return row ? (JSON.parse(row.value) as CronRun) : null;
}
