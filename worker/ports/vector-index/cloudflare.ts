import type { VectorIndex } from "./index";

/** Vectorize, with type/submolt/created_at as metadata so filters run inside the index. */
export function cloudflareVectorIndex(index: Vectorize): VectorIndex {
  return {
    async upsert(records) {
      if (records.length === 0) return;
      await index.upsert(
        records.map((r) => ({
          id: r.id,
          values: Array.from(r.vector),
          metadata: { type: r.type, submolt_id: r.submoltId, created_at: r.createdAt },
        })),
      );
    },
    async remove(ids) {
      if (ids.length) await index.deleteByIds(ids);
    },
    async reset() {
      // A Vectorize index has one dimension for life: another model needs another index.
      throw new Error("a Vectorize index cannot be emptied for another model: create one with the model's dimension (npm run deploy does, from EMBEDDINGS_DIMENSIONS) and bind it as VECTORS");
    },
    async query({ vector, topK, type, submoltId }) {
      const filter: Record<string, string> = {};
      if (type) filter.type = type;
      if (submoltId) filter.submolt_id = submoltId;
      const res = await index.query(Array.from(vector), {
        topK: Math.min(topK, 50),
        returnMetadata: "indexed",
        ...(Object.keys(filter).length ? { filter } : {}),
      });
      return res.matches.map((m) => ({ id: m.id, type: (m.metadata?.type as "post" | "comment") ?? "post", score: m.score }));
    },
  };
}
