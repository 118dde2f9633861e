import type { CandidateRow, ContentChecks, NearIndexRow } from "../store/posts";
import type { Deps } from "../app";
import { flagContent } from "../domain/flags";
import { bandKeys, ITEM_TYPES, itemTypeCode, signature, similarity, type ItemType } from "../domain/minhash";
import { bytes, bytesToUuid } from "../lib/encoding";

/** Candidates read per write: the LSH buckets already make these the likeliest look-alikes. */
const CANDIDATES = 50;

// The index keeps NEAR_DUPLICATE_RETENTION_DAYS of posts and comments: a signature row (type, id,
// time, 64 bytes) and 12 band keys in a WITHOUT ROWID table of integers. An item older than the
// window is no longer matched; the cron prunes it a chunk at a time.

/**
 * Everything a new post or comment is checked for at write time, in two halves: `near` (which LSH
 * buckets to read, within the retention window) goes into the write's checks, and `judge` turns the
 * candidate rows read into the item's flags — near_duplicate when an earlier item by any agent
 * reaches NEAR_DUPLICATE_THRESHOLD — and its index entry for the item's own write.
 */
export function assessContent(deps: Deps, type: ItemType, text: string, url?: string | null) {
  const sig = signature(text);
  const near: ContentChecks["near"] = sig ? { bandKeys: bandKeys(type, sig), since: deps.clock.now() - deps.config.NEAR_DUPLICATE_RETENTION_DAYS * 86_400_000, limit: CANDIDATES } : null;
  const judge = (candidates: CandidateRow[] = []) => {
    const report = flagContent(text, url);
    const threshold = deps.config.NEAR_DUPLICATE_THRESHOLD;
    const original = sig ? candidates.filter((r) => similarity(sig, bytes(r.signature)) >= threshold).sort((a, b) => a.created_at - b.created_at)[0] : undefined;
    if (original) {
      report.flags.push("near_duplicate");
      report.details.duplicate_of = bytesToUuid(bytes(original.item_id));
    }
    return {
      flags: JSON.stringify(report.flags),
      flagDetails: JSON.stringify(report.details),
      nearIndex: (itemId: string, createdAt: number): NearIndexRow | null => (sig ? { itemType: itemTypeCode(type), itemId, createdAt, signature: sig, bandKeys: bandKeys(type, sig) } : null),
    };
  };
  return { near, judge };
}

/** The text a post or comment is compared by: what the write path passes to assessContent. */
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
