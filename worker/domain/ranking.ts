// Ranking formulas (API.md §3, the OSS Moltbook/Reddit ones), kept pure so tests can pin numbers.

/** Seconds of age worth one order of magnitude of net votes: a post must earn 10x the votes to outrank one 12.5 h newer. */
export const HOT_DECAY_SECONDS = 45_000;

/**
 * hot = sign(score) · log10(max(|score|, 1)) + created_epoch_s / 45000
 * - log10 term: the first 10 votes count as much as the next 90 (diminishing returns).
 * - age term: grows linearly with creation time, so newer posts start higher and old ones sink
 *   without any periodic recomputation; only a vote changes a stored hot value.
 */
export function hotScore(score: number, createdAtMs: number): number {
  const order = Math.log10(Math.max(Math.abs(score), 1));
  return Math.sign(score) * order + createdAtMs / 1000 / HOT_DECAY_SECONDS;
}

/**
 * rising = (score + 1) / (age_hours + 2)^1.5 — votes per unit of (gravity-weighted) age; young posts
 * gaining votes quickly rank first. Depends on "now", so it is computed at read time over a recent window.
 */
export function risingScore(score: number, createdAtMs: number, nowMs: number): number {
  const ageHours = Math.max(0, nowMs - createdAtMs) / 3_600_000;
  return (score + 1) / Math.pow(ageHours + 2, 1.5);
}

/** Posts younger than this are candidates for "rising". */
export const RISING_WINDOW_MS = 48 * 3_600_000;

/**
 * controversy = (up + down) · (1 − |up − down| / max(up + down, 1)) — many votes, evenly split.
 * 10 up / 10 down → 20; 20 up / 0 down → 0.
 */
export function controversy(up: number, down: number): number {
  const total = up + down;
  return total * (1 - Math.abs(up - down) / Math.max(total, 1));
}

export const TOP_WINDOWS = { hour: 3_600_000, day: 86_400_000, week: 604_800_000, month: 2_592_000_000, year: 31_536_000_000 } as const;
export type TopWindow = keyof typeof TOP_WINDOWS | "all";
