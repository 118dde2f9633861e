import { sql } from "drizzle-orm";
import { pgArray } from "../dialect";
import { derivedRows, portableDerive, type DeriveStore } from "../derive";
import type { Portable } from "../portable";
import type { PgDb } from "./client";
import { insertNearIndex } from "./posts";

/**
 * The derive pass on PostgreSQL: one transaction that first claims the items' outbox rows (turning
 * them into upserts; a concurrent pass waits on their locks, then finds them claimed) and writes
 * the derived rows of the items it claimed.
 */
export function pgDerive(p: Portable): DeriveStore {
  return {
    ...portableDerive(p),
    async apply(items) {
      if (items.length === 0) return;
      await (p.db as unknown as PgDb).transaction(async (tx) => {
        const claimed = await tx.execute<{ id: number; target_id: string }>(
          sql`UPDATE search_outbox SET op = 'upsert', attempts = 0, last_error = NULL WHERE id = ANY(${pgArray(items.map((d) => d.outboxId))}::bigint[]) AND op = 'create' RETURNING id, target_id`,
        );
        const mine = new Set([...claimed].map((r) => `${r.id} ${r.target_id}`));
        for (const d of items.filter((i) => mine.has(`${i.outboxId} ${i.id}`))) {
          if (d.nearIndex) await insertNearIndex(tx as never, d.nearIndex);
          for (const statement of derivedRows(p, tx as never, d, sql`TRUE`)) await statement;
        }
      });
    },
  };
}
