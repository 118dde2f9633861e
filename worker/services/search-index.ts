import { derivePending, rerankPending } from "./derive";
import type { Deps } from "../app";
import { retryLater } from "./outbox-retry";

const BATCH = 50;

/**
 * Applies queued index changes to the vector index: embeds live items, removes deleted ones, then
 * deletes the rows it handled. A failure leaves them queued with a growing delay (retried by the next
 * drain or the cron), so nothing written to the database is ever missing from the index for long.
 */
export async function drainOutbox(deps: Deps, limit = BATCH): Promise<{ derived: number; ranked: number; indexed: number; removed: number; failed: number }> {
  // New items' derived work first: their rows become upserts this very drain can take.
  const derive = await derivePending(deps);
  const ranks = await rerankPending(deps);
  const vectors = await drainVectors(deps, limit);
  return { derived: derive.derived, ranked: ranks.ranked, indexed: vectors.indexed, removed: vectors.removed, failed: derive.failed + ranks.failed + vectors.failed };
}

async function drainVectors(deps: Deps, limit: number): Promise<{ indexed: number; removed: number; failed: number }> {
  const now = deps.clock.now();
  // Order between rows does not matter: each item is indexed as it is now, not as the row recorded.
  const rows = await deps.store.search.due(now, limit);
  if (rows.length === 0) return { indexed: 0, removed: 0, failed: 0 };
  const ids = [...new Set(rows.map((r) => r.targetId))];
  try {
    const docs = new Map((await deps.store.search.liveDocs(ids)).map((d) => [d.id, d]));
    const { embedder, index } = deps.search();
    const live = ids.map((id) => docs.get(id)).filter((d) => d !== undefined);
    const gone = ids.filter((id) => !docs.has(id));
    const vectors = await embedder.embed(live.map((d) => d.text));
    await index.upsert(live.map((d, i) => ({ id: d.id, type: d.type, submoltId: d.submoltId, createdAt: d.createdAt, vector: vectors[i]! })));
    await index.remove(gone);
    await deps.store.search.handled(rows);
    return { indexed: live.length, removed: gone.length, failed: 0 };
  } catch (err) {
    await retryLater(deps, now, rows.map((r) => ({ outboxId: r.id, targetId: r.targetId, attempts: r.attempts })), err, "search indexing failed; will retry");
    return { indexed: 0, removed: 0, failed: rows.length };
  }
}

/** Queues every live post and comment for (re)indexing; the drains then rebuild the vector index. */
export const queueReindex = (deps: Deps) => deps.store.search.queueAll(deps.clock.now());
