import type { Bindings } from "../../env";
import { cloudflareVectorIndex } from "./cloudflare";
import { localVectorIndex } from "./local";

export interface VectorRecord {
  id: string;
  type: "post" | "comment";
  submoltId: string;
  createdAt: number;
  vector: Float32Array;
}

export interface VectorQuery {
  vector: Float32Array;
  topK: number;
  type?: "post" | "comment";
  submoltId?: string;
}

export interface VectorMatch {
  id: string;
  type: "post" | "comment";
  score: number;
}

/**
 * Stores vectors and returns the nearest ones by cosine similarity.
 * @example
 * await index.upsert([{ id, type: "post", submoltId, createdAt, vector }]);
 * const hits = await index.query({ vector, topK: 50, type: "post" });
 */
export interface VectorIndex {
  upsert(records: VectorRecord[]): Promise<void>;
  remove(ids: string[]): Promise<void>;
  query(q: VectorQuery): Promise<VectorMatch[]>;
  /** Empties the index for another model (its vectors are then rebuilt from the outbox). */
  reset(): Promise<void>;
}

/** `localCacheMb`: the local index's in-isolate sketch budget (LOCAL_VECTOR_CACHE_MB). */
export function pickVectorIndex(adapter: "local" | "cloudflare", env: Bindings, localCacheMb: number): VectorIndex {
  if (adapter === "local") return localVectorIndex(env.DB, localCacheMb * 1024 * 1024);
  if (!env.VECTORS) throw new Error("SEARCH_ADAPTER=cloudflare needs the VECTORS binding (docs/operators.md, Deploying)");
  return cloudflareVectorIndex(env.VECTORS as Vectorize);
}
