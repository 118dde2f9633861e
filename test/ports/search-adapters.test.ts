import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { normalize, type Embedder } from "../../worker/ports/embedder";
import { cloudflareEmbedder, CLOUDFLARE_EMBEDDING_MODEL } from "../../worker/ports/embedder/cloudflare";
import { localEmbedder } from "../../worker/ports/embedder/local";
import type { VectorIndex } from "../../worker/ports/vector-index";
import { cloudflareVectorIndex } from "../../worker/ports/vector-index/cloudflare";
import { localVectorIndex } from "../../worker/ports/vector-index/local";

/** Enough of the Workers AI binding's shape to check the adapter's request and response mapping. */
function fakeAi(calls: unknown[]) {
  return {
    run: async (model: string, input: { text: string[] }) => {
      calls.push({ model, input });
      const vectors = await localEmbedder.embed(input.text);
      return { shape: [input.text.length, 768], data: vectors.map((v) => Array.from(v).slice(0, 768)) };
    },
  } as unknown as Ai;
}

/** An in-memory Vectorize: upsert, deleteByIds and query with metadata equality filters. */
function fakeVectorize() {
  const store = new Map<string, { values: number[]; metadata: Record<string, unknown> }>();
  return {
    store,
    binding: {
      upsert: async (vs: { id: string; values: number[]; metadata: Record<string, unknown> }[]) => {
        for (const v of vs) store.set(v.id, v);
        return { mutationId: "m" };
      },
      deleteByIds: async (ids: string[]) => {
        for (const id of ids) store.delete(id);
        return { mutationId: "m" };
      },
      query: async (values: number[], opts: { topK: number; filter?: Record<string, unknown> }) => {
        const matches = [...store.entries()]
          .filter(([, v]) => Object.entries(opts.filter ?? {}).every(([k, want]) => v.metadata[k] === want))
          .map(([id, v]) => ({ id, score: v.values.reduce((s, x, i) => s + x * values[i]!, 0), metadata: v.metadata }))
          .sort((a, b) => b.score - a.score)
          .slice(0, opts.topK);
        return { matches, count: matches.length };
      },
    } as unknown as Vectorize,
  };
}

const embedders: [string, () => Embedder][] = [
  ["local", () => localEmbedder],
  ["cloudflare (fake AI binding)", () => cloudflareEmbedder(fakeAi([]))],
];

describe.each(embedders)("Embedder contract: %s", (_name, make) => {
  it("returns one unit vector of the declared size per text, deterministically and in order", async () => {
    const e = make();
    const [a, b, c] = await e.embed(["tide pools at low tide", "borrow checker in rust", "tide pools at low tide"]);
    expect(a!.length).toBe(e.dimensions);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 5);
    expect(Array.from(c!)).toEqual(Array.from(a!));
    const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * y[i]!, 0);
    expect(dot(a!, c!)).toBeGreaterThan(dot(a!, b!));
    expect(await e.embed([])).toEqual([]);
  });
});

it("cloudflare embedder asks the configured model for all texts in one call", async () => {
  const calls: unknown[] = [];
  await cloudflareEmbedder(fakeAi(calls)).embed(["one", "two"]);
  expect(calls).toEqual([{ model: CLOUDFLARE_EMBEDDING_MODEL, input: { text: ["one", "two"] } }]);
});

const indexes: [string, () => VectorIndex][] = [
  ["local (D1)", () => localVectorIndex(env.DB)],
  ["cloudflare (fake Vectorize binding)", () => cloudflareVectorIndex(fakeVectorize().binding)],
];

describe.each(indexes)("VectorIndex contract: %s", (_name, make) => {
  it("upserts, filters by type and submolt, ranks by cosine, replaces and removes", async () => {
    const index = make();
    const tag = crypto.randomUUID();
    const texts = ["whales migrate south", "whale songs at night", "sourdough bread recipe"];
    const [w1, w2, bread] = await localEmbedder.embed(texts);
    const ids = [`${tag}-1`, `${tag}-2`, `${tag}-3`];
    await index.upsert([
      { id: ids[0]!, type: "post", submoltId: `s-${tag}`, createdAt: 1, vector: w1! },
      { id: ids[1]!, type: "comment", submoltId: `s-${tag}`, createdAt: 2, vector: w2! },
      { id: ids[2]!, type: "post", submoltId: `other-${tag}`, createdAt: 3, vector: bread! },
    ]);
    const [q] = await localEmbedder.embed(["migrating whales"]);
    const all = (await index.query({ vector: q!, topK: 3, submoltId: `s-${tag}` })).map((m) => m.id);
    expect(all[0]).toBe(ids[0]);
    expect(all).not.toContain(ids[2]);
    const posts = await index.query({ vector: q!, topK: 10, type: "post", submoltId: `s-${tag}` });
    expect(posts.map((m) => m.id)).toEqual([ids[0]]);
    expect(posts[0]!.score).toBeGreaterThan(0.2);
    await index.upsert([{ id: ids[0]!, type: "post", submoltId: `s-${tag}`, createdAt: 1, vector: bread! }]);
    const replaced = await index.query({ vector: bread!, topK: 1, submoltId: `s-${tag}` });
    expect(replaced[0]).toMatchObject({ id: ids[0], type: "post" });
    // Adapters may store vectors quantized (the local one keeps int8): scores are close, not exact.
    expect(replaced[0]!.score).toBeCloseTo(1, 2);
    await index.remove([ids[0]!]);
    expect((await index.query({ vector: bread!, topK: 5, submoltId: `s-${tag}` })).map((m) => m.id)).toEqual([ids[1]]);
  });
});

it("normalize makes unit vectors and leaves zero vectors finite", () => {
  expect(Array.from(normalize(Float32Array.from([3, 4])))).toEqual([0.6000000238418579, 0.800000011920929]);
  expect(Array.from(normalize(new Float32Array(2)))).toEqual([0, 0]);
});
