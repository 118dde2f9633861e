import type { VectorIndex, VectorMatch } from "./index";

/**
 * Exact cosine search over vectors kept in D1, read in pages and ranked in memory. For development,
 * tests and small servers only: a query reads every candidate vector (2 KB each at 512 dimensions).
 * Measured with `npm run bench:search` under wrangler dev: 10k posts ≈ 1.8 s per hybrid query;
 * 100k posts ≈ 24 s p50 (one of three queries past 60 s). Keep it to a few thousand items; production
 * uses Vectorize.
 */
export const LOCAL_INDEX_PAGE = 2000;

export function localVectorIndex(db: D1Database): VectorIndex {
  return {
    async upsert(records) {
      if (records.length === 0) return;
      await db.batch(
        records.map((r) =>
          db
            .prepare(
              `INSERT INTO search_vectors (id, type, submolt_id, created_at, vector) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET type = excluded.type, submolt_id = excluded.submolt_id, created_at = excluded.created_at, vector = excluded.vector`,
            )
            .bind(r.id, r.type, r.submoltId, r.createdAt, new Uint8Array(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength)),
        ),
      );
    },
    async remove(ids) {
      if (ids.length === 0) return;
      await db.batch(ids.map((id) => db.prepare("DELETE FROM search_vectors WHERE id = ?").bind(id)));
    },
    async query({ vector, topK, type, submoltId }) {
      const best: VectorMatch[] = [];
      let after = 0;
      for (;;) {
        const page = await db
          .prepare(
            `SELECT rowid AS r, id, type, vector FROM search_vectors
             WHERE rowid > ?1 AND (?2 IS NULL OR type = ?2) AND (?3 IS NULL OR submolt_id = ?3) ORDER BY rowid LIMIT ?4`,
          )
          .bind(after, type ?? null, submoltId ?? null, LOCAL_INDEX_PAGE)
          .all<{ r: number; id: string; type: "post" | "comment"; vector: ArrayBuffer | number[] }>();
        for (const row of page.results) {
          const bytes = row.vector instanceof ArrayBuffer ? row.vector : Uint8Array.from(row.vector).buffer;
          const other = new Float32Array(bytes);
          let dot = 0;
          for (let i = 0; i < other.length; i++) dot += other[i]! * vector[i]!;
          if (best.length < topK || dot > best[best.length - 1]!.score) {
            best.push({ id: row.id, type: row.type, score: dot });
            best.sort((a, b) => b.score - a.score);
            if (best.length > topK) best.pop();
          }
        }
        if (page.results.length < LOCAL_INDEX_PAGE) break;
        after = page.results.at(-1)!.r;
      }
      return best;
    },
  };
}
