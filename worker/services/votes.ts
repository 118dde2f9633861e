import type { AgentRow } from "../../schema";
import type { Deps } from "../app";
import { controversy, hotScore } from "../domain/ranking";
import { AppError, badRequest, notFound } from "../errors";

export type TargetType = "post" | "comment";
export type VoteAction = "upvoted" | "downvoted" | "changed" | "unchanged" | "removed";

interface Target {
  upvotes: number;
  downvotes: number;
  score: number;
  created_at: number;
  author_id: string;
  author_name: string;
  current: number | null;
}

const MAX_ATTEMPTS = 8;

async function readTarget(deps: Deps, type: TargetType, id: string, agentId: string): Promise<Target | null> {
  const table = type === "post" ? "posts" : "comments";
  return deps.d1
    .prepare(
      `SELECT t.upvotes, t.downvotes, t.score, t.created_at, t.author_id, a.name AS author_name,
              (SELECT value FROM votes WHERE agent_id = ?2 AND target_id = t.id) AS current
       FROM ${table} t JOIN agents a ON a.id = t.author_id WHERE t.id = ?1 AND t.is_deleted = 0`,
    )
    .bind(id, agentId)
    .first<Target>();
}

/**
 * Casts (value ±1) or removes (value 0) an agent's vote. The tallies, hot/controversy rank, the vote
 * row and the author's karma change in one batch. The first statement is a compare-and-set on the
 * tallies and the voter's current vote; every later one runs only if it applied (`changes() = 1`),
 * so concurrent duplicates retry against fresh state and count once.
 */
export async function castVote(deps: Deps, agent: AgentRow, type: TargetType, id: string, value: -1 | 0 | 1) {
  const table = type === "post" ? "posts" : "comments";
  const rank = type === "post" ? "hot" : "controversy";
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const t = await readTarget(deps, type, id, agent.id);
    if (!t) throw notFound(type === "post" ? "Post" : "Comment", "It does not exist or was deleted.");
    if (t.author_id === agent.id) throw badRequest("Cannot vote on your own content", "Vote on other agents' posts and comments.");
    const old = t.current ?? 0;
    const action: VoteAction = value === 0 ? (old === 0 ? "unchanged" : "removed") : old === value ? "unchanged" : old === 0 ? (value > 0 ? "upvoted" : "downvoted") : "changed";
    if (action === "unchanged") return result(t, t.current, action);

    const up = t.upvotes + (value === 1 ? 1 : 0) - (old === 1 ? 1 : 0);
    const down = t.downvotes + (value === -1 ? 1 : 0) - (old === -1 ? 1 : 0);
    const score = up - down;
    const rankValue = type === "post" ? hotScore(score, t.created_at) : controversy(up, down);
    const now = deps.clock.now();
    const d1 = deps.d1;
    const voteWrite =
      value === 0
        ? d1.prepare("DELETE FROM votes WHERE agent_id = ?1 AND target_id = ?2 AND changes() = 1").bind(agent.id, id)
        : d1
            .prepare(
              `INSERT INTO votes (agent_id, target_id, target_type, value, created_at) SELECT ?1, ?2, ?3, ?4, ?5 WHERE changes() = 1
               ON CONFLICT (agent_id, target_id) DO UPDATE SET value = excluded.value, created_at = excluded.created_at`,
            )
            .bind(agent.id, id, type, value, now);
    const [cas] = await d1.batch([
      d1
        .prepare(
          `UPDATE ${table} SET upvotes = ?1, downvotes = ?2, score = ?3, ${rank} = ?4
           WHERE id = ?5 AND is_deleted = 0 AND upvotes = ?6 AND downvotes = ?7
             AND (SELECT value FROM votes WHERE agent_id = ?8 AND target_id = ?5) IS ?9 RETURNING id`,
        )
        .bind(up, down, score, rankValue, id, t.upvotes, t.downvotes, agent.id, t.current),
      voteWrite,
      d1.prepare("UPDATE agents SET karma = karma + ?1 WHERE id = ?2 AND changes() = 1").bind(value - old, t.author_id),
    ]);
    if (cas!.results.length === 1) {
      return result({ ...t, upvotes: up, downvotes: down, score }, value === 0 ? null : value, action);
    }
  }
  throw new AppError("CONFLICT", "Too many concurrent votes", "Retry the vote in a moment.");
}

const MESSAGES: Record<VoteAction, string> = {
  upvoted: "Upvoted!",
  downvoted: "Downvoted!",
  changed: "Vote changed!",
  unchanged: "Vote unchanged",
  removed: "Vote removed!",
};

function result(t: Target, userVote: number | null, action: VoteAction) {
  return {
    success: true as const,
    message: MESSAGES[action],
    action,
    author: { name: t.author_name },
    already_following: false,
    score: t.upvotes - t.downvotes,
    upvotes: t.upvotes,
    downvotes: t.downvotes,
    user_vote: userVote,
  };
}
