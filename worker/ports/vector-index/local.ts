import type { VectorIndex, VectorMatch } from "./index";
import { quantize, quantizedDot, sketch, sparse } from "./quantize";
import { bytes } from "../../lib/encoding";
import { capacityFor, SketchCache, type SketchRow } from "./sketch-cache";

/**
 * Vector search without Vectorize, for development, tests and small servers. D1 holds each item's
 * int8 vector and a ternary sketch; the isolate keeps the newest items' sketches in memory within
 * LOCAL_VECTOR_CACHE_MB (updated by sequence number), scores them all per query, and rescores the
 * best few hundred with the stored vectors. Items past the budget are found by keywords only.
 * Measured by `npm run bench:search` at 100k posts: p50 137 ms per hybrid query (12.7x a D1 point
 * read), 3.1 s for the first query after a start. Production uses Vectorize (`SEARCH_ADAPTER=cloudflare`).
 */
const PAGE = 5000;
/** Candidates rescored exactly: sketches only have to get the true top results into this set. */
const RESCORE_MIN = 200;
const RESCORE_FACTOR = 8;
const NEXT_SEQ = "(SELECT coalesce(max(seq), 0) + 1 FROM search_vectors)";

// One cache per database instance (tests run many), the two most recently used kept.
const caches = new Map<string, SketchCache>();

/**
 * How long a query trusts the isolate's last look at the index: under load a search then skips its
 * check for new items (a D1 call, a third of a keyword search's). Writes through this isolate are
 * seen at once (they count in `writes`); another isolate's within this time.
 */
const FRESH_MS = 250;
let writes = 0;
let lastLook: { db: D1Database; cache: SketchCache; at: number; writes: number } | null = null;

async function current(db: D1Database, dimensions: number, budgetBytes: number): Promise<SketchCache> {
  const look = lastLook;
  if (look && look.db === db && look.writes === writes && look.cache.dimensions === dimensions && Date.now() - look.at < FRESH_MS) return look.cache;
  const before = writes;
  const cache = await upToDate(db, dimensions, budgetBytes, look?.cache);
  lastLook = { db, cache, at: Date.now(), writes: before };
  return cache;
}

const deltaQuery = (db: D1Database, after: number) => db.prepare("SELECT id, type, submolt_id, sketch, seq FROM search_vectors WHERE seq > ? ORDER BY seq LIMIT ?").bind(after, PAGE);

async function fetchDelta(db: D1Database, after: number) {
  return (await deltaQuery(db, after).all<SketchRow>()).results;
}

/** The index's identity (a new one after a reset, so every isolate's cache starts over) and the dimension of the vectors it holds. */
const metaQuery = (db: D1Database) => db.prepare("SELECT key, value FROM search_index_meta WHERE key IN ('instance', 'dimensions')");

function indexMeta(rows: { key: string; value: string }[]) {
  const get = (key: string) => rows.find((r) => r.key === key)?.value ?? null;
  const dimensions = get("dimensions");
  return { instance: get("instance"), dimensions: dimensions === null ? null : Number(dimensions) };
}

/** Vectors of another model's dimension are refused, naming both, rather than scored as noise. */
function refuseOtherDimensions(held: number | null, given: number) {
  if (held !== null && held !== given) {
    throw new Error(`the vector index holds ${held}-dimension vectors and the embedder gives ${given}: rebuild the index for this model (npm run search:reindex -- --fresh)`);
  }
}

/**
 * Brings this isolate's cache up to date. Each request refreshes for itself: workerd refuses I/O
 * that one request started being awaited by another (a shared in-flight refresh failed searches
 * under concurrent load), and the cache's per-slot sequence numbers make overlapping refreshes safe.
 */
