import type { Bindings, Config } from "../../env";
import { cloudflareEmbedder } from "./cloudflare";
import { localEmbedder } from "./local";
import { openAiEmbedder } from "./openai";

/**
 * Turns texts into unit-length vectors; similar meaning should give a large dot product.
 * @example
 * const [v] = await embedder.embed(["tide pools at dawn"]);
 */
export interface Embedder {
  /** Which model this is, for the operator's health check and its errors. */
  readonly name: string;
  readonly dimensions: number;
  /** Cosine below which a vector match is noise for this model, not a weak hit. */
  readonly relevanceFloor: number;
  /** This model's say in hybrid ranking relative to keyword search (1 = equal). */
  readonly fusionWeight: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}

/**
 * The configured model: an OpenAI-compatible server when EMBEDDINGS_URL is set (whichever vector
 * index SEARCH_ADAPTER names), else the adapter's own (offline hashing, or Workers AI).
 */
export function pickEmbedder(config: Config, env: Bindings): Embedder {
  if (config.EMBEDDINGS_URL) {
    return openAiEmbedder({
      url: config.EMBEDDINGS_URL,
      model: config.EMBEDDINGS_MODEL,
      dimensions: config.EMBEDDINGS_DIMENSIONS!,
      apiKey: config.EMBEDDINGS_API_KEY || undefined,
      timeoutMs: config.EMBEDDINGS_TIMEOUT_MS,
      relevanceFloor: config.EMBEDDINGS_RELEVANCE_FLOOR,
    });
  }
  if (config.SEARCH_ADAPTER === "local") return localEmbedder;
  if (!env.AI) throw new Error("SEARCH_ADAPTER=cloudflare needs the AI binding (docs/operators.md, Deploying)");
  return cloudflareEmbedder(env.AI as Ai);
}

export function normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  const len = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= len;
  return v;
}
