import { sql } from "drizzle-orm";
import * as schema from "../../schema";
import { nearBackfill } from "../../schema";
import { nearIndexStatements } from "../store/d1/posts";
import { d1Portable } from "../store/d1";
import { candidatesQuery, type CandidateRow, type ContentChecks, type NearIndexRow } from "../store/posts";
import type { Deps } from "../app";
import { flagContent } from "../domain/flags";
import { bandKeys, ITEM_TYPES, itemTypeCode, signature, similarity, type ItemType } from "../domain/minhash";
import { bytes, bytesToUuid } from "../lib/encoding";

/** Candidates read per write: the LSH buckets already make these the likeliest look-alikes. */
const CANDIDATES = 50;

// The index keeps NEAR_DUPLICATE_RETENTION_DAYS of posts and comments: a signature row (type, id,
// time, 64 bytes) and 12 band keys in a WITHOUT ROWID table of integers. An item older than the
// window is no longer matched; the cron prunes it a chunk at a time.

/** The signature row and its band keys, as statements for a D1 write's own batch. */
function indexStatements(deps: Deps, type: ItemType, sig: Uint8Array, itemId: string, createdAt: number) {
  return nearIndexStatements(schema, deps.db, { itemType: itemTypeCode(type), itemId, createdAt, signature: sig, bandKeys: bandKeys(type, sig) });
}

/**
 * Everything a new post or comment is checked for at write time, in two halves: `near` (which LSH
 * buckets to read, within the retention window) goes into the write's checks, and `judge` turns the
 * candidate rows read into the item's flags — near_duplicate when an earlier item by any agent
 * reaches NEAR_DUPLICATE_THRESHOLD — and its index entry for the item's own write.
 * `queries` is the same read on D1's builder, for the services not yet behind the store.
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
      indexRows: (itemId: string, createdAt: number) => (sig ? indexStatements(deps, type, sig, itemId, createdAt) : []),
    };
  };
  return {
    near,
    judge,
    // Built on first use: deps.db exists only on D1.
    get queries() {
      return near ? [candidatesQuery(d1Portable(deps), deps.db, near)] : [];
    },
  };
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
    const oldest = await deps.d1
      .prepare(`SELECT id, item_type, signature, created_at FROM near_signatures ORDER BY id LIMIT ${PRUNE_CHUNK}`)
      .all<{ id: number; item_type: number; signature: ArrayBuffer | number[]; created_at: number }>();
    const due = oldest.results.findIndex((r) => r.created_at >= cutoff);
    const old = due === -1 ? oldest.results : oldest.results.slice(0, due);
    if (old.length === 0) break;
    const pairs = old.flatMap((r) => bandKeys(ITEM_TYPES[r.item_type]!, bytes(r.signature)).map((key) => [key, r.id]));
    await deps.d1.batch([
      deps.d1.prepare("DELETE FROM near_bands WHERE (key, signature_id) IN (SELECT j.value ->> 0, j.value ->> 1 FROM json_each(?) j)").bind(JSON.stringify(pairs)),
      deps.d1.prepare("DELETE FROM near_signatures WHERE id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(old.map((r) => r.id))),
    ]);
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
    const queued = await deps.d1
      .prepare(
        `SELECT q.item_type, q.item_id, coalesce(p.title, '') AS title, coalesce(p.content, c.content) AS content, coalesce(p.created_at, c.created_at) AS created_at
         FROM (SELECT item_type, item_id FROM near_backfill ORDER BY item_type, item_id LIMIT ${BACKFILL_CHUNK}) q
         LEFT JOIN posts p ON q.item_type = 0 AND p.id = q.item_id AND p.is_deleted = 0
         LEFT JOIN comments c ON q.item_type = 1 AND c.id = q.item_id AND c.is_deleted = 0`,
      )
      .all<{ item_type: number; item_id: string; title: string; content: string | null; created_at: number | null }>();
    if (queued.results.length === 0) break;
    const writes = queued.results.flatMap((r) => {
      const type = ITEM_TYPES[r.item_type]!;
      const sig = r.created_at != null && r.created_at >= cutoff ? signature(comparedText(type, r)) : null;
      return sig ? indexStatements(deps, type, sig, r.item_id, r.created_at!) : [];
    });
    const done = deps.db.delete(nearBackfill).where(sql`(item_type, item_id) IN (SELECT j.value ->> 0, j.value ->> 1 FROM json_each(${JSON.stringify(queued.results.map((r) => [r.item_type, r.item_id]))}) j)`);
    await deps.db.batch([done, ...writes]);
    signed += writes.length / 2;
    if (queued.results.length < BACKFILL_CHUNK) break;
  }
  return signed;
}
