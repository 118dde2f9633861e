import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { localEmbedder } from "../../worker/ports/embedder/local";
import { localVectorIndex } from "../../worker/ports/vector-index/local";
import { quantize, quantizedDot, sketch, sketchScore, sparse } from "../../worker/ports/vector-index/quantize";
import { CORPUS } from "../eval/corpus";

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe("local vector index internals", () => {
  it("int8 quantization keeps dot products within 1%", async () => {
    const [a, b] = await localEmbedder.embed(["whales migrate south in winter", "humpback whale songs carry far"]);
    expect(quantize(a!).byteLength).toBe(a!.length + 4);
    expect(quantizedDot(quantize(a!), b!)).toBeCloseTo(dot(a!, b!), 2);
    expect(quantizedDot(quantize(a!), a!)).toBeCloseTo(1, 2);
  });

  it("sketch scores rank a related text above an unrelated one", async () => {
    const [q, near, far] = await localEmbedder.embed(["whale migration", "whales migrate south in winter", "sourdough starter feeding schedule"]);
    const score = (v: Float32Array) => sketchScore(sketch(v), 0, sketch(v).length / 2, sparse(q!));
    expect(score(near!)).toBeGreaterThan(score(far!));
  });
});

describe("local vector index at a size where sketches choose the candidates", () => {
  // Synthetic documents from the evaluation corpus's sentences, recombined: 2,400 items, far more
  // than the few hundred the index rescores exactly, so candidate selection is really tested.
  const submolt = `sketch-${crypto.randomUUID()}`;
  const sentences = CORPUS.map((d) => `${d.title}. ${d.content}`);
  const docs = Array.from({ length: 2400 }, (_, i) => `${sentences[i % 200]} ${sentences[(i * 7 + 3) % 200]}`);

  it("returns nearly the same top 10 as an exact scan", { timeout: 120_000 }, async () => {
    const index = localVectorIndex(env.DB);
    const vectors = await localEmbedder.embed(docs);
    for (let i = 0; i < docs.length; i += 400) {
      await index.upsert(vectors.slice(i, i + 400).map((vector, k) => ({ id: `${submolt}-${i + k}`, type: "post", submoltId: submolt, createdAt: i + k, vector })));
    }
    const queries = await localEmbedder.embed(["tide pools", "how to bake bread", "training for a marathon", "telescope for beginners", "saving money each month", "guitar chords"]);
    let overlap = 0;
    for (const q of queries) {
      const exact = new Map(vectors.map((v, i) => [`${submolt}-${i}`, dot(v, q!)]));
      // Recombined sentences make near-ties; anything scoring at least the exact 10th (less int8 error) is a right answer.
      const tenth = [...exact.values()].sort((a, b) => b - a)[9]!;
      const found = await index.query({ vector: q!, topK: 10, submoltId: submolt });
      overlap += found.filter((m) => exact.get(m.id)! >= tenth - 0.005).length / 10;
    }
    expect(overlap / queries.length).toBeGreaterThanOrEqual(0.9);
  });

  it("sees changes made through D1 by any writer, and removals", async () => {
    const index = localVectorIndex(env.DB);
    const [v] = await localEmbedder.embed(["an entirely new topic: lighthouse keepers' logbooks"]);
    await index.query({ vector: v!, topK: 1, submoltId: submolt });
    // Another isolate's write: only D1 changes, this isolate's cache must catch up by sequence number.
    const other = localVectorIndex(env.DB);
    await other.upsert([{ id: `${submolt}-lighthouse`, type: "post", submoltId: submolt, createdAt: 0, vector: v! }]);
    expect((await index.query({ vector: v!, topK: 1, submoltId: submolt }))[0]?.id).toBe(`${submolt}-lighthouse`);
    await other.remove([`${submolt}-lighthouse`]);
    expect((await index.query({ vector: v!, topK: 5, submoltId: submolt })).map((m) => m.id)).not.toContain(`${submolt}-lighthouse`);
    const row = await env.DB.prepare("SELECT vector, sketch FROM search_vectors WHERE id = ?").bind(`${submolt}-lighthouse`).first();
    expect(row).toEqual({ vector: null, sketch: null });
  });

  it("rebuilds its cache when the database is a different one", async () => {
    const index = localVectorIndex(env.DB);
    const [v] = await localEmbedder.embed(["tide pools"]);
    expect((await index.query({ vector: v!, topK: 3, submoltId: submolt })).length).toBe(3);
    // Same binding, new identity (as after a restore): nothing cached may leak into the answers.
    await env.DB.prepare("UPDATE search_index_meta SET value = 'restored' WHERE key = 'instance'").run();
    await env.DB.prepare("DELETE FROM search_vectors WHERE submolt_id = ?").bind(submolt).run();
    expect(await index.query({ vector: v!, topK: 3, submoltId: submolt })).toEqual([]);
  });
});
