import { normalize, type Embedder } from "./index";

export interface OpenAiEmbedderOptions {
  /** The API's base, e.g. http://localhost:11434/v1 (Ollama), http://localhost:8080/v1 (llama.cpp, TEI), https://api.openai.com/v1. */
  url: string;
  model: string;
  /** The dimension the vector index holds: a model that answers another is refused, naming both. */
  dimensions: number;
  apiKey?: string;
  timeoutMs: number;
  relevanceFloor: number;
  /** The platform's fetch; a test passes its own. */
  fetch?: typeof fetch;
}

/**
 * Embeddings from any server that speaks OpenAI's `POST /v1/embeddings` (Ollama, llama.cpp's
 * server, vLLM, Hugging Face text-embeddings-inference, OpenAI): one request per batch, answers
 * put back in the texts' order, unit length. A timeout, an error status or a malformed answer is
 * an error with the reason, which search turns into keyword-only results and the outbox into a
 * retry with backoff.
 */
export function openAiEmbedder(o: OpenAiEmbedderOptions): Embedder {
  const endpoint = `${o.url.replace(/\/+$/, "")}/embeddings`;
  const call = o.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  return {
    name: `${o.model} at ${o.url} (OpenAI-compatible)`,
    dimensions: o.dimensions,
    relevanceFloor: o.relevanceFloor,
    fusionWeight: 1,
    async embed(texts) {
      if (texts.length === 0) return [];
      let res: Response;
      try {
        res = await call(endpoint, {
          method: "POST",
          headers: { "content-type": "application/json", ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}) },
          body: JSON.stringify({ model: o.model, input: texts, encoding_format: "float" }),
          signal: AbortSignal.timeout(o.timeoutMs),
        });
      } catch (err) {
        const timedOut = (err as Error)?.name === "TimeoutError" || (err as Error)?.name === "AbortError";
        throw new Error(timedOut ? `the embedding server at ${o.url} did not answer within ${o.timeoutMs} ms` : `the embedding server at ${o.url} cannot be reached: ${String((err as Error)?.message ?? err)}`);
      }
      if (!res.ok) {
        const detail = (await res.text().catch(() => "")).slice(0, 200);
        throw new Error(`the embedding server at ${o.url} answered ${res.status} for model ${o.model}${detail ? `: ${detail}` : ""}`);
      }
      const body = (await res.json().catch(() => null)) as { data?: { embedding?: unknown; index?: number }[] } | null;
      const data = body?.data;
      if (!Array.isArray(data) || data.length !== texts.length) throw new Error(`the embedding server at ${o.url} answered ${Array.isArray(data) ? data.length : "no"} embeddings for ${texts.length} texts`);
      const ordered = [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
      return ordered.map(({ embedding }) => {
        if (!Array.isArray(embedding) || !embedding.every((x) => typeof x === "number")) throw new Error(`the embedding server at ${o.url} answered an embedding that is not a list of numbers`);
        if (embedding.length !== o.dimensions) {
          throw new Error(`the embedding model ${o.model} gives ${embedding.length} dimensions; the vector index holds ${o.dimensions} (EMBEDDINGS_DIMENSIONS)`);
        }
        return normalize(Float32Array.from(embedding));
      });
    },
  };
}
