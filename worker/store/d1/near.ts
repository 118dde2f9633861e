import { sql, type SQL } from "drizzle-orm";
import type * as schema from "../../../schema";
import { uuidToBytes } from "../../lib/encoding";
import type { Builder, Portable } from "../portable";
import type { NearStore } from "../near";
import type { NearIndexRow } from "../posts";

/**
 * A near-duplicate index entry (its signature, then its band keys) as two statements of a batch,
 * written only if `onlyIf` holds when the batch runs (the derive pass's guard; the backfill's TRUE).
 */
export function nearIndexStatements(t: typeof schema, db: Builder, row: NearIndexRow, onlyIf: SQL = sql`TRUE`) {
  return [
    db.insert(t.nearSignatures).select(sql`SELECT NULL, ${row.itemType}, ${uuidToBytes(row.itemId)}, ${row.createdAt}, ${row.signature} WHERE ${onlyIf}`),
    // The signature just inserted has the highest id (ids only grow, and a D1 batch runs alone).
    db.insert(t.nearBands).select(sql`SELECT value, (SELECT max(id) FROM near_signatures) FROM json_each(${JSON.stringify(row.bandKeys)}) WHERE ${onlyIf}`),
  ];
}

/** Id lists as one JSON parameter each (D1 binds at most 100). */
export const d1NearWrites = (p: Portable, d1: D1Database): Pick<NearStore, "prune" | "finishBackfill"> => ({
  async prune(bands, signatureIds) {
    await d1.batch([
      d1.prepare("DELETE FROM near_bands WHERE (key, signature_id) IN (SELECT j.value ->> 0, j.value ->> 1 FROM json_each(?) j)").bind(JSON.stringify(bands)),
      d1.prepare("DELETE FROM near_signatures WHERE id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(signatureIds)),
    ]);
  },
  async finishBackfill(done, rows) {
    const queued = JSON.stringify(done.map((d) => [d.itemType, d.itemId]));
    await p.atomic((db) => [
      db.delete(p.t.nearBackfill).where(sql`(item_type, item_id) IN (SELECT j.value ->> 0, j.value ->> 1 FROM json_each(${queued}) j)`),
      ...rows.flatMap((r) => nearIndexStatements(p.t, db, r)),
    ]);
  },
});
