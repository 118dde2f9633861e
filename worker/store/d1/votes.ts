import { tableOf, type Tallies, type VoteStore, type VoteTarget } from "../votes";

/**
 * Votes on D1: one batch. It reads the target with the voter's current vote (the answer's "before"),
 * then moves the tallies by the difference between that vote and the new one, computed in SQL from
 * the vote row itself, only for a live target that is not the voter's own and does not have that
 * vote already; the author's karma, the vote row and (posts) the rank's outbox row follow, each only
 * if the statement before it changed one row (`changes() = 1`). D1 runs a batch alone, so what the
 * first statement read is what the others change: twenty identical concurrent votes count once.
 * A post's hot rank needs log10, which D1 lacks: the derive pass sets it after the response from
 * the score this wrote (services/derive.ts), one outbox row per post however many votes wait.
 */
export function d1Votes(d1: D1Database): VoteStore {
  return {
    async cast(r) {
      const table = tableOf(r.type);
      // ?1 target, ?2 voter, ?3 new value, ?4 now, ?5 type.
      const current = "coalesce((SELECT value FROM votes WHERE agent_id = ?2 AND target_id = ?1), 0)";
      const du = `((?3 = 1) - (${current} = 1))`;
      const dd = `((?3 = -1) - (${current} = -1))`;
      const controversy =
        r.type === "comment"
          ? `, controversy = ((upvotes + ${du}) + (downvotes + ${dd})) * (1.0 - abs((upvotes + ${du}) - (downvotes + ${dd})) * 1.0 / max((upvotes + ${du}) + (downvotes + ${dd}), 1))`
          : "";
      // Each statement binds up to the highest ?N it uses (SQLite refuses more).
      const values = [r.id, r.voterId, r.value, r.now, r.type];
      const bind = (sql: string) => d1.prepare(sql).bind(...values.slice(0, Math.max(...[...sql.matchAll(/\?(\d)/g)].map((m) => Number(m[1])))));
      const voteWrite =
        r.value === 0
          ? "DELETE FROM votes WHERE agent_id = ?2 AND target_id = ?1 AND changes() = 1"
          : `INSERT INTO votes (agent_id, target_id, target_type, value, created_at) SELECT ?2, ?1, ?5, ?3, ?4 WHERE changes() = 1
             ON CONFLICT (agent_id, target_id) DO UPDATE SET value = excluded.value, created_at = excluded.created_at`;
      const [before, after, , , rank] = await d1.batch([
        bind(
          `SELECT t.upvotes, t.downvotes, t.score, t.created_at, t.author_id, a.name AS author_name,
                  (SELECT value FROM votes WHERE agent_id = ?2 AND target_id = t.id) AS current
           FROM ${table} t JOIN agents a ON a.id = t.author_id WHERE t.id = ?1 AND t.is_deleted = 0`,
        ),
        bind(
          `UPDATE ${table} SET upvotes = upvotes + ${du}, downvotes = downvotes + ${dd}, score = score + ${du} - ${dd}${controversy}
           WHERE id = ?1 AND is_deleted = 0 AND author_id <> ?2 AND ${current} <> ?3
           RETURNING upvotes, downvotes, score`,
        ),
        // Still the old vote here: the vote row is written after.
        bind(`UPDATE agents SET karma = karma + (?3 - ${current}) WHERE id = (SELECT author_id FROM ${table} WHERE id = ?1) AND changes() = 1`),
        bind(voteWrite),
        ...(r.type === "post"
          ? [
              bind(
                `INSERT INTO search_outbox (target_id, target_type, op, created_at) SELECT ?1, ?5, 'rank', ?4
                 WHERE changes() = 1 AND NOT EXISTS (SELECT 1 FROM search_outbox WHERE target_id = ?1 AND op = 'rank') RETURNING 1 AS queued`,
              ),
            ]
          : []),
      ]);
      return { before: (before!.results[0] as VoteTarget | undefined) ?? null, after: (after!.results[0] as Tallies | undefined) ?? null, rankQueued: (rank?.results.length ?? 0) > 0 };
    },
  };
}
