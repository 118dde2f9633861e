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

/** A vote as asked: value ±1 casts, 0 removes. */
export interface VoteRequest {
  type: TargetType;
  id: string;
  voterId: string;
  value: -1 | 0 | 1;
  now: number;
}

export interface VoteStore {
  /**
   * Moves the voter's vote to `value` with the tallies, the rank and the author's karma, all or
   * nothing, unless the target is gone, is the voter's own or already has that vote. Answers the
   * target as it was (null: none live), the tallies after (null: nothing changed), and whether the
   * post's hot rank now waits for the derive pass (D1; PostgreSQL sets it in the write).
   */
  cast(r: VoteRequest): Promise<{ before: VoteTarget | null; after: Tallies | null; rankQueued?: boolean }>;
}

export const tableOf = (type: TargetType) => (type === "post" ? "posts" : "comments");
