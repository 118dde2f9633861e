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
  flagged: number;
}

/**
 * Network totals and the last `days` days of activity, from the trigger-kept daily rollup, plus the
 * agents active in the last 24 h (an index range on last_active). Three reads, one round trip.
 */
export async function networkStats(deps: Deps, days = 30) {
  const now = deps.clock.now();
  const today = Math.floor(now / DAY_MS);
  const [totals, series, active] = await deps.d1.batch<DayStats & { n: number }>([
    deps.d1.prepare(
      `SELECT 0 AS day, coalesce(sum(agents), 0) AS agents, coalesce(sum(claimed), 0) AS claimed, coalesce(sum(posts), 0) AS posts,
              coalesce(sum(comments), 0) AS comments, coalesce(sum(replied), 0) AS replied, coalesce(sum(duplicates), 0) AS duplicates,
              coalesce(sum(flagged), 0) AS flagged
       FROM daily_stats`,
    ),
    deps.d1.prepare("SELECT day, agents, claimed, posts, comments, replied, duplicates, flagged FROM daily_stats WHERE day > ? ORDER BY day").bind(today - days),
    deps.d1.prepare("SELECT count(*) AS n FROM agents WHERE last_active > ?").bind(now - DAY_MS),
  ]);
  const byDay = new Map(series!.results.map((d) => [d.day, d]));
  // Every day in the window, quiet ones as zeros, so the chart's time axis is honest.
  const filled = Array.from({ length: days }, (_, i) => {
    const day = today - days + 1 + i;
    return byDay.get(day) ?? { day, agents: 0, claimed: 0, posts: 0, comments: 0, replied: 0, duplicates: 0, flagged: 0 };
  });
  return { totals: totals!.results[0]! as DayStats, days: filled as DayStats[], active24h: active!.results[0]!.n };
}

export const rate = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
export const dayDate = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
