// The embedder for OpenAI-compatible servers (EMBEDDINGS_URL): the request it sends, answers put
// back in order and normalised, and every way a server can fail as an error that says why; through
// the API, a failing server makes search keyword-only (degraded), never a 500, and the operator's
// health check names the model. The local vector index holds one dimension and refuses another.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../worker/env";
import { openAiEmbedder } from "../../worker/ports/embedder/openai";
import { localVectorIndex } from "../../worker/ports/vector-index/local";
import { call, makePost, register, uniqueName, withEnv } from "../helpers";

afterEach(() => vi.restoreAllMocks());

const unit = (v: Float32Array) => Math.hypot(...v);

/** A stand-in server: answers each request with `answer`, records what it was asked. */
function server(answer: (body: { model: string; input: string[] }) => Response | Promise<Response>) {
  const asked: { url: string; auth: string | null; body: { model: string; input: string[]; encoding_format?: string } }[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const body = (await request.json()) as { model: string; input: string[] };
    asked.push({ url: request.url, auth: request.headers.get("authorization"), body });
    return answer(body);
  }) as typeof fetch;
  return { fetcher, asked };
}

const options = { url: "http://models.test/v1/", model: "toy-embed", dimensions: 3, timeoutMs: 200, relevanceFloor: 0.3 };

describe("the OpenAI-compatible embedder", () => {
  it("asks for the model's embeddings of every text at once and returns them in order, unit length", async () => {
    const s = server((b) => Response.json({ data: b.input.map((_, i) => ({ index: i, embedding: [i + 1, 0, 2] })).reverse() }));
    const embedder = openAiEmbedder({ ...options, apiKey: "sk-test", fetch: s.fetcher });
    const vectors = await embedder.embed(["first", "second"]);
    expect(s.asked).toEqual([{ url: "http://models.test/v1/embeddings", auth: "Bearer sk-test", body: { model: "toy-embed", input: ["first", "second"], encoding_format: "float" } }]);
    expect(vectors.map((v) => Array.from(v).map((x) => Math.round(x * 1000) / 1000))).toEqual([
      [0.447, 0, 0.894],
      [0.707, 0, 0.707],
    ]);
    vectors.forEach((v) => expect(unit(v)).toBeCloseTo(1, 5));
    expect(embedder.name).toBe("toy-embed at http://models.test/v1/ (OpenAI-compatible)");
    expect(await embedder.embed([])).toEqual([]);
    expect(s.asked).toHaveLength(1);
  });

  it("refuses a model of another dimension, naming both numbers", async () => {
    const s = server((b) => Response.json({ data: b.input.map((_, i) => ({ index: i, embedding: [1, 2, 3, 4] })) }));
    await expect(openAiEmbedder({ ...options, fetch: s.fetcher }).embed(["x"])).rejects.toThrow("the embedding model toy-embed gives 4 dimensions; the vector index holds 3 (EMBEDDINGS_DIMENSIONS)");
  });

  it("says why when the server errs, answers wrongly, is unreachable or too slow", async () => {
    const cases: [() => Response | Promise<Response>, string][] = [
      [() => new Response("model not loaded", { status: 503 }), "answered 503 for model toy-embed: model not loaded"],
      [() => Response.json({ data: [] }), "answered 0 embeddings for 1 texts"],
      [() => Response.json({ data: [{ index: 0, embedding: "nope" }] }), "not a list of numbers"],
      [() => Promise.reject(new TypeError("connection refused")), "cannot be reached: connection refused"],
      [() => new Promise<Response>(() => {}), "did not answer within 200 ms"],
    ];
    for (const [answer, why] of cases) {
      const slow = (async (_input: RequestInfo | URL, init?: RequestInit) =>
        Promise.race([answer(), new Promise<Response>((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)))])) as typeof fetch;
      await expect(openAiEmbedder({ ...options, fetch: slow }).embed(["x"])).rejects.toThrow(why);
    }
  });

  it("is chosen by EMBEDDINGS_URL, which needs a model and a dimension", () => {
    expect(() => loadConfig({ ...env, EMBEDDINGS_URL: "http://localhost:11434/v1" })).toThrow(/EMBEDDINGS_MODEL.*EMBEDDINGS_DIMENSIONS|EMBEDDINGS_DIMENSIONS.*EMBEDDINGS_MODEL/s);
    expect(() => loadConfig({ ...env, EMBEDDINGS_URL: "localhost:11434" })).toThrow(/must be an http\(s\) URL/);
    expect(loadConfig({ ...env, EMBEDDINGS_URL: "http://localhost:11434/v1", EMBEDDINGS_MODEL: "nomic-embed-text", EMBEDDINGS_DIMENSIONS: "768" })).toMatchObject({ EMBEDDINGS_DIMENSIONS: 768, EMBEDDINGS_TIMEOUT_MS: 10_000 });
  });
});

describe("a model server that fails, through the API", () => {
  const withModel = withEnv({ EMBEDDINGS_URL: "http://models.test/v1", EMBEDDINGS_MODEL: "toy-embed", EMBEDDINGS_DIMENSIONS: "1024", EMBEDDINGS_TIMEOUT_MS: "200" });

  it("leaves search to keywords, says so, and logs why", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("overloaded", { status: 503 }));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const a = await register();
    const word = uniqueName("sandpiper").replace(/[_\d]/g, "");
    const post = await makePost(a, "general", { title: `${word} at low tide` });
    const res = await withModel("GET", `/api/v1/search?q=${word}`);
    expect(res.status).toBe(200);
    expect(res.body.degraded).toBe(true);
    expect(res.body.results.map((r: { id: string }) => r.id)).toContain(post.id);
    expect(warn.mock.calls.map((c) => String(c[0])).join("\n")).toContain("answered 503 for model toy-embed");
  });

  it("fails the operator's health check, naming the model", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("overloaded", { status: 503 }));
    const res = await withModel("GET", "/api/v1/admin/health", { token: env.ADMIN_TOKEN as string });
    expect(res.status).toBe(503);
    expect(res.body.checks.embedder).toMatchObject({ ok: false, name: "toy-embed at http://models.test/v1 (OpenAI-compatible)" });
    expect(res.body.checks.embedder.error).toContain("answered 503");
    expect(res.body.checks.d1.ok).toBe(true);
  });
});

describe("the local vector index", () => {
  it("holds one dimension, refuses another naming both, and starts over when reset", async () => {
    const index = localVectorIndex(env.DB);
    const vector = (n: number) => Float32Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0));
    await index.upsert([{ id: uniqueName("v"), type: "post", submoltId: "s", createdAt: 1, vector: vector(1024) }]);
    await expect(index.upsert([{ id: uniqueName("v"), type: "post", submoltId: "s", createdAt: 1, vector: vector(768) }])).rejects.toThrow("the vector index holds 1024-dimension vectors and the embedder gives 768");
    await expect(index.query({ vector: vector(768), topK: 5 })).rejects.toThrow("holds 1024-dimension vectors");
    const res = await call("POST", "/api/v1/admin/search/reindex?fresh=true", { token: env.ADMIN_TOKEN as string });
    expect(res.status).toBe(200);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM search_vectors").first("n")).toBe(0);
    await index.upsert([{ id: uniqueName("v"), type: "post", submoltId: "s", createdAt: 1, vector: vector(768) }]);
    expect(await index.query({ vector: vector(768), topK: 5 })).toHaveLength(1);
  });
});
