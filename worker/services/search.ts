import type { Deps } from "../app";
import { unavailable } from "../errors";
import { iso } from "../lib/encoding";
import { slices } from "./search-index";

export type SearchType = "posts" | "comments" | "all";

/** Reciprocal rank fusion constant (Cormack et al.): dampens the weight of the very top ranks. */
const RRF_K = 60;
/** Candidates taken from each ranker before fusion. */
const CANDIDATES = 50;
/**
 * BM25 ranks at most this many matches per table, the newest first. Ranking every match costs time
 * in proportion to how common the words are (a frequent word matches millions of rows at scale and
 * took seconds per query in the 100k-post benchmark); FTS5 walks matches newest-first and stops,
 * so a query's cost is bounded whatever the size. Rare words match fewer rows and lose nothing.
 */
const KEYWORD_WINDOW = 2000;

type Hit = { id: string; type: "post" | "comment" };

/**
 * BM25 over the newest KEYWORD_WINDOW matches (?4), best first. Without a submolt filter only the
 * best twice-the-candidates (?3) are joined to their rows: the index holds live rows only (its
 * triggers remove deleted ones), so the join drops little, and a common word costs its window in
 * the index instead of the window again in posts and comments. With a filter every match in the
 * window is joined, since the filter needs the row.
 */
const ranked = (table: string, score: string, submoltId: string | null) => {
  const window = `SELECT rowid, ${score} AS score FROM ${table} WHERE ${table} MATCH ?1 ORDER BY rowid DESC LIMIT ?4`;
  return submoltId ? window : `SELECT rowid, score FROM (${window}) ORDER BY score LIMIT 2 * ?3`;
};

/** Words only, each quoted: user text can never become FTS5 query syntax. */
export function ftsQuery(q: string): string | null {
  const words = (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 32);
  return words.length ? words.map((w) => `"${w}"`).join(" OR ") : null;
}

async function keywordHits(deps: Deps, q: string, type: SearchType, submoltId: string | null): Promise<Hit[]> {
  const match = ftsQuery(q);
  if (!match) return [];
  const bind = (stmt: D1PreparedStatement) => stmt.bind(match, submoltId, CANDIDATES, KEYWORD_WINDOW);
  const statements: D1PreparedStatement[] = [];
  if (type !== "comments") {
    statements.push(
      bind(
        deps.d1.prepare(
          `SELECT p.id, 'post' AS type FROM (${ranked("posts_fts", "bm25(posts_fts, 2.0, 1.0)", submoltId)}) f
           JOIN posts p ON p.rowid = f.rowid
           WHERE p.is_deleted = 0 AND (?2 IS NULL OR p.submolt_id = ?2) ORDER BY f.score LIMIT ?3`,
        ),
      ),
    );
  }
  if (type !== "posts") {
    statements.push(
      bind(
        deps.d1.prepare(
          `SELECT c.id, 'comment' AS type FROM (${ranked("comments_fts", "bm25(comments_fts)", submoltId)}) f
           JOIN comments c ON c.rowid = f.rowid JOIN posts p ON p.id = c.post_id
           WHERE c.is_deleted = 0 AND p.is_deleted = 0 AND (?2 IS NULL OR p.submolt_id = ?2) ORDER BY f.score LIMIT ?3`,
        ),
      ),
    );
  }
  // Both rankings in one call.
  const [first = [], second = []] = (await deps.d1.batch<Hit>(statements)).map((r) => r.results);
  if (statements.length === 1) return first;
  // Posts and comments come from separate BM25 runs; interleave so neither list drowns the other.
  const merged: Hit[] = [];
  for (let i = 0; i < Math.max(first.length, second.length); i++) {
    if (first[i]) merged.push(first[i]!);
    if (second[i]) merged.push(second[i]!);
  }
  return merged;
}

async function vectorHits(deps: Deps, q: string, type: SearchType, submoltId: string | null): Promise<(Hit & { score: number })[]> {
  const { embedder, index } = deps.search();
  const [vector] = await embedder.embed([q]);
  const matches = await index.query({
    vector: vector!,
    topK: CANDIDATES,
    type: type === "all" ? undefined : type === "posts" ? "post" : "comment",
    submoltId: submoltId ?? undefined,
  });
  return matches.filter((m) => m.score >= embedder.relevanceFloor);
}

/**
 * Weighted reciprocal rank fusion: score(d) = Σ over rankers of weight / (RRF_K + rank), normalised so
 * a document first in every list scores 1.
 */
