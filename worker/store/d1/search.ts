import { portableSearch, type SearchDetail, type SearchStore, type TableTier } from "../search";
import type { Portable } from "../portable";
import { bm25, decodeAverages, tierCoverage } from "./bm25";

const AUTHOR = "a.id AS author_id, a.name AS author_name, a.display_name AS author_display_name, a.karma AS author_karma, a.avatar_url AS author_avatar_url";
const SUBMOLT = "s.id AS submolt_id, s.name AS submolt_name, s.display_name AS submolt_display_name";

/**
 * A tier of one FTS5 table: its newest `window` matches below the tier's start, read newest first
 * from the index (FTS5 stops at the LIMIT), with each row's id, indexed text (as the view FTS5
 * indexes spells it) and, for a submolt, whether it is in it; and the table's size for BM25, FTS5's
 * averages record and the newest key (scalar sub-queries: read once, two rows). Two rows a match:
 * the index entry and the row. No bm25() here: FTS5 would count every row holding each word to
 * score it (see bm25.ts).
 */
function tierQuery(table: "posts" | "comments", start: string | null, submoltId: string | null) {
  const fts = `${table}_fts`;
  const columns = table === "posts" ? "x.title AS c0, coalesce(x.content, '') || ' ' || coalesce(x.url, '') AS c1" : "x.content AS c0";
  const totals = `(SELECT block FROM ${fts}_data WHERE id = 1) AS averages, (SELECT max(rowid) FROM ${table}) AS top`;
  const window = `SELECT rowid FROM ${fts} WHERE ${fts} MATCH ?1${start === null ? "" : " AND rowid < ?3"} ORDER BY rowid DESC LIMIT ?4`;
  const inSubmolt = submoltId === null ? "1" : table === "posts" ? "x.submolt_id = ?2" : "(SELECT p.submolt_id = ?2 AND p.is_deleted = 0 FROM posts p WHERE p.id = x.post_id)";
  return `SELECT x.id, f.rowid AS k, ${columns}, ${inSubmolt} AS keep, ${totals} FROM (${window}) f JOIN ${table} x ON x.rowid = f.rowid`;
}

// bm25(posts_fts, 2.0, 1.0): a word in the title counts twice.
const WEIGHTS = { posts: [2, 1], comments: [1] };

type TierRow = { id: string; k: number; c0: string; c1?: string; keep: number; averages: ArrayBuffer | number[] | null; top: number | null };

/** Search on D1: FTS5 external-content tables (migrations 0019) kept by triggers. */
export function d1Search(p: Portable, d1: D1Database): SearchStore {
  return {
    ...portableSearch(p),

    async keyword(q) {
      // Words only, each quoted: user text can never become FTS5 query syntax.
      const match = q.words.map((w) => `"${w}"`).join(" OR ");
      const tables = (["posts", "comments"] as const).filter((t) => q.start[t] !== undefined);
      const starts = tables.map((t) => (q.start[t] === null ? null : Number(q.start[t])));
      const statements = tables.map((t, i) => d1.prepare(tierQuery(t, q.start[t]!, q.submoltId)).bind(match, q.submoltId, starts[i], q.window));
      // Both tables' tiers in one call.
      const answers = statements.length ? await d1.batch(statements) : [];
      const tiers: { posts?: TableTier; comments?: TableTier } = {};
      tables.forEach((t, i) => {
        const rows = answers[i]!.results as TierRow[];
        const full = rows.length >= q.window;
        const oldest = rows.length ? Math.min(...rows.map((r) => r.k)) : null;
        const coverage = tierCoverage(oldest, full, starts[i]!, rows[0]?.top ?? 0);
        const texts = rows.map((r) => (r.c1 === undefined ? [r.c0] : [r.c0, r.c1]));
        const scores = bm25(texts, q.words, WEIGHTS[t], decodeAverages(rows[0]?.averages), coverage);
        const type = t === "posts" ? ("post" as const) : ("comment" as const);
        tiers[t] = {
          // BM25: lower is better; ties newest first.
          hits: rows
            .map((r, j) => ({ ...r, score: scores[j]! }))
            .filter((r) => r.keep === 1)
            .sort((a, b) => a.score - b.score || b.k - a.k)
            .map((r) => ({ id: r.id, type })),
          next: full ? String(oldest) : null,
        };
      });
      return tiers;
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
