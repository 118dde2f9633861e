import { rankUpdate, tableOf, type Tallies, type VoteChange, type VoteStore, type VoteTarget } from "../votes";

/**
 * Votes on D1: one batch whose statements each apply only if the one before did (`changes() = 1`);
 * the tally UPDATE applies only while the voter's vote is still the one read, so twenty identical
 * concurrent votes from one agent count once (D1 has one writer: the batch runs alone).
 */
export function d1Votes(d1: D1Database): VoteStore {
  return {
    target(type, id, voterId) {
      return d1
        .prepare(
          `SELECT t.upvotes, t.downvotes, t.score, t.created_at, t.author_id, a.name AS author_name,
                  (SELECT value FROM votes WHERE agent_id = ?2 AND target_id = t.id) AS current
           FROM ${tableOf(type)} t JOIN agents a ON a.id = t.author_id WHERE t.id = ?1 AND t.is_deleted = 0`,
        )
        .bind(id, voterId)
        .first<VoteTarget>();
    },

    async apply(c: VoteChange) {
      const rank = rankUpdate(c, (n) => `?${n}`, "max");
      const old = c.target.current ?? 0;
      const voteWrite =
        c.value === 0
          ? d1.prepare("DELETE FROM votes WHERE agent_id = ?1 AND target_id = ?2 AND changes() = 1").bind(c.voterId, c.id)
          : d1
              .prepare(
                `INSERT INTO votes (agent_id, target_id, target_type, value, created_at) SELECT ?1, ?2, ?3, ?4, ?5 WHERE changes() = 1
                 ON CONFLICT (agent_id, target_id) DO UPDATE SET value = excluded.value, created_at = excluded.created_at`,
              )
              .bind(c.voterId, c.id, c.type, c.value, c.now);
      const [applied] = await d1.batch([
        d1
          .prepare(
            `UPDATE ${tableOf(c.type)} SET upvotes = upvotes + ?1, downvotes = downvotes + ?2, score = score + ?3, ${rank.set}
             WHERE id = ?4 AND is_deleted = 0 AND (SELECT value FROM votes WHERE agent_id = ?5 AND target_id = ?4) IS ?6 ${rank.guard}
             RETURNING upvotes, downvotes, score`,
          )
          .bind(c.du, c.dd, c.du - c.dd, c.id, c.voterId, c.target.current),
        voteWrite,
        d1.prepare("UPDATE agents SET karma = karma + ?1 WHERE id = ?2 AND changes() = 1").bind(c.value - old, c.target.author_id),
      ]);
      return (applied!.results[0] as Tallies | undefined) ?? null;
    },
  };
}
