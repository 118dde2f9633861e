import type { Deps } from "../app";
import { iso } from "../lib/encoding";
import { decodeCursorParts, encodeCursor } from "../domain/cursor";
import { couldStartName } from "../domain/names";
import { badRequest, unavailable } from "../errors";
import type { Hit, SearchDetail, SearchType, TierStart } from "../store/search";

export type { SearchType };

/** Reciprocal rank fusion constant (Cormack et al.): dampens the weight of the very top ranks. */
const RRF_K = 60;
/** Candidates taken from the vector index: the meaning side of the first tier. */
const VECTOR_CANDIDATES = 50;
/**
 * Keyword matches each table's tier ranks, the newest first. Ranking every match cost time (and D1
 * rows) in proportion to how common the words are: a word in a third of a million posts read ~8,000
 * rows a search. A tier is read newest first from the index, which stops at the window, so a page
 * costs the same at any size; results go on past a tier into the next, older one.
 */
export const KEYWORD_WINDOW = 200;
/**
 * Tiers one request reads at most. A page comes from one tier (a tier's last page may be short:
 * has_more and next_cursor lead on), so a cursor page costs one tier; only an offset, or tiers
 * left empty by a submolt filter, walk several before the page begins.
 */
const TIERS_PER_REQUEST = 8;

/** Words only (letters and digits), lower-cased, at most 32: what either store's index is asked for. */
export function searchWords(q: string): string[] {
  return (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 32);
}

