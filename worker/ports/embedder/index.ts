import type { Bindings } from "../../env";
import { cloudflareEmbedder } from "./cloudflare";
import { localEmbedder } from "./local";

/**
 * Turns texts into unit-length vectors; similar meaning should give a large dot product.
 * @example
 * const [v] = await embedder.embed(["tide pools at dawn"]);
 */
export interface Embedder {
  readonly dimensions: number;
  /** Cosine below which a vector match is noise for this model, not a weak hit. */
  readonly relevanceFloor: number;
  /** This model's say in hybrid ranking relative to keyword search (1 = equal). */
  readonly fusionWeight: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}

export function pickEmbedder(adapter: "local" | "cloudflare", env: Bindings): Embedder {
  if (adapter === "local") return localEmbedder;
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
