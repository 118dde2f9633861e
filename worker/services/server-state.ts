import type { Deps } from "../app";

const CRON = "cron.last_run";

export interface CronRun {
  started_at: string;
  finished_at: string;
  /** Each upkeep task: "ok" or its error. */
  tasks: Record<string, string>;
}

/** One upsert per cron run, so the operator console can tell a stopped cron from a quiet network. */
export const recordCronRun = (deps: Deps, run: CronRun) => deps.store.operations.setState(CRON, JSON.stringify(run), deps.clock.now());

export async function lastCronRun(deps: Deps): Promise<CronRun | null> {
  const value = await deps.store.operations.state(CRON);
  return value ? (JSON.parse(value) as CronRun) : null;
}
