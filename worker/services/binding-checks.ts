import type { Bindings } from "../env";
import type { Deps } from "../app";

export interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
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
 * the MEDIA bucket, a Gate (Durable Object) and the configured vector index. Misses count as
 * answers; only errors and timeouts fail a check.
 */
export async function checkBindings(deps: Deps, env: Bindings) {
  const [d1, kv, r2, gate, vectorIndex] = await Promise.all([
    probe(() => deps.store.operations.ping()),
    probe(() => env.FILES.get("health:probe")),
    probe(() => env.MEDIA.head("health/probe")),
    probe(() => env.GATE.get(env.GATE.idFromName("health")).admit(null, [], deps.clock.now())),
    probe(async () => {
      const { embedder, index } = deps.search();
      return index.query({ vector: new Float32Array(embedder.dimensions), topK: 1 });
    }),
  ]);
  return { d1, kv, r2, gate, vector_index: vectorIndex };
}
