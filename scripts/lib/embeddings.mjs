// What the tools ask of an OpenAI-compatible embeddings server (EMBEDDINGS_URL): the dimension its
// model answers, found by embedding one word, so `npm run dev` and `npm run deploy` can refuse a
// model that does not fit the vector index before anything is served or created.

/**
 * The model's dimension; throws with the reason (unreachable, an error status, no embedding).
 * @example
 * await probeDimensions({ url: "http://localhost:11434/v1", model: "nomic-embed-text" }) // 768
 */
export async function probeDimensions({ url, model, apiKey, timeoutMs = 30_000 }) {
  const endpoint = `${url.replace(/\/+$/, "")}/embeddings`;
  let res;
  try {
    res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      body: JSON.stringify({ model, input: ["tidepool"], encoding_format: "float" }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new Error(`the embedding server at ${url} cannot be reached (${err.cause?.code ?? err.message})`);
  }
  if (!res.ok) throw new Error(`the embedding server at ${url} answered ${res.status} for model ${model}: ${(await res.text().catch(() => "")).slice(0, 200)}`);
  const body = await res.json().catch(() => null);
  const embedding = body?.data?.[0]?.embedding;
  if (!Array.isArray(embedding) || embedding.length === 0) throw new Error(`the embedding server at ${url} answered no embedding for model ${model}`);
  return embedding.length;
}

/** The EMBEDDINGS_* settings among `vars` (what --var and .dev.vars give), or null when EMBEDDINGS_URL is unset. */
export function embeddingsSettings(vars) {
  const url = vars.EMBEDDINGS_URL?.trim();
  if (!url) return null;
  const dimensions = vars.EMBEDDINGS_DIMENSIONS?.trim();
  return { url, model: vars.EMBEDDINGS_MODEL?.trim() ?? "", apiKey: vars.EMBEDDINGS_API_KEY?.trim() || undefined, dimensions: dimensions ? Number(dimensions) : null };
}
