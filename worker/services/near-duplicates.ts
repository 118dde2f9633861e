import type { CandidateRow, NearIndexRow, NearQuery } from "../store/posts";
import type { Deps } from "../app";
import { bandKeys, ITEM_TYPES, itemTypeCode, signature, similarity, type ItemType } from "../domain/minhash";
import { bytes, bytesToUuid } from "../lib/encoding";

/** Candidates read per item: the LSH buckets already make these the likeliest look-alikes. */
const CANDIDATES = 50;

// The index keeps NEAR_DUPLICATE_RETENTION_DAYS of posts and comments: a signature row (type, id,
// time, 64 bytes) and 12 band keys in a WITHOUT ROWID table of integers. An item older than the
// window is no longer matched; the cron prunes it a chunk at a time.

/** An item as the near-duplicate check compares it. */
export interface Signed {
  type: ItemType;
  id: string;
  createdAt: number;
  sig: Uint8Array;
}

/** An item's signature with the buckets to read for it, within the retention window; null: too short to compare. */
export function signItem(deps: Deps, type: ItemType, id: string, createdAt: number, text: string): { item: Signed; near: NearQuery } | null {
  const sig = signature(text);
  if (!sig) return null;
  return { item: { type, id, createdAt, sig }, near: { bandKeys: bandKeys(type, sig), since: deps.clock.now() - deps.config.NEAR_DUPLICATE_RETENTION_DAYS * 86_400_000, limit: CANDIDATES } };
}

/**
 * The earliest earlier item by any agent that reaches NEAR_DUPLICATE_THRESHOLD: among the stored
 * candidates and the items `pending` (signed but not yet indexed: a copy written seconds after its
 * original, before the original's bands were, is still caught). Its id, or null.
 */
export function originalOf(deps: Deps, item: Signed, candidates: CandidateRow[], pending: Signed[]): string | null {
  const threshold = deps.config.NEAR_DUPLICATE_THRESHOLD;
  const seen = [
    ...candidates.map((r) => ({ id: bytesToUuid(bytes(r.item_id)), createdAt: r.created_at, sig: bytes(r.signature) })),
    ...pending.filter((o) => o.type === item.type && o.id !== item.id && o.createdAt <= item.createdAt),
  ];
  const original = seen.filter((o) => o.id !== item.id && similarity(item.sig, o.sig) >= threshold).sort((a, b) => a.createdAt - b.createdAt)[0];
  return original?.id ?? null;
}

/** The index entry of a signed item. */
export const nearIndexOf = (item: Signed): NearIndexRow => ({ itemType: itemTypeCode(item.type), itemId: item.id, createdAt: item.createdAt, signature: item.sig, bandKeys: bandKeys(item.type, item.sig) });

/** The text a post or comment is compared by. */
export function comparedText(type: ItemType, row: { title?: string | null; content?: string | null }): string {
  return type === "post" ? `${row.title ?? ""}\n${row.content ?? ""}` : (row.content ?? "");
}

const PRUNE_CHUNK = 200;

/**
 * Deletes signatures older than the retention window with their band rows, oldest first, a chunk
 * per batch. Ids grow with time, so the oldest are the lowest ids: each chunk reads the lowest ids
 * and stops at the first one still inside the window (a read of one chunk when nothing is due,
 * never a scan). Band keys are recomputed from the stored signature, the bytes that made them.
 * Returns how many signatures went.
 */
export async function pruneNearDuplicates(deps: Deps, maxChunks = 10): Promise<number> {
  const cutoff = deps.clock.now() - deps.config.NEAR_DUPLICATE_RETENTION_DAYS * 86_400_000;
  let pruned = 0;
  for (let i = 0; i < maxChunks; i++) {
    const oldest = await deps.store.near.oldest(PRUNE_CHUNK);
    const due = oldest.findIndex((r) => r.createdAt >= cutoff);
    const old = due === -1 ? oldest : oldest.slice(0, due);
    if (old.length === 0) break;
    const pairs = old.flatMap((r) => bandKeys(ITEM_TYPES[r.itemType]!, bytes(r.signature)).map((key): [number, number] => [key, r.id]));
    await deps.store.near.prune(pairs, old.map((r) => r.id));
    pruned += old.length;
    if (old.length < PRUNE_CHUNK) break;
  }
  return pruned;
}

const BACKFILL_CHUNK = 100;

/**
 * Signs the posts and comments a migration queued in near_backfill (those the previous detector had
 * indexed, inside the retention window), a chunk per batch; the cron calls it until the queue is
 * empty. An item deleted since, or too short, just leaves the queue.
 */
export async function backfillNearDuplicates(deps: Deps, maxChunks = 10): Promise<number> {
  const cutoff = deps.clock.now() - deps.config.NEAR_DUPLICATE_RETENTION_DAYS * 86_400_000;
  let signed = 0;
  for (let i = 0; i < maxChunks; i++) {
    const queued = await deps.store.near.backfillQueue(BACKFILL_CHUNK);
    if (queued.length === 0) break;
    const rows = queued.flatMap((r) => {
      const type = ITEM_TYPES[r.itemType]!;
      const sig = r.createdAt != null && r.createdAt >= cutoff ? signature(comparedText(type, r)) : null;
      return sig ? [{ itemType: r.itemType, itemId: r.itemId, createdAt: r.createdAt!, signature: sig, bandKeys: bandKeys(type, sig) }] : [];
    });
    await deps.store.near.finishBackfill(queued, rows);
    signed += rows.length;
    if (queued.length < BACKFILL_CHUNK) break;
  }
  return signed;
}
