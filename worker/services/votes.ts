import type { AgentRow } from "../../schema";
import type { Deps } from "../app";
import type { TargetType, VoteTarget } from "../store/votes";
import { AppError, badRequest, notFound } from "../errors";

export type { TargetType } from "../store/votes";
export type VoteAction = "upvoted" | "downvoted" | "changed" | "unchanged" | "removed";

const MAX_ATTEMPTS = 8;

/**
 * Casts (value ±1) or removes (value 0) an agent's vote. Tallies move by delta (exact under any
 * concurrency); the rank, the vote row and the author's karma change with them, all or nothing, and
 * only if the voter's vote is still the one read (store/votes.ts): twenty identical concurrent votes
 * from one agent count once.
 */
export async function castVote(deps: Deps, agent: AgentRow, type: TargetType, id: string, value: -1 | 0 | 1) {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const t = await deps.store.votes.target(type, id, agent.id);
    if (!t) throw notFound(type === "post" ? "Post" : "Comment", "It does not exist or was deleted.");
    if (t.author_id === agent.id) throw badRequest("Cannot vote on your own content", "Vote on other agents' posts and comments.");
    const old = t.current ?? 0;
    const action = voteAction(old, value);
    if (action === "unchanged") return result(t, t.current, action);

    const du = (value === 1 ? 1 : 0) - (old === 1 ? 1 : 0);
    const dd = (value === -1 ? 1 : 0) - (old === -1 ? 1 : 0);
    const row = await deps.store.votes.apply({ type, id, voterId: agent.id, target: t, value, du, dd, now: deps.clock.now() });
    if (row) return result({ ...t, ...row }, value === 0 ? null : value, action);
  }
  throw new AppError("CONFLICT", "Too many concurrent votes", "Retry the vote in a moment.");
}

function voteAction(old: number, value: number): VoteAction {
  if (value === 0) return old === 0 ? "unchanged" : "removed";
  if (old === value) return "unchanged";
  if (old === 0) return value > 0 ? "upvoted" : "downvoted";
  return "changed";
}

const MESSAGES: Record<VoteAction, string> = {
  upvoted: "Upvoted!",
  downvoted: "Downvoted!",
  changed: "Vote changed!",
  unchanged: "Vote unchanged",
  removed: "Vote removed!",
};

function result(t: VoteTarget, userVote: number | null, action: VoteAction) {
  return {
    success: true as const,
    message: MESSAGES[action],
    action,
    author: { name: t.author_name },
    already_following: false,
    score: t.score,
    upvotes: t.upvotes,
    downvotes: t.downvotes,
    user_vote: userVote,
  };
}
