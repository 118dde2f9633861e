import type { Deps } from "../app";

const BATCH = 50;
const MAX_BACKOFF_MS = 3_600_000;

interface OutboxRow {
  id: number;
  target_id: string;
  target_type: "post" | "comment";
  op: "upsert" | "delete";
  attempts: number;
}

interface LiveDoc {
  id: string;
  type: "post" | "comment";
  text: string;
  submolt_id: string;
  created_at: number;
}

/** D1 binds at most 100 parameters per statement: long id lists go in slices. */
export function slices<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Title + body of live posts and comments among `ids`; deleted or unknown ones are absent. */
async function liveDocs(deps: Deps, ids: string[]): Promise<Map<string, LiveDoc>> {
  const found = new Map<string, LiveDoc>();
  for (const part of slices(ids, 45)) for (const [k, v] of await liveDocsSlice(deps, part)) found.set(k, v);
  return found;
}

async function liveDocsSlice(deps: Deps, ids: string[]): Promise<Map<string, LiveDoc>> {
  if (ids.length === 0) return new Map();
  const marks = ids.map(() => "?").join(",");
  const rows = await deps.d1
    .prepare(
      `SELECT id, 'post' AS type, title || char(10) || coalesce(content, '') AS text, submolt_id, created_at FROM posts WHERE id IN (${marks}) AND is_deleted = 0
       UNION ALL
       SELECT c.id, 'comment', c.content, p.submolt_id, c.created_at FROM comments c JOIN posts p ON p.id = c.post_id
       WHERE c.id IN (${marks}) AND c.is_deleted = 0 AND p.is_deleted = 0`,
    )
    .bind(...ids, ...ids)
    .all<LiveDoc>();
  return new Map(rows.results.map((r) => [r.id, r]));
}

/**
 * Applies queued index changes to the vector index: embeds live items, removes deleted ones, then
 * deletes the rows it handled. A failure leaves them queued with a growing delay (retried by the next
 * drain or the cron), so nothing written to D1 is ever missing from the index for long.
 */
export async function drainOutbox(deps: Deps, limit = BATCH): Promise<{ indexed: number; removed: number; failed: number }> {
  const now = deps.clock.now();
  // Due order follows the (available_at, id) index, so items waiting out a backoff are never scanned.
  // Order between rows does not matter: each item is indexed as it is now, not as the row recorded.
  const rows = (
    await deps.d1.prepare("SELECT id, target_id, target_type, op, attempts FROM search_outbox WHERE available_at <= ? ORDER BY available_at, id LIMIT ?").bind(now, limit).all<OutboxRow>()
  ).results;
  if (rows.length === 0) return { indexed: 0, removed: 0, failed: 0 };
  const ids = [...new Set(rows.map((r) => r.target_id))];
  try {
    const docs = await liveDocs(deps, ids);
    const { embedder, index } = deps.search();
    const live = ids.map((id) => docs.get(id)).filter((d): d is LiveDoc => !!d);
    const gone = ids.filter((id) => !docs.has(id));
    const vectors = await embedder.embed(live.map((d) => d.text));
    await index.upsert(live.map((d, i) => ({ id: d.id, type: d.type, submoltId: d.submolt_id, createdAt: d.created_at, vector: vectors[i]! })));
    await index.remove(gone);
    await deps.d1.batch(
      slices(rows.map((r) => r.id), 90).map((part) => deps.d1.prepare(`DELETE FROM search_outbox WHERE id IN (${part.map(() => "?").join(",")})`).bind(...part)),
    );
    return { indexed: live.length, removed: gone.length, failed: 0 };
  } catch (err) {
    const message = String((err as Error)?.message ?? err).slice(0, 500);
    await deps.d1.batch(
      rows.map((r) =>
        deps.d1
          .prepare("UPDATE search_outbox SET attempts = attempts + 1, last_error = ?, available_at = ? WHERE id = ?")
          .bind(message, now + Math.min(MAX_BACKOFF_MS, 30_000 * 2 ** r.attempts), r.id),
      ),
    );
    console.error(JSON.stringify({ level: "error", message: "search indexing failed; will retry", error: message, items: rows.length }));
    return { indexed: 0, removed: 0, failed: rows.length };
  }
}

/** Queues every live post and comment for (re)indexing; the drains then rebuild the vector index. */
export async function queueReindex(deps: Deps) {
  const now = deps.clock.now();
  const [posts, comments] = await deps.d1.batch([
    deps.d1.prepare("INSERT INTO search_outbox (target_id, target_type, op, created_at) SELECT id, 'post', 'upsert', ? FROM posts WHERE is_deleted = 0").bind(now),
    deps.d1.prepare("INSERT INTO search_outbox (target_id, target_type, op, created_at) SELECT id, 'comment', 'upsert', ? FROM comments WHERE is_deleted = 0").bind(now),
  ]);
  return (posts!.meta.changes ?? 0) + (comments!.meta.changes ?? 0);
}