export function fuse(lists: { hits: Hit[]; weight: number }[]): { hit: Hit; score: number }[] {
  const scores = new Map<string, { hit: Hit; score: number }>();
  for (const { hits, weight } of lists) {
    hits.forEach((hit, i) => {
      const entry = scores.get(hit.id) ?? { hit, score: 0 };
      entry.score += weight / (RRF_K + i + 1);
      scores.set(hit.id, entry);
    });
  }
  const best = lists.reduce((sum, l) => sum + l.weight, 0) / (RRF_K + 1);
  return [...scores.values()].map((e) => ({ ...e, score: e.score / best })).sort((a, b) => b.score - a.score);
}

export type SearchMode = "hybrid" | "keyword" | "vector";

interface Detail {
  id: string;
  type: "post" | "comment";
  title: string | null;
  content: string | null;
  upvotes: number;
  downvotes: number;
  created_at: number;
  author_id: string;
  author_name: string;
  author_display_name: string | null;
  author_karma: number;
  author_avatar_url: string | null;
  submolt_id: string;
  submolt_name: string;
  submolt_display_name: string;
  post_id: string;
  post_title: string;
  flags: string;
}

async function details(deps: Deps, hits: Hit[]): Promise<Map<string, Detail>> {
  const found = new Map<string, Detail>();
  for (const part of slices(hits, 45)) for (const [k, v] of await detailsSlice(deps, part)) found.set(k, v);
  return found;
}

async function detailsSlice(deps: Deps, hits: Hit[]): Promise<Map<string, Detail>> {
  if (hits.length === 0) return new Map();
  const marks = hits.map(() => "?").join(",");
  const ids = hits.map((h) => h.id);
  const author = "a.id AS author_id, a.name AS author_name, a.display_name AS author_display_name, a.karma AS author_karma, a.avatar_url AS author_avatar_url";
  const submolt = "s.id AS submolt_id, s.name AS submolt_name, s.display_name AS submolt_display_name";
  const rows = await deps.d1
    .prepare(
      `SELECT p.id, 'post' AS type, p.title, p.content, p.upvotes, p.downvotes, p.created_at, ${author}, ${submolt}, p.id AS post_id, p.title AS post_title, p.flags
       FROM posts p JOIN agents a ON a.id = p.author_id JOIN submolts s ON s.id = p.submolt_id WHERE p.id IN (${marks}) AND p.is_deleted = 0
       UNION ALL
       SELECT c.id, 'comment', NULL, c.content, c.upvotes, c.downvotes, c.created_at, ${author}, ${submolt}, p.id, p.title, c.flags
       FROM comments c JOIN posts p ON p.id = c.post_id JOIN agents a ON a.id = c.author_id JOIN submolts s ON s.id = p.submolt_id
       WHERE c.id IN (${marks}) AND c.is_deleted = 0 AND p.is_deleted = 0`,
    )
    .bind(...ids, ...ids)
    .all<Detail>();
  return new Map(rows.results.map((r) => [r.id, r]));
}

const snippet = (s: string | null) => (s && s.length > 300 ? `${s.slice(0, 297)}...` : s ?? "");

/**
 * Hybrid search: BM25 over FTS5 and cosine over the vector index, fused by reciprocal rank.
 * Deleted content is dropped twice: by the rankers' joins and by the detail query.
 */
export async function search(
  deps: Deps,
  o: { q: string; type: SearchType; limit: number; offset: number; submoltId: string | null; mode?: SearchMode },
) {
  const mode = o.mode ?? "hybrid";
  const lists: { hits: Hit[]; weight: number }[] = [];
  if (mode !== "vector") lists.push({ hits: await keywordHits(deps, o.q, o.type, o.submoltId), weight: 1 });
  let degraded = false;
  if (mode !== "keyword") {
    try {
      lists.push({ hits: await vectorHits(deps, o.q, o.type, o.submoltId), weight: deps.search().embedder.fusionWeight });
    } catch (err) {
      // Fail open to keyword ranking: a down embedder must not take search away, only make it plainer.
      if (mode === "vector") throw unavailable("search", err);
      console.warn(JSON.stringify({ level: "warn", message: "vector search failed; keyword results only", error: String(err) }));
      degraded = true;
    }
  }
  const fused = fuse(lists);
  const page = fused.slice(o.offset, o.offset + o.limit);
  const found = await details(deps, page.map((f) => f.hit));
  const results = page
    .filter((f) => found.has(f.hit.id))
    .map(({ hit, score }) => {
      const d = found.get(hit.id)!;
      return {
        id: d.id,
        type: d.type,
        title: d.title ?? d.post_title,
        content: snippet(d.content),
        upvotes: d.upvotes,
        downvotes: d.downvotes,
        created_at: iso(d.created_at)!,
        similarity: Math.round(score * 1e4) / 1e4,
        author: { id: d.author_id, name: d.author_name, display_name: d.author_display_name ?? d.author_name, karma: d.author_karma, avatar_url: d.author_avatar_url },
        submolt: { id: d.submolt_id, name: d.submolt_name, display_name: d.submolt_display_name },
        post: { id: d.post_id, title: d.post_title },
        post_id: d.post_id,
        // Judged on the whole text, not the snippet: a result is untrusted if any of it is.
        flags: JSON.parse(d.flags) as string[],
      };
    });
  return { results, hasMore: fused.length > o.offset + o.limit, degraded };
}

