import { and, asc, eq, sql } from "drizzle-orm";
import type { Portable } from "./portable";
import type { NearIndexRow } from "./posts";

/** A stored signature, oldest first (ids grow with time). */
export interface StoredSignature {
  id: number;
  itemType: number;
  signature: ArrayBuffer | number[] | Uint8Array;
  createdAt: number;
}

/** An item a migration queued for signing, with its text if it is still live. */
export interface QueuedItem {
  itemType: number;
  itemId: string;
  title: string;
  content: string | null;
  createdAt: number | null;
}

/** The near-duplicate index's upkeep (the writes' own index rows go with each write). */
export interface NearStore {
  oldest(limit: number): Promise<StoredSignature[]>;
  /** Deletes signatures with their band rows, all or nothing. */
  prune(bands: [key: number, signatureId: number][], signatureIds: number[]): Promise<void>;
  backfillQueue(limit: number): Promise<QueuedItem[]>;
  /** Takes items off the backfill queue and writes the index rows of those signed, all or nothing. */
  finishBackfill(done: { itemType: number; itemId: string }[], rows: NearIndexRow[]): Promise<void>;
}

/** The upkeep's reads, the same on both stores; `writes` are each adapter's (array parameters differ). */
export function nearStore(p: Portable, writes: Pick<NearStore, "prune" | "finishBackfill">): NearStore {
  const { nearSignatures: s, nearBackfill: b, posts, comments } = p.t;
  return {
    oldest: (limit) => p.db.select({ id: s.id, itemType: s.itemType, signature: s.signature, createdAt: s.createdAt }).from(s).orderBy(asc(s.id)).limit(limit),
    backfillQueue(limit) {
      const q = p.db.select({ itemType: b.itemType, itemId: b.itemId }).from(b).orderBy(asc(b.itemType), asc(b.itemId)).limit(limit).as("queued");
      return p.db
        .select({
          itemType: q.itemType,
          itemId: q.itemId,
          title: sql<string>`coalesce(${posts.title}, '')`,
          content: sql<string | null>`coalesce(${posts.content}, ${comments.content})`,
          createdAt: sql<number | null>`coalesce(${posts.createdAt}, ${comments.createdAt})`,
        })
        .from(q)
        .leftJoin(posts, and(sql`${q.itemType} = 0`, eq(posts.id, q.itemId), sql`${posts.isDeleted} = 0`))
        .leftJoin(comments, and(sql`${q.itemType} = 1`, eq(comments.id, q.itemId), sql`${comments.isDeleted} = 0`));
    },
    ...writes,
  };
}
