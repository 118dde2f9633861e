import { pgArray } from "../dialect";
import type { Portable } from "../portable";
import { portableSearch, type KeywordQuery, type SearchDetail, type SearchStore, type TableTier } from "../search";
import type { PgSql } from "./client";
import { named } from "./named";

const AUTHOR = "a.id AS author_id, a.name AS author_name, a.display_name AS author_display_name, a.karma AS author_karma, a.avatar_url AS author_avatar_url";
const SUBMOLT = "s.id AS submolt_id, s.name AS submolt_name, s.display_name AS submolt_display_name";

/**
 * A tier of one table: its newest `window` live matches below the tier's start, by the stored,
 * GIN-indexed documents (migrations/postgres/0001, 0002), ranked by ts_rank among themselves (a
 * title weighs more than the body, as BM25's weights do on D1). For a common word the planner walks
 * the primary key newest first and stops at the window; for a rare one it reads the GIN matches.
 */
function tierQuery(table: "posts" | "comments", start: string | null, submolt: boolean) {
  const x = table === "posts" ? "p" : "c";
  const inSubmolt = !submolt ? "true" : table === "posts" ? "p.submolt_id = $submolt::text" : "EXISTS (SELECT 1 FROM posts p WHERE p.id = c.post_id AND p.submolt_id = $submolt::text AND p.is_deleted = 0)";
  return `SELECT ${x}.id, ts_rank(${x}.search_document, q) AS score, ${inSubmolt} AS keep
    FROM ${table} ${x}, to_tsquery('english', $q) q
    WHERE ${x}.is_deleted = 0 AND ${x}.search_document @@ q${start === null ? "" : ` AND ${x}.id < $start::text`}
    ORDER BY ${x}.id DESC LIMIT $window::bigint`;
}

/** The statement (text and values) of a table's tier for a keyword query. */
export const tierStatement = (table: "posts" | "comments", q: KeywordQuery) =>
  named(tierQuery(table, q.start[table]!, q.submoltId !== null), { q: q.words.join(" | "), submolt: q.submoltId, start: q.start[table], window: q.window });

/** Search on PostgreSQL: tiers of matches by the stored documents, ranked by ts_rank. */
export function pgSearch(p: Portable, sql: () => PgSql): SearchStore {
  return {
    ...portableSearch(p),

    async keyword(q) {
      // Letters and digits only (the service's words), joined as alternatives: never tsquery syntax from the user.
      const tables = (["posts", "comments"] as const).filter((t) => q.start[t] !== undefined);
      const answers = await Promise.all(tables.map((t) => sql().unsafe<{ id: string; score: number; keep: boolean }[]>(...tierStatement(t, q))));
      const tiers: { posts?: TableTier; comments?: TableTier } = {};
      tables.forEach((t, i) => {
        const rows = [...answers[i]!];
        const type = t === "posts" ? ("post" as const) : ("comment" as const);
        tiers[t] = {
          // ts_rank: higher is better; ties newest first (ids are UUIDv7).
          hits: rows.filter((r) => r.keep).sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : -1)).map((r) => ({ id: r.id, type })),
          next: rows.length < q.window ? null : rows.reduce((min, r) => (r.id < min ? r.id : min), rows[0]!.id),
        };
      });
      return tiers;
    },

    async details(hits) {
      if (hits.length === 0) return [];
      const rows = await sql().unsafe<SearchDetail[]>(
        `SELECT p.id, 'post' AS type, p.title, p.content, p.upvotes, p.downvotes, p.created_at, ${AUTHOR}, ${SUBMOLT}, p.id AS post_id, p.title AS post_title, p.flags
         FROM posts p JOIN agents a ON a.id = p.author_id JOIN submolts s ON s.id = p.submolt_id WHERE p.id = ANY($1::text[]) AND p.is_deleted = 0
         UNION ALL
         SELECT c.id, 'comment', NULL, c.content, c.upvotes, c.downvotes, c.created_at, ${AUTHOR}, ${SUBMOLT}, p.id, p.title, c.flags
         FROM comments c JOIN posts p ON p.id = c.post_id JOIN agents a ON a.id = c.author_id JOIN submolts s ON s.id = p.submolt_id
         WHERE c.id = ANY($1::text[]) AND c.is_deleted = 0 AND p.is_deleted = 0`,
        [pgArray(hits.map((h) => h.id))],
      );
      return [...rows];
    },

    async queueAll(now) {
      const [posts, comments] = (await sql().begin((tx) => [
        tx.unsafe("INSERT INTO search_outbox (target_id, target_type, op, created_at) SELECT id, 'post', 'upsert', $1::bigint FROM posts WHERE is_deleted = 0", [now]),
        tx.unsafe("INSERT INTO search_outbox (target_id, target_type, op, created_at) SELECT id, 'comment', 'upsert', $1::bigint FROM comments WHERE is_deleted = 0", [now]),
      ])) as unknown as { count: number }[];
      return posts!.count + comments!.count;
    },
  };
}
