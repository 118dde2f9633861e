import type { Bindings } from "../env";
import type { Deps } from "../app";

export interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
  /** What was checked, where more than one kind can sit behind the check (the embedding model). */
  name?: string;
}

const TIMEOUT_MS = 5_000;

/** Runs one probe with a deadline: a binding that hangs is as down as one that throws. */
async function probe(work: () => Promise<unknown>): Promise<CheckResult> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | null = null;
  try {
    await Promise.race([work(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS)))]);
    return { ok: true, ms: Date.now() - started };
  } catch (err) {
    return { ok: false, ms: Date.now() - started, error: String(err).slice(0, 300) };
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}

/**
 * One cheap, read-only round trip to each binding the Worker depends on: D1, the FILES namespace,
 * the MEDIA bucket, a Gate (Durable Object), the configured vector index and embedding model (one
 * short text embedded, the model named). Misses count as answers; only errors and timeouts fail.
 */
export async function checkBindings(deps: Deps, env: Bindings) {
  const embedderName = (() => {
    try {
      return deps.search().embedder.name;
    } catch {
      return "the configured embedder";
    }
  })();
  const [d1, kv, r2, gate, vectorIndex, embedder] = await Promise.all([
    probe(() => deps.store.operations.ping()),
    probe(() => env.FILES.get("health:probe")),
    probe(() => env.MEDIA.head("health/probe")),
    probe(() => env.GATE.get(env.GATE.idFromName("health")).admit(null, [], deps.clock.now())),
    probe(async () => {
      const { embedder, index } = deps.search();
      return index.query({ vector: new Float32Array(embedder.dimensions), topK: 1 });
    }),
    probe(() => deps.search().embedder.embed(["health check"])),
  ]);
  return { d1, kv, r2, gate, vector_index: vectorIndex, embedder: { ...embedder, name: embedderName } };
}
