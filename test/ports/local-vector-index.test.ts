import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { localEmbedder } from "../../worker/ports/embedder/local";
import { localVectorIndex } from "../../worker/ports/vector-index/local";
import { quantize, quantizedDot, sketch, sketchScore, sparse } from "../../worker/ports/vector-index/quantize";
import { BYTES_PER_ITEM, SketchCache, type SketchRow } from "../../worker/ports/vector-index/sketch-cache";
import { CORPUS } from "../eval/corpus";
import { ORIGIN, register, uniqueName } from "../helpers";

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

  it("trusts its last look for a quarter second: a write only D1 saw is found after it", async () => {
    const index = localVectorIndex(env.DB);
    const [v] = await localEmbedder.embed(["a topic nobody wrote about: semaphore flags at sea"]);
    await index.query({ vector: v!, topK: 1, submoltId: submolt });
    // Another isolate's write leaves nothing in this one: only the row in D1.
    const id = `${submolt}-semaphore`;
    await env.DB.prepare("INSERT INTO search_vectors (id, type, submolt_id, created_at, vector, sketch, seq) VALUES (?, 'post', ?, 0, ?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM search_vectors))")
      .bind(id, submolt, quantize(v!), new Uint8Array(sketch(v!).buffer))
      .run();
    await new Promise((r) => setTimeout(r, 300));
    expect((await index.query({ vector: v!, topK: 1, submoltId: submolt }))[0]?.id).toBe(id);
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

describe("local vector index under concurrent requests", () => {
  // Through the runtime's own request path, where each request is its own I/O context: a refresh
  // one request starts cannot be awaited by another (it failed searches under load in wrangler dev).
  const fetchOwn = async (path: string, init: RequestInit = {}) => {
    const res = await exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
    return { status: res.status, body: (await res.json()) as { degraded?: boolean } };
  };

  it("answers searches that overlap each other and the writes they race, none degraded", async () => {
    const a = await register();
    const jobs = [];
    for (let i = 0; i < 12; i++) {
      const body = JSON.stringify({ submolt_name: "general", title: `Overlapping tide notes ${uniqueName()}`, content: "tide pools at dawn" });
      jobs.push(fetchOwn("/api/v1/posts", { method: "POST", headers: { authorization: `Bearer ${a.apiKey}`, "content-type": "application/json" }, body }));
      jobs.push(fetchOwn(`/api/v1/search?q=${encodeURIComponent("tide pools dawn")}`));
    }
    const answers = await Promise.all(jobs);
    expect(answers.map((r) => r.status).filter((s) => s >= 300)).toEqual([]);
    expect(answers.filter((r) => r.body.degraded)).toEqual([]);
  });
});

describe("sketch cache budget", () => {
  const row = (i: number, seq = i, live = true): SketchRow => ({
    id: `item-${i}`,
    type: "post",
    submolt_id: "s",
    sketch: live ? new Uint8Array(256).fill(i % 251).buffer : null,
    seq,
  });
  const all = (cache: SketchCache) => new Set(cache.candidates(sparse(new Float32Array(1024).fill(0.5)), 10_000));

  it("holds at most what its byte budget buys, keeping the newest items", () => {
    const cache = new SketchCache("budget", 1024, 100 * BYTES_PER_ITEM);
    expect(cache.capacity).toBe(100);
    cache.apply(Array.from({ length: 350 }, (_, i) => row(i + 1)));
    expect(cache.size).toBe(100);
    expect(cache.evicted).toBe(250);
    expect(cache.seq).toBe(350);
    const held = all(cache);
    expect(held.size).toBe(100);
    expect(held.has("item-350")).toBe(true);
    expect(held.has("item-251")).toBe(true);
    expect(held.has("item-250")).toBe(false);
  });

  it("never lets an older row undo a newer one (overlapping refreshes)", () => {
    const cache = new SketchCache("order", 1024, 10 * BYTES_PER_ITEM);
    cache.apply([row(1, 5), row(2, 6, false)]); // item-2 unknown and removed: nothing to hold
    cache.apply([row(1, 9, false)]); // item-1 removed at 9
    cache.apply([row(1, 5), row(2, 4)]); // a slower refresh delivers older rows afterwards
    const held = all(cache);
    expect(held.has("item-1")).toBe(false);
    expect(cache.seq).toBe(9);
  });
});
