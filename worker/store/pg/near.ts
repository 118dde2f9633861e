import { sql } from "drizzle-orm";
import { pgArray } from "../dialect";
import type { NearStore } from "../near";
import type { Portable } from "../portable";
import type { PgDb } from "./client";
import { insertNearIndex } from "./posts";

/** Pairs as two parallel arrays, unnested together. */
export const pgNearWrites = (p: Portable): Pick<NearStore, "prune" | "finishBackfill"> => ({
  async prune(bands, signatureIds) {
    await (p.db as unknown as PgDb).transaction(async (tx) => {
      await tx.execute(
        sql`DELETE FROM near_bands WHERE (key, signature_id) IN (SELECT * FROM unnest(${pgArray(bands.map((b) => b[0]))}::bigint[], ${pgArray(bands.map((b) => b[1]))}::bigint[]))`,
      );
      await tx.execute(sql`DELETE FROM near_signatures WHERE id = ANY(${pgArray(signatureIds)}::bigint[])`);
    });
  },
  async finishBackfill(done, rows) {
    await (p.db as unknown as PgDb).transaction(async (tx) => {
      await tx.execute(
        sql`DELETE FROM near_backfill WHERE (item_type, item_id) IN (SELECT * FROM unnest(${pgArray(done.map((d) => d.itemType))}::bigint[], ${pgArray(done.map((d) => d.itemId))}::text[]))`,
      );
      for (const row of rows) await insertNearIndex(tx as never, row);
    });
  },
});