async function vectorHits(deps: Deps, q: string, type: SearchType, submoltId: string | null): Promise<(Hit & { score: number })[]> {
  const { embedder, index } = deps.search();
  const [vector] = await embedder.embed([q]);
  const matches = await index.query({
    vector: vector!,
    topK: VECTOR_CANDIDATES,
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

/** Where results go on: a tier (its number and each table's start; a table left out is done) and a place in its ranking. */
interface Place {
  tier: number;
  start: { posts?: TierStart; comments?: TierStart };
  pos: number;
}

type SearchOptions = { q: string; type: SearchType; limit: number; offset: number; cursor?: string; submoltId: string | null; mode?: SearchMode };

/** A search's identity in its cursor, so a cursor is never read as a place in another search. */
function fingerprint(o: SearchOptions): string {
  let h = 0x811c9dc5;
  for (const ch of `${searchWords(o.q).join(" ")}|${o.type}|${o.submoltId ?? ""}|${o.mode ?? "hybrid"}`) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193);
  return (h >>> 0).toString(36);
}

// A table's start in a cursor: "*" its newest match, "." done, else the key to go on below.
const encodeStart = (s: TierStart | undefined) => (s === undefined ? "." : s === null ? "*" : s);
const decodeStart = (s: string | number): TierStart | undefined => (s === "." ? undefined : s === "*" ? null : String(s));

function decodePlace(cursor: string, o: SearchOptions): Place {
  const parts = decodeCursorParts(cursor);
  const [id, tier, pos, posts, comments] = parts;
  if (parts.length !== 5 || typeof id !== "string" || !Number.isInteger(tier) || !Number.isInteger(pos) || (tier as number) < 0 || (pos as number) < 0) {
    throw badRequest("Invalid cursor", "Pass next_cursor exactly as the previous page returned it.");
  }
  if (id !== fingerprint(o)) throw badRequest("Cursor from another search", "This cursor continues another query, type or submolt: ask again with the same ones, or without a cursor to start over.");
  const start = { posts: decodeStart(posts!), comments: decodeStart(comments!) };
  return { tier: tier as number, pos: pos as number, start };
}

const encodePlace = (o: SearchOptions, p: Place) => encodeCursor([fingerprint(o), p.tier, p.pos, encodeStart(p.start.posts), encodeStart(p.start.comments)]);

/**
 * One tier's ranking: its keyword matches (posts and comments interleaved, so neither list drowns
 * the other) and, in the first tier, the vector side's hits fused with them by reciprocal rank;
 * later tiers leave out what the vector side brought to the first. Where the next tier starts.
 */
async function rankTier(deps: Deps, o: SearchOptions, words: string[], place: Place, vector: Hit[] | null) {
  const mode = o.mode ?? "hybrid";
  const tiers = mode === "vector" || !words.length ? {} : await deps.store.search.keyword({ words, submoltId: o.submoltId, window: KEYWORD_WINDOW, start: place.start });
  const posts = tiers.posts?.hits ?? [];
  const comments = tiers.comments?.hits ?? [];
  const keyword: Hit[] = [];
  for (let i = 0; i < Math.max(posts.length, comments.length); i++) {
    if (posts[i]) keyword.push(posts[i]!);
    if (comments[i]) keyword.push(comments[i]!);
  }
  const lists = mode === "vector" ? [] : [{ hits: keyword, weight: 1 }];
  if (place.tier === 0 && vector) lists.push({ hits: vector, weight: deps.search().embedder.fusionWeight });
  const fromVector = new Set(place.tier === 0 ? [] : (vector ?? []).map((h) => h.id));
  const ranked = fuse(lists.map((l) => ({ ...l, hits: l.hits.filter((h) => !fromVector.has(h.id)) })));
  const start: Place["start"] = {};
  if (tiers.posts?.next != null) start.posts = tiers.posts.next;
  if (tiers.comments?.next != null) start.comments = tiers.comments.next;
  const next: Place | null = Object.keys(start).length ? { tier: place.tier + 1, start, pos: 0 } : null;
  return { ranked, next };
}

async function details(deps: Deps, hits: Hit[]): Promise<Map<string, SearchDetail>> {
  return new Map((await deps.store.search.details(hits)).map((r) => [r.id, r]));
}

const snippet = (s: string | null) => (s && s.length > 300 ? `${s.slice(0, 297)}...` : s ?? "");

/**
 * Hybrid search: BM25 (D1) or ts_rank (PostgreSQL) over keyword tiers and cosine over the vector
 * index, fused by reciprocal rank. Results are ranked within a tier, and tiers go from the newest
 * matches to older ones, so paging by cursor walks every match once, in an order that holds while
 * nothing is written. Deleted content is dropped by the indexes and again by the detail query.
 */
export async function search(deps: Deps, o: SearchOptions) {
  const mode = o.mode ?? "hybrid";
  const words = searchWords(o.q);
  const tables = o.type === "all" ? { posts: null, comments: null } : o.type === "posts" ? { posts: null } : { comments: null };
  let place: Place | null = o.cursor ? decodePlace(o.cursor, o) : { tier: 0, start: tables, pos: o.offset };
  let vector: Hit[] | null = null;
  let degraded = false;
  if (mode !== "keyword") {
    try {
      vector = await vectorHits(deps, o.q, o.type, o.submoltId);
    } catch (err) {
      // Fail open to keyword ranking: a down embedder must not take search away, only make it plainer.
      if (mode === "vector") throw unavailable("search", err);
      console.warn(JSON.stringify({ level: "warn", message: "vector search failed; keyword results only", error: String(err) }));
      degraded = true;
    }
  }
  const page: { hit: Hit; score: number }[] = [];
  for (let reads = 0; place && page.length === 0 && reads < TIERS_PER_REQUEST; reads++) {
    const here: Place = place;
    const { ranked, next } = await rankTier(deps, o, words, here, vector);
    // An offset past this tier goes on into the next with what is left of it.
    const skipped = Math.max(0, here.pos - ranked.length);
    const take = ranked.slice(here.pos, here.pos + o.limit - page.length);
    page.push(...take);
    const pos = here.pos + take.length;
    place = pos < ranked.length ? { ...here, pos } : next && { ...next, pos: skipped };
  }
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
  return { results, hasMore: place !== null, nextCursor: place ? encodePlace(o, place) : null, degraded };
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
  const prefix = q.toLowerCase();
  // A query with a space or any other character outside names starts none, and most searches are
  // several words, so they skip the read.
  const { agents, submolts } = couldStartName(prefix) ? await deps.store.search.names(prefix, want.agents, want.submolts, want.offset ?? 0) : { agents: [], submolts: [] };
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
