import { sql } from "drizzle-orm";
import { contentBands, contentSignatures } from "../../schema";
import type { Deps } from "../app";
import { flagContent } from "../domain/flags";
import { bands, signature, similarity } from "../domain/minhash";
import { bytes } from "../lib/encoding";

/** Candidates read per write: the LSH buckets already make these the likeliest look-alikes. */
const CANDIDATES = 50;

/**
 * Looks for an earlier post (or comment) whose text is nearly the same, by any agent. Returns the
 * original's id when the estimated similarity reaches NEAR_DUPLICATE_THRESHOLD, and the index rows
 * for the new item, to go into the same batch as the item itself.
 */
export async function nearDuplicateOf(deps: Deps, type: "post" | "comment", text: string) {
  const sig = signature(text);
  if (!sig) return { originalId: null, indexRows: () => [] };
  const keys = bands(sig);
  const rows = await deps.d1
    .prepare(
      `SELECT s.item_id, s.signature, s.created_at FROM content_bands b JOIN content_signatures s ON s.item_id = b.item_id
       WHERE b.band IN (${keys.map(() => "?").join(",")}) AND s.item_type = ? GROUP BY s.item_id ORDER BY count(*) DESC LIMIT ${CANDIDATES}`,
    )
    .bind(...keys, type)
    .all<{ item_id: string; signature: ArrayBuffer | number[]; created_at: number }>();
  const threshold = deps.config.NEAR_DUPLICATE_THRESHOLD;
  const original = rows.results
    .filter((r) => similarity(sig, new Uint32Array(bytes(r.signature).slice().buffer)) >= threshold)
    .sort((a, b) => a.created_at - b.created_at)[0];
  return {
    originalId: original?.item_id ?? null,
    indexRows: (itemId: string, createdAt: number) => [
      deps.db.insert(contentSignatures).values({ itemId, itemType: type, createdAt, signature: sql`${new Uint8Array(sig.buffer)}` }),
      deps.db.insert(contentBands).values(keys.map((band) => ({ band, itemId }))),
    ],
  };
}

/** Everything a new post or comment is checked for at write time: its flags, near duplicates included. */
export async function assessContent(deps: Deps, type: "post" | "comment", text: string, url?: string | null) {
  const report = flagContent(text, url);
  const near = await nearDuplicateOf(deps, type, text);
  if (near.originalId) {
    report.flags.push("near_duplicate");
    report.details.duplicate_of = near.originalId;
  }
  return { flags: JSON.stringify(report.flags), flagDetails: JSON.stringify(report.details), indexRows: near.indexRows };
}
