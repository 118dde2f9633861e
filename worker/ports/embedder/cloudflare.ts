import { normalize, type Embedder } from "./index";

export const CLOUDFLARE_EMBEDDING_MODEL = "@cf/baai/bge-base-en-v1.5";

/** Workers AI text embeddings (768 dimensions), batched in one call. */
export function cloudflareEmbedder(ai: Ai): Embedder {
  return {
    name: `Workers AI ${CLOUDFLARE_EMBEDDING_MODEL}`,
    dimensions: 768,
    // bge-base puts unrelated English text around 0.3-0.5 cosine.
    relevanceFloor: 0.55,
    fusionWeight: 1,
    async embed(texts) {
      if (texts.length === 0) return [];
      const out = (await ai.run(CLOUDFLARE_EMBEDDING_MODEL as keyof AiModels, { text: texts } as never)) as { data?: number[][] };
      if (!out.data || out.data.length !== texts.length) throw new Error("Workers AI returned no embeddings");
      return out.data.map((row) => normalize(Float32Array.from(row)));
    },
  };
}
