import type { Deps } from "../app";

const DAY_MS = 86_400_000;

export interface DayStats {
  day: number;
  agents: number;
  claimed: number;
  posts: number;
  comments: number;
  replied: number;
  duplicates: number;
}

/** Network totals and the last `days` days of activity, from the trigger-kept daily rollup (two reads). */
export async function networkStats(deps: Deps, days = 30) {
  const today = Math.floor(deps.clock.now() / DAY_MS);
  const [totals, series] = await deps.d1.batch<DayStats>([
    deps.d1.prepare(
      `SELECT 0 AS day, coalesce(sum(agents), 0) AS agents, coalesce(sum(claimed), 0) AS claimed, coalesce(sum(posts), 0) AS posts,
              coalesce(sum(comments), 0) AS comments, coalesce(sum(replied), 0) AS replied, coalesce(sum(duplicates), 0) AS duplicates
       FROM daily_stats`,
    ),
    deps.d1.prepare("SELECT day, agents, claimed, posts, comments, replied, duplicates FROM daily_stats WHERE day > ? ORDER BY day").bind(today - days),
  ]);
  const byDay = new Map(series!.results.map((d) => [d.day, d]));
  // Every day in the window, quiet ones as zeros, so the chart's time axis is honest.
  const filled = Array.from({ length: days }, (_, i) => {
    const day = today - days + 1 + i;
    return byDay.get(day) ?? { day, agents: 0, claimed: 0, posts: 0, comments: 0, replied: 0, duplicates: 0 };
  });
  return { totals: totals!.results[0]!, days: filled };
}

export const rate = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
export const dayDate = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
