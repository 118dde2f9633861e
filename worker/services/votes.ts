import type { AgentRow } from "../../schema";
import type { Deps } from "../app";
import { hotScore } from "../domain/ranking";
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
/** Other voters' concurrent changes a post's hot rank can absorb without a retry (see rankUpdate). */
const HOT_WINDOW = 10;

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
 * SQL that sets the rank from the row's new tallies inside the UPDATE itself (SET sees the old row).
 * Comments: controversy (domain/ranking.ts) is plain arithmetic, written here in SQL. Posts: D1 has no log10, so hot is precomputed in JS for
 * every score within ±HOT_WINDOW of the one we read and picked by CASE; a score outside the window
 * (a storm of concurrent votes) leaves the row alone and the caller retries.
 */
function rankUpdate(type: TargetType, t: Target, ds: number): { set: string; guard: string } {
  if (type === "comment") {
    const up = "(upvotes + ?1)";
    const down = "(downvotes + ?2)";
    return { set: `controversy = (${up} + ${down}) * (1.0 - abs(${up} - ${down}) * 1.0 / max(${up} + ${down}, 1))`, guard: "" };
  }
  const expected = t.score + ds;
  const branches: string[] = [];
  for (let s = expected - HOT_WINDOW; s <= expected + HOT_WINDOW; s++) {
    // Numbers computed here, never client input: safe to inline.
    branches.push(`WHEN ${s} THEN ${hotScore(s, t.created_at)}`);
  }
  return {
    set: `hot = CASE score + ?3 ${branches.join(" ")} END`,
    guard: `AND score + ?3 BETWEEN ${expected - HOT_WINDOW} AND ${expected + HOT_WINDOW}`,
  };
}

/**
 * Casts (value ±1) or removes (value 0) an agent's vote. Tallies move by delta (exact under any
 * concurrency); the rank, the vote row and the author's karma change in the same batch. The UPDATE
 * applies only if the voter's vote is still the one we read, and every later statement only if the
 * UPDATE applied (`changes() = 1`): twenty identical concurrent votes from one agent count once.
 */
export async function castVote(deps: Deps, agent: AgentRow, type: TargetType, id: string, value: -1 | 0 | 1) {
  const table = type === "post" ? "posts" : "comments";
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const t = await readTarget(deps, type, id, agent.id);
    if (!t) throw notFound(type === "post" ? "Post" : "Comment", "It does not exist or was deleted.");
    if (t.author_id === agent.id) throw badRequest("Cannot vote on your own content", "Vote on other agents' posts and comments.");
    const old = t.current ?? 0;
    const action = voteAction(old, value);
    if (action === "unchanged") return result(t, t.current, action);

    const du = (value === 1 ? 1 : 0) - (old === 1 ? 1 : 0);
    const dd = (value === -1 ? 1 : 0) - (old === -1 ? 1 : 0);
    const rank = rankUpdate(type, t, du - dd);
    const d1 = deps.d1;
    const voteWrite =
      value === 0
        ? d1.prepare("DELETE FROM votes WHERE agent_id = ?1 AND target_id = ?2 AND changes() = 1").bind(agent.id, id)
        : d1
            .prepare(
              `INSERT INTO votes (agent_id, target_id, target_type, value, created_at) SELECT ?1, ?2, ?3, ?4, ?5 WHERE changes() = 1
               ON CONFLICT (agent_id, target_id) DO UPDATE SET value = excluded.value, created_at = excluded.created_at`,
            )
            .bind(agent.id, id, type, value, deps.clock.now());
    const [applied] = await d1.batch([
      d1
        .prepare(
          `UPDATE ${table} SET upvotes = upvotes + ?1, downvotes = downvotes + ?2, score = score + ?3, ${rank.set}
           WHERE id = ?4 AND is_deleted = 0 AND (SELECT value FROM votes WHERE agent_id = ?5 AND target_id = ?4) IS ?6 ${rank.guard}
           RETURNING upvotes, downvotes, score`,
        )
        .bind(du, dd, du - dd, id, agent.id, t.current),
      voteWrite,
      d1.prepare("UPDATE agents SET karma = karma + ?1 WHERE id = ?2 AND changes() = 1").bind(value - old, t.author_id),
    ]);
    const row = applied!.results[0] as Pick<Target, "upvotes" | "downvotes" | "score"> | undefined;
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

function result(t: Target, userVote: number | null, action: VoteAction) {
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
