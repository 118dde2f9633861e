import type { PgSql } from "./client";
import { named } from "./named";
import { rankUpdate, tableOf, type Tallies, type VoteChange, type VoteStore, type VoteTarget } from "../votes";

/** Thrown inside the transaction to roll back a vote whose tallies could not follow it. */
class LostRace extends Error {}

/**
 * Votes on PostgreSQL: one transaction of one statement. The vote row decides first, on its latest
 * committed version (an upsert's conflict check and a DELETE's recheck both wait for concurrent
 * writers), so twenty identical concurrent votes from one agent change it once; the tallies then
 * move by delta under the target row's lock, and the author's karma with them.
 */
export function pgVotes(sql: () => PgSql): VoteStore {
  return {
    async target(type, id, voterId) {
      const [row] = await sql().unsafe<VoteTarget[]>(
        `SELECT t.upvotes, t.downvotes, t.score, t.created_at, t.author_id, a.name AS author_name,
                (SELECT value FROM votes WHERE agent_id = $2 AND target_id = t.id) AS current
         FROM ${tableOf(type)} t JOIN agents a ON a.id = t.author_id WHERE t.id = $1 AND t.is_deleted = 0`,
        [id, voterId],
      );
      return row ?? null;
    },

    async apply(c: VoteChange) {
      const rank = rankUpdate(c, (n) => `$${["du", "dd", "ds"][n - 1]}::bigint`, "greatest");
      const old = c.target.current ?? 0;
      const voteWrite =
        c.value === 0
          ? "DELETE FROM votes WHERE agent_id = $voter AND target_id = $target AND value = $current::bigint RETURNING 1"
          : c.target.current === null
            ? `INSERT INTO votes (agent_id, target_id, target_type, value, created_at) VALUES ($voter, $target, $type, $value::bigint, $now::bigint)
               ON CONFLICT (agent_id, target_id) DO NOTHING RETURNING 1`
            : "UPDATE votes SET value = $value::bigint, created_at = $now::bigint WHERE agent_id = $voter AND target_id = $target AND value = $current::bigint RETURNING 1";
      const statement = named(
        `WITH v AS (${voteWrite}),
         t AS (UPDATE ${tableOf(c.type)} SET upvotes = upvotes + $du::bigint, downvotes = downvotes + $dd::bigint, score = score + $ds::bigint, ${rank.set}
               WHERE id = $target AND is_deleted = 0 AND EXISTS (SELECT 1 FROM v) ${rank.guard} RETURNING upvotes, downvotes, score),
         k AS (UPDATE agents SET karma = karma + $karma::bigint WHERE id = $author AND EXISTS (SELECT 1 FROM t))
         SELECT (SELECT count(*) FROM v) AS applied, t.upvotes, t.downvotes, t.score FROM (SELECT 1) one LEFT JOIN t ON true`,
        {
          du: c.du,
          dd: c.dd,
          ds: c.du - c.dd,
          target: c.id,
          voter: c.voterId,
          current: c.target.current,
          type: c.type,
          value: c.value,
          now: c.now,
          karma: c.value - old,
          author: c.target.author_id,
        },
      );
      try {
        return await sql().begin(async (tx) => {
          const [r] = await tx.unsafe<(Partial<Tallies> & { applied: number })[]>(...statement);
          if (!r?.applied) return null;
          // The vote moved but its target's row did not follow (removed, or a score outside the rank window).
          if (r.score == null) throw new LostRace();
          return { upvotes: r.upvotes!, downvotes: r.downvotes!, score: r.score };
        });
      } catch (err) {
        if (err instanceof LostRace) return null;
        throw err;
      }
    },
  };
}
