import { pgArray } from "../dialect";
import type { Portable } from "../portable";
import { portableSearch, type Hit, type SearchDetail, type SearchStore } from "../search";
import type { PgSql } from "./client";
import { named } from "./named";

const AUTHOR = "a.id AS author_id, a.name AS author_name, a.display_name AS author_display_name, a.karma AS author_karma, a.avatar_url AS author_avatar_url";
const SUBMOLT = "s.id AS submolt_id, s.name AS submolt_name, s.display_name AS submolt_display_name";

/**
 * Search on PostgreSQL: the newest `window` matches per table by the GIN-indexed stored documents
 * (migrations/postgres/0001, 0002), ranked by ts_rank (a title weighs more than the body, as BM25's
 * weights do on D1), best first.
 */
export function pgSearch(p: Portable, sql: () => PgSql): SearchStore {
  return {
    ...portableSearch(p),

    async keyword(q) {
      // Letters and digits only (the service's words), joined as alternatives: never tsquery syntax from the user.
      const values = { q: q.words.join(" | "), submolt: q.submoltId, limit: q.limit, window: q.window };
      const posts =
        q.type === "comments"
          ? []
          : sql().unsafe<Hit[]>(
              ...named(
                `SELECT f.id, 'post' AS type FROM (
                   SELECT p.id, p.submolt_id, ts_rank(p.search_document, q) AS score
                   FROM posts p, to_tsquery('english', $q) q
                   WHERE p.is_deleted = 0 AND p.search_document @@ q ORDER BY p.id DESC LIMIT $window::bigint
                 ) f WHERE ($submolt::text IS NULL OR f.submolt_id = $submolt::text) ORDER BY f.score DESC LIMIT $limit::bigint`,
                values,
              ),
            );
      const comments =
        q.type === "posts"
          ? []
          : sql().unsafe<Hit[]>(
              ...named(
                `SELECT f.id, 'comment' AS type FROM (
                   SELECT c.id, c.post_id, ts_rank(c.search_document, q) AS score
                   FROM comments c, to_tsquery('english', $q) q
                   WHERE c.is_deleted = 0 AND c.search_document @@ q ORDER BY c.id DESC LIMIT $window::bigint
                 ) f JOIN posts p ON p.id = f.post_id
                 WHERE p.is_deleted = 0 AND ($submolt::text IS NULL OR p.submolt_id = $submolt::text) ORDER BY f.score DESC LIMIT $limit::bigint`,
                values,
              ),
            );
      const [postHits, commentHits] = await Promise.all([posts, comments]);
      return { posts: [...postHits], comments: [...commentHits] };
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
