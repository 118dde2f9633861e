import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { uuidToBytes } from "../../lib/encoding";
import { derivedRows, portableDerive, type DeriveStore, type DerivedItem } from "../derive";
import type { Portable } from "../portable";

// The keyword index's FTS5 tables (migrations/0006), as drizzle inserts into them: rowid is the item row's.
const postsFts = sqliteTable("posts_fts", { rowid: integer("rowid"), title: text("title"), content: text("content") });
const commentsFts = sqliteTable("comments_fts", { rowid: integer("rowid"), content: text("content") });

/**
 * The derive pass on D1: every item's rows in one batch, each statement guarded by the item's outbox
 * row still being 'create' and the last one turning it into 'upsert'. A D1 batch runs alone, so of
 * two passes that read the same rows (two isolates, or one and the cron) the second writes nothing.
 */
export function d1Derive(p: Portable): DeriveStore {
  const { db, t } = p;
  const statements = (d: DerivedItem): BatchItem<"sqlite">[] => {
    // The row by id and target: an id is reused once the newest row is gone (migration 0022).
    const onlyIf = sql`EXISTS (SELECT 1 FROM ${t.searchOutbox} o WHERE o.id = ${d.outboxId} AND o.target_id = ${d.id} AND o.op = 'create')`;
    const fts =
      d.type === "post"
        ? db.insert(postsFts).select(sql`SELECT rowid, title, coalesce(content, '') || ' ' || coalesce(url, '') FROM posts WHERE id = ${d.id} AND is_deleted = 0 AND ${onlyIf}`)
        : db.insert(commentsFts).select(sql`SELECT rowid, content FROM comments WHERE id = ${d.id} AND is_deleted = 0 AND ${onlyIf}`);
    const near = d.nearIndex;
    return [
      ...(d.live ? [fts] : []),
      ...(near
        ? [
            db.insert(t.nearSignatures).select(sql`SELECT NULL, ${near.itemType}, ${uuidToBytes(near.itemId)}, ${near.createdAt}, ${near.signature} WHERE ${onlyIf}`),
            // The signature just inserted has the highest id (ids only grow, and a D1 batch runs alone).
            db.insert(t.nearBands).select(sql`SELECT value, (SELECT max(id) FROM near_signatures) FROM json_each(${JSON.stringify(near.bandKeys)}) WHERE ${onlyIf}`),
          ]
        : []),
      ...derivedRows(p, db, d, onlyIf),
      db.update(t.searchOutbox).set({ op: "upsert", attempts: 0, lastError: null }).where(and(eq(t.searchOutbox.id, d.outboxId), eq(t.searchOutbox.targetId, d.id), eq(t.searchOutbox.op, "create"))),
    ];
  };
  return {
    ...portableDerive(p),
    async apply(items) {
      const all = items.flatMap(statements);
      if (all.length) await db.batch(all as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    },
  };
}
