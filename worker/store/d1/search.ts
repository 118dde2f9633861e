import { portableSearch, type Hit, type SearchDetail, type SearchStore } from "../search";
import type { Portable } from "../portable";

/**
 * BM25 over the newest `window` matches (?4), best first. Without a submolt filter only the best
 * twice-the-limit (?3) are joined to their rows: the index holds live rows only (its triggers remove
 * deleted ones), so the join drops little, and a common word costs its window in the index instead
 * of the window again in posts and comments. With a filter every match in the window is joined,
 * since the filter needs the row.
 */
const ranked = (table: string, score: string, submoltId: string | null) => {
  const window = `SELECT rowid, ${score} AS score FROM ${table} WHERE ${table} MATCH ?1 ORDER BY rowid DESC LIMIT ?4`;
  return submoltId ? window : `SELECT rowid, score FROM (${window}) ORDER BY score LIMIT 2 * ?3`;
};

const AUTHOR = "a.id AS author_id, a.name AS author_name, a.display_name AS author_display_name, a.karma AS author_karma, a.avatar_url AS author_avatar_url";
const SUBMOLT = "s.id AS submolt_id, s.name AS submolt_name, s.display_name AS submolt_display_name";

/** Search on D1: FTS5 external-content tables (migrations 0019) kept by triggers. */
export function d1Search(p: Portable, d1: D1Database): SearchStore {
  return {
    ...portableSearch(p),

    async keyword(q) {
      // Words only, each quoted: user text can never become FTS5 query syntax.
      const match = q.words.map((w) => `"${w}"`).join(" OR ");
      const bind = (stmt: D1PreparedStatement) => stmt.bind(match, q.submoltId, q.limit, q.window);
      const posts =
        q.type === "comments"
          ? null
          : bind(
              d1.prepare(
                `SELECT p.id, 'post' AS type FROM (${ranked("posts_fts", "bm25(posts_fts, 2.0, 1.0)", q.submoltId)}) f
                 JOIN posts p ON p.rowid = f.rowid
                 WHERE p.is_deleted = 0 AND (?2 IS NULL OR p.submolt_id = ?2) ORDER BY f.score LIMIT ?3`,
              ),
            );
      const comments =
        q.type === "posts"
          ? null
          : bind(
              d1.prepare(
                `SELECT c.id, 'comment' AS type FROM (${ranked("comments_fts", "bm25(comments_fts)", q.submoltId)}) f
                 JOIN comments c ON c.rowid = f.rowid JOIN posts p ON p.id = c.post_id
                 WHERE c.is_deleted = 0 AND p.is_deleted = 0 AND (?2 IS NULL OR p.submolt_id = ?2) ORDER BY f.score LIMIT ?3`,
              ),
            );
      // Both rankings in one call.
      const answers = (await d1.batch<Hit>([posts, comments].filter((s): s is D1PreparedStatement => s !== null))).map((r) => r.results);
      return { posts: posts ? answers.shift()! : [], comments: comments ? answers.shift()! : [] };
    },

    async details(hits) {
      if (hits.length === 0) return [];
      // D1 binds at most 100 parameters: ids go as one JSON array.
      const ids = JSON.stringify(hits.map((h) => h.id));
      const rows = await d1
        .prepare(
          `SELECT p.id, 'post' AS type, p.title, p.content, p.upvotes, p.downvotes, p.created_at, ${AUTHOR}, ${SUBMOLT}, p.id AS post_id, p.title AS post_title, p.flags
           FROM posts p JOIN agents a ON a.id = p.author_id JOIN submolts s ON s.id = p.submolt_id WHERE p.id IN (SELECT value FROM json_each(?1)) AND p.is_deleted = 0
           UNION ALL
           SELECT c.id, 'comment', NULL, c.content, c.upvotes, c.downvotes, c.created_at, ${AUTHOR}, ${SUBMOLT}, p.id, p.title, c.flags
           FROM comments c JOIN posts p ON p.id = c.post_id JOIN agents a ON a.id = c.author_id JOIN submolts s ON s.id = p.submolt_id
           WHERE c.id IN (SELECT value FROM json_each(?1)) AND c.is_deleted = 0 AND p.is_deleted = 0`,
        )
        .bind(ids)
        .all<SearchDetail>();
      return rows.results;
    },

    async queueAll(now) {
      const [posts, comments] = await d1.batch([
        d1.prepare("INSERT INTO search_outbox (target_id, target_type, op, created_at) SELECT id, 'post', 'upsert', ? FROM posts WHERE is_deleted = 0").bind(now),
        d1.prepare("INSERT INTO search_outbox (target_id, target_type, op, created_at) SELECT id, 'comment', 'upsert', ? FROM comments WHERE is_deleted = 0").bind(now),
      ]);
      return (posts!.meta.changes ?? 0) + (comments!.meta.changes ?? 0);
    },
  };
}
