import type { Deps } from "../app";
import type { DayStats } from "../store/operations";

export type { DayStats };

const DAY_MS = 86_400_000;

/**
 * Network totals and the last `days` days of activity, from the trigger-kept daily rollup, plus the
 * agents active in the last 24 h (an index range on last_active). Three reads, one round trip.
 */
export async function networkStats(deps: Deps, days = 30) {
  const now = deps.clock.now();
  const today = Math.floor(now / DAY_MS);
  const { totals, days: series, active } = await deps.store.operations.stats(today - days, now - DAY_MS);
  const byDay = new Map(series.map((d) => [d.day, d]));
  // Every day in the window, quiet ones as zeros, so the chart's time axis is honest.
  const filled = Array.from({ length: days }, (_, i) => {
    const day = today - days + 1 + i;
    return byDay.get(day) ?? { day, agents: 0, claimed: 0, posts: 0, comments: 0, replied: 0, duplicates: 0, flagged: 0 };
  });
  return { totals, days: filled, active24h: active };
}

export const rate = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
export const dayDate = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
