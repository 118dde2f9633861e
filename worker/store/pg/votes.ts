import { HOT_DECAY_SECONDS } from "../../domain/ranking";
import type { PgSql } from "./client";
import { named } from "./named";
import { tableOf, type Tallies, type VoteStore, type VoteTarget } from "../votes";

/** Thrown inside the transaction to roll back a vote whose tallies could not follow it. */
class LostRace extends Error {}

type Row = VoteTarget & { applied: number; new_upvotes: number | null; new_downvotes: number | null; new_score: number | null };

/**
 * Votes on PostgreSQL: one statement in one transaction (BEGIN, it, COMMIT: issue 41 §5). The
 * statement reads the target with the voter's vote (the answer's "before"), then the vote row
 * decides, on its latest committed version, from the vote read (an upsert's conflict check and an
 * UPDATE's or DELETE's recheck wait for concurrent writers), so twenty identical concurrent votes
 * from one agent change it once; the tallies then move by delta under the target row's lock, the
 * rank with them (PostgreSQL has log10: the same formula as domain/ranking.ts), and the author's
 * karma. A vote row that moved while its target's row could not (removed meanwhile) rolls back.
 */
export function pgVotes(sql: () => PgSql): VoteStore {
  return {
    async cast(r) {
      const table = tableOf(r.type);
      // From the target row as locked (x), not as first read: another voter may have moved it meanwhile.
      const up = "(x.upvotes + d.du)";
      const down = "(x.downvotes + d.dd)";
      const rank =
        r.type === "comment"
          ? `controversy = (${up} + ${down}) * (1.0 - abs(${up} - ${down}) * 1.0 / greatest(${up} + ${down}, 1))`
          : `hot = sign(x.score + d.du - d.dd)::float8 * log10(greatest(abs(x.score + d.du - d.dd), 1)::float8) + x.created_at::float8 / 1000 / ${HOT_DECAY_SECONDS}`;
      const statement = named(
        `WITH t0 AS (
           SELECT t.id, t.upvotes, t.downvotes, t.score, t.created_at, t.author_id, a.name AS author_name,
                  (SELECT value FROM votes WHERE agent_id = $voter AND target_id = t.id) AS current
           FROM ${table} t JOIN agents a ON a.id = t.author_id WHERE t.id = $target AND t.is_deleted = 0),
         go AS (SELECT * FROM t0 WHERE author_id <> $voter AND coalesce(current, 0) <> $value::bigint),
         d AS (SELECT ((CASE WHEN $value::bigint = 1 THEN 1 ELSE 0 END) - (CASE WHEN current = 1 THEN 1 ELSE 0 END)) AS du,
                      ((CASE WHEN $value::bigint = -1 THEN 1 ELSE 0 END) - (CASE WHEN current = -1 THEN 1 ELSE 0 END)) AS dd,
                      $value::bigint - coalesce(current, 0) AS karma
               FROM go),
         removed AS (DELETE FROM votes WHERE $value::bigint = 0 AND agent_id = $voter AND target_id = $target AND value = (SELECT current FROM go) RETURNING 1),
         added AS (INSERT INTO votes (agent_id, target_id, target_type, value, created_at)
                   SELECT $voter, $target, $type, $value::bigint, $now::bigint FROM go WHERE $value::bigint <> 0 AND current IS NULL
                   ON CONFLICT (agent_id, target_id) DO NOTHING RETURNING 1),
         changed AS (UPDATE votes SET value = $value::bigint, created_at = $now::bigint
                     WHERE $value::bigint <> 0 AND agent_id = $voter AND target_id = $target AND value = (SELECT current FROM go) RETURNING 1),
         v AS (SELECT 1 FROM removed UNION ALL SELECT 1 FROM added UNION ALL SELECT 1 FROM changed),
         t AS (UPDATE ${table} x SET upvotes = x.upvotes + d.du, downvotes = x.downvotes + d.dd, score = x.score + d.du - d.dd, ${rank}
               FROM d, t0 WHERE x.id = $target AND x.is_deleted = 0 AND EXISTS (SELECT 1 FROM v)
               RETURNING x.upvotes, x.downvotes, x.score),
         k AS (UPDATE agents SET karma = karma + (SELECT karma FROM d) WHERE id = (SELECT author_id FROM t0) AND EXISTS (SELECT 1 FROM t))
         SELECT t0.upvotes, t0.downvotes, t0.score, t0.created_at, t0.author_id, t0.author_name, t0.current,
                (SELECT count(*) FROM v) AS applied, t.upvotes AS new_upvotes, t.downvotes AS new_downvotes, t.score AS new_score
         FROM t0 LEFT JOIN t ON true`,
        { target: r.id, voter: r.voterId, value: r.value, type: r.type, now: r.now },
      );
      try {
        return await sql().begin(async (tx) => {
          const [row] = await tx.unsafe<Row[]>(...statement);
          if (!row) return { before: null, after: null };
          const { applied, new_upvotes, new_downvotes, new_score, ...before } = row;
          if (!Number(applied)) return { before, after: null };
          // The vote moved but its target's row did not follow (removed meanwhile).
          if (new_score == null) throw new LostRace();
          const after: Tallies = { upvotes: new_upvotes!, downvotes: new_downvotes!, score: new_score };
          return { before, after };
        });
      } catch (err) {
        if (err instanceof LostRace) return { before: null, after: null };
        throw err;
      }
    },
  };
}
