import { hotScore } from "../domain/ranking";

export type TargetType = "post" | "comment";

/** A post or comment as a vote sees it, with the voter's current vote (null: none). */
export interface VoteTarget {
  upvotes: number;
  downvotes: number;
  score: number;
  created_at: number;
  author_id: string;
  author_name: string;
  current: number | null;
}

export type Tallies = Pick<VoteTarget, "upvotes" | "downvotes" | "score">;

/** Moving the voter's vote from `target.current` to `value` (0 removes it). */
export interface VoteChange {
  type: TargetType;
  id: string;
  voterId: string;
  target: VoteTarget;
  value: -1 | 0 | 1;
  /** Changes to upvotes and downvotes. */
  du: number;
  dd: number;
  now: number;
}

export interface VoteStore {
  target(type: TargetType, id: string, voterId: string): Promise<VoteTarget | null>;
  /**
   * Applies the change with the tallies, the rank and the author's karma, all or nothing, only if
   * the voter's vote is still the one read; null when it was not (a concurrent vote: read again).
   */
  apply(change: VoteChange): Promise<Tallies | null>;
}

/** Other voters' concurrent changes a post's hot rank can absorb without a retry. */
const HOT_WINDOW = 10;

/**
 * SQL that sets the rank from the row's new tallies inside the UPDATE itself (SET sees the old row),
 * for either dialect: `p(n)` writes parameter n (1: upvote delta, 2: downvote delta, 3: score delta).
 * Comments: controversy (domain/ranking.ts) in SQL arithmetic. Posts: hot is precomputed in JS for
 * every score within ±HOT_WINDOW of the one read and picked by CASE, so both stores hold the very
 * same doubles (D1 has no log10); a score outside the window leaves the row alone and the caller retries.
 */
export function rankUpdate(c: VoteChange, p: (n: number) => string, greatest: "max" | "greatest"): { set: string; guard: string } {
  if (c.type === "comment") {
    const up = `(upvotes + ${p(1)})`;
    const down = `(downvotes + ${p(2)})`;
    return { set: `controversy = (${up} + ${down}) * (1.0 - abs(${up} - ${down}) * 1.0 / ${greatest}(${up} + ${down}, 1))`, guard: "" };
  }
  const expected = c.target.score + c.du - c.dd;
  const branches: string[] = [];
  for (let s = expected - HOT_WINDOW; s <= expected + HOT_WINDOW; s++) {
    // Numbers computed here, never client input: safe to inline.
    branches.push(`WHEN ${s} THEN ${hotScore(s, c.target.created_at)}`);
  }
  return {
    set: `hot = CASE score + ${p(3)} ${branches.join(" ")} END`,
    guard: `AND score + ${p(3)} BETWEEN ${expected - HOT_WINDOW} AND ${expected + HOT_WINDOW}`,
  };
}

export const tableOf = (type: TargetType) => (type === "post" ? "posts" : "comments");
