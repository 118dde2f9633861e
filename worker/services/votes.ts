import type { AgentRow } from "../../schema";
import type { Deps } from "../app";
import type { TargetType, VoteTarget } from "../store/votes";
import { badRequest, notFound } from "../errors";

export type { TargetType } from "../store/votes";
export type VoteAction = "upvoted" | "downvoted" | "changed" | "unchanged" | "removed";

/**
 * Casts (value ±1) or removes (value 0) an agent's vote. Tallies move by delta (exact under any
 * concurrency); the vote row and the author's karma change with them, all or nothing, and only if
 * the voter's vote is still the one the change was made from (store/votes.ts): twenty identical
 * concurrent votes from one agent count once. On D1 it is one call, and a post's hot rank follows
 * after the response (services/derive.ts rerankPending): `onRankQueued` starts that drain.
 */
export async function castVote(deps: Deps, agent: AgentRow, type: TargetType, id: string, value: -1 | 0 | 1, onRankQueued?: () => void) {
  const { before: t, after, rankQueued } = await deps.store.votes.cast({ type, id, voterId: agent.id, value, now: deps.clock.now() });
  // A drain only when this vote queued the rank: under load most votes find one already waiting.
  if (rankQueued) onRankQueued?.();
  if (!t) throw notFound(type === "post" ? "Post" : "Comment", "It does not exist or was deleted.");
  if (t.author_id === agent.id) throw badRequest("Cannot vote on your own content", "Vote on other agents' posts and comments.");
  const action = voteAction(t.current ?? 0, value);
  if (action === "unchanged" || !after) return result(t, t.current, "unchanged");
  return result({ ...t, ...after }, value === 0 ? null : value, action);
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
