import { sql } from "drizzle-orm";
import type { Portable } from "../portable";
import type { NearStore } from "../near";
import { nearIndexStatements } from "./posts";

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
