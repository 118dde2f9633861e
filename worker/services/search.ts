import type { Deps } from "../app";
import { unavailable } from "../errors";
import { iso } from "../lib/encoding";
import type { Hit, SearchDetail, SearchType } from "../store/search";

export type { SearchType };

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

/** Words only (letters and digits), lower-cased, at most 32: what either store's index is asked for. */
export function searchWords(q: string): string[] {
  return (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 32);
}

async function keywordHits(deps: Deps, q: string, type: SearchType, submoltId: string | null): Promise<Hit[]> {
  const words = searchWords(q);
  if (words.length === 0) return [];
  const { posts, comments } = await deps.store.search.keyword({ words, type, submoltId, limit: CANDIDATES, window: KEYWORD_WINDOW });
  if (type !== "all") return type === "posts" ? posts : comments;
  // Posts and comments come from separate rankings; interleave so neither list drowns the other.
  const merged: Hit[] = [];
  for (let i = 0; i < Math.max(posts.length, comments.length); i++) {
    if (posts[i]) merged.push(posts[i]!);
    if (comments[i]) merged.push(comments[i]!);
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

async function details(deps: Deps, hits: Hit[]): Promise<Map<string, SearchDetail>> {
  return new Map((await deps.store.search.details(hits)).map((r) => [r.id, r]));
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

/**
 * Agents and submolts whose names start with the query, case-insensitively: the small groups every
 * search carries for older clients (5 each), or a whole page of one kind for type=agents|submolts.
 */
export async function nameMatches(deps: Deps, q: string, want: { agents: number; submolts: number; offset?: number }) {
  const { agents, submolts } = await deps.store.search.names(q.toLowerCase(), want.agents, want.submolts, want.offset ?? 0);
  return {
    agents: agents.map((a) => ({
      id: a.id,
      name: a.name,
      display_name: a.displayName ?? a.name,
      description: a.description,
      karma: a.karma,
      follower_count: a.followerCount,
      avatar_url: a.avatarUrl,
      created_at: iso(a.createdAt)!,
    })),
    submolts: submolts.map((s) => ({ id: s.id, name: s.name, display_name: s.displayName, description: s.description, subscriber_count: s.subscriberCount, created_at: iso(s.createdAt)! })),
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
