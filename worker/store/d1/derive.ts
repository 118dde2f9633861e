import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { nearIndexStatements } from "./near";
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
    // From the index's own content views (live rows only), so the text indexed is the text they hold.
    const fts =
      d.type === "post"
        ? db.insert(postsFts).select(sql`SELECT rid, title, content FROM posts_search_text WHERE rid = (SELECT rowid FROM posts WHERE id = ${d.id}) AND ${onlyIf}`)
        : db.insert(commentsFts).select(sql`SELECT rid, content FROM comments_search_text WHERE rid = (SELECT rowid FROM comments WHERE id = ${d.id}) AND ${onlyIf}`);
    return [
      ...(d.live ? [fts] : []),
      ...(d.nearIndex ? nearIndexStatements(t, db, d.nearIndex, onlyIf) : []),
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