async function upToDate(db: D1Database, dimensions: number, budgetBytes: number, last: SketchCache | undefined): Promise<SketchCache> {
  // The index's identity and what was added since `last` (the cache last used), in one call: a
  // search's check for new items costs one round trip, not two, whenever that cache is still the
  // index's.
  const [metaRows, firstDelta] = await db.batch([metaQuery(db), deltaQuery(db, last?.seq ?? 0)]);
  const meta = indexMeta(metaRows!.results as { key: string; value: string }[]);
  refuseOtherDimensions(meta.dimensions, dimensions);
  const instance = meta.instance ?? "default";
  let cache = caches.get(instance);
  if (!cache || cache.dimensions !== dimensions || cache.capacity !== capacityFor(budgetBytes)) {
    cache = new SketchCache(instance, dimensions, budgetBytes);
    // A cold cache starts at the newest rows that fit: older ones would only be read to be evicted.
    cache.seq = (await db.prepare("SELECT seq FROM search_vectors ORDER BY seq DESC LIMIT 1 OFFSET ?").bind(cache.capacity).first<number>("seq")) ?? 0;
  }
  caches.delete(instance);
  caches.set(instance, cache);
  for (const old of [...caches.keys()].slice(0, -2)) caches.delete(old);
  if (cache === last) {
    const rows = firstDelta!.results as SketchRow[];
    cache.apply(rows);
    if (rows.length < PAGE) return cache;
  }
  for (;;) {
    const rows = await fetchDelta(db, cache.seq);
    cache.apply(rows);
    if (rows.length < PAGE) return cache;
  }
}

/** `cacheBytes`: the in-isolate sketch budget (LOCAL_VECTOR_CACHE_MB). */
export function localVectorIndex(db: D1Database, cacheBytes = 48 * 1024 * 1024): VectorIndex {
  return {
    async upsert(records) {
      if (records.length === 0) return;
      const dimensions = records[0]!.vector.length;
      refuseOtherDimensions(indexMeta((await metaQuery(db).all<{ key: string; value: string }>()).results).dimensions, dimensions);
      await db.batch([
        // The first vectors set the index's dimension; every later one is held to it.
        db.prepare("INSERT OR IGNORE INTO search_index_meta (key, value) VALUES ('dimensions', ?)").bind(String(dimensions)),
        ...records.map((r) =>
          db
            .prepare(
              `INSERT INTO search_vectors (id, type, submolt_id, created_at, vector, sketch, seq) VALUES (?, ?, ?, ?, ?, ?, ${NEXT_SEQ})
               ON CONFLICT (id) DO UPDATE SET type = excluded.type, submolt_id = excluded.submolt_id, created_at = excluded.created_at,
                 vector = excluded.vector, sketch = excluded.sketch, seq = excluded.seq`,
            )
            .bind(r.id, r.type, r.submoltId, r.createdAt, quantize(r.vector), new Uint8Array(sketch(r.vector).buffer)),
        ),
      ]);
      writes++;
    },
    async reset() {
      // Every vector goes, the dimension with them, and a new identity makes each isolate's cache start over.
      await db.batch([
        db.prepare("DELETE FROM search_vectors"),
        db.prepare("DELETE FROM search_index_meta WHERE key = 'dimensions'"),
        db.prepare("UPDATE search_index_meta SET value = lower(hex(randomblob(16))) WHERE key = 'instance'"),
      ]);
      writes++;
    },
    async remove(ids) {
      if (ids.length === 0) return;
      // A tombstone (not a DELETE) so every isolate's cache learns of the removal by sequence number.
      await db.batch(
        ids.map((id) => db.prepare(`UPDATE search_vectors SET vector = NULL, sketch = NULL, seq = ${NEXT_SEQ} WHERE id = ? AND vector IS NOT NULL`).bind(id)),
      );
      writes++;
    },
    async query({ vector, topK, type, submoltId }) {
      const cache = await current(db, vector.length, cacheBytes);
      const ids = cache.candidates(sparse(vector), Math.max(RESCORE_MIN, topK * RESCORE_FACTOR), type, submoltId);
      const parts = [];
      for (let i = 0; i < ids.length; i += 90) parts.push(ids.slice(i, i + 90));
      const pages = parts.length
        ? await db.batch<{ id: string; type: "post" | "comment"; vector: ArrayBuffer | number[] }>(
            parts.map((part) => db.prepare(`SELECT id, type, vector FROM search_vectors WHERE id IN (${part.map(() => "?").join(",")}) AND vector IS NOT NULL`).bind(...part)),
          )
        : [];
      const matches: VectorMatch[] = [];
      for (const row of pages.flatMap((p) => p.results)) {
        const stored = bytes(row.vector);
        if (stored.byteLength === vector.length + 4) matches.push({ id: row.id, type: row.type, score: quantizedDot(stored, vector) });
      }
      return matches.sort((a, b) => b.score - a.score).slice(0, topK);
    },
  };
}