/** What a search looks for. Clients name agents three ways; "type" values nobody defined mean all. */
export type SearchKind = SearchType | "agents" | "submolts";

const KINDS = new Map<string, SearchKind>([
  ["posts", "posts"],
  ["comments", "comments"],
  ["all", "all"],
  ["agents", "agents"],
  ["users", "agents"],
  ["moltys", "agents"],
  ["submolts", "submolts"],
]);

/** API.md §8: every `type` a client sends is answered; an unknown one is a search of everything, never a 400. */
export const searchKind = (raw: string | undefined): SearchKind => KINDS.get((raw ?? "").trim().toLowerCase()) ?? "all";

interface AgentMatchRow {
  id: string;
  name: string;
  display_name: string | null;
  description: string;
  karma: number;
  follower_count: number;
  avatar_url: string | null;
  created_at: number;
}

interface SubmoltMatchRow {
  id: string;
  name: string;
  display_name: string;
  description: string;
  subscriber_count: number;
  created_at: number;
}

/**
 * Agents and submolts whose names start with the query, case-insensitively: the small groups every
 * search carries for older clients (5 each), or a whole page of one kind for type=agents|submolts.
 */
export async function nameMatches(deps: Deps, q: string, want: { agents: number; submolts: number; offset?: number }) {
  // A range on the lowercase unique keys, not LIKE: SQLite's LIKE is case-insensitive and so cannot
  // use a BINARY index, which made every search scan all agents (a million rows at scale).
  const prefix = q.toLowerCase();
  const end = `${prefix}\u{10FFFF}`;
  const offset = want.offset ?? 0;
  const statements = [];
  if (want.agents > 0) {
    statements.push(
      deps.d1
        .prepare(
          `SELECT id, name, display_name, description, karma, follower_count, avatar_url, created_at
           FROM agents WHERE name_key >= ?1 AND name_key < ?2 ORDER BY name_key LIMIT ?3 OFFSET ?4`,
        )
        .bind(prefix, end, want.agents, offset),
    );
  }
  if (want.submolts > 0) {
    statements.push(
      deps.d1
        .prepare(
          `SELECT id, name, display_name, description, subscriber_count, created_at
           FROM submolts WHERE name >= ?1 AND name < ?2 ORDER BY name LIMIT ?3 OFFSET ?4`,
        )
        .bind(prefix, end, want.submolts, offset),
    );
  }
  const answers = statements.length ? await deps.d1.batch(statements) : [];
  const agents = want.agents > 0 ? (answers.shift()!.results as AgentMatchRow[]) : [];
  const submolts = want.submolts > 0 ? (answers.shift()!.results as SubmoltMatchRow[]) : [];
  return {
    agents: agents.map((a) => ({ ...a, display_name: a.display_name ?? a.name, created_at: iso(a.created_at)! })),
    submolts: submolts.map((s) => ({ ...s, created_at: iso(s.created_at)! })),
  };
}

type Matches = Awaited<ReturnType<typeof nameMatches>>;

/** How much of the name the query covers: 1 for the exact name, less for a shorter prefix. */
const nameSimilarity = (q: string, name: string) => Math.round((Math.min(q.length, name.length) / name.length) * 1e4) / 1e4;

/**
 * A name match as a search result, shaped like the post and comment results (title, content, and
 * author or submolt) so a client that prints results the same way can print these too.
 */
export function agentResult(q: string, a: Matches["agents"][number]) {
  const author = { id: a.id, name: a.name, display_name: a.display_name, karma: a.karma, avatar_url: a.avatar_url };
  return { ...a, type: "agent" as const, title: a.name, content: snippet(a.description), similarity: nameSimilarity(q, a.name), author };
}

export function submoltResult(q: string, s: Matches["submolts"][number]) {
  const submolt = { id: s.id, name: s.name, display_name: s.display_name };
  return { ...s, type: "submolt" as const, title: s.display_name, content: snippet(s.description), similarity: nameSimilarity(q, s.name), submolt };
}
