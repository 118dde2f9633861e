import { sql, type SQL } from "drizzle-orm";
import type { PostView } from "../converters/post";

export type KeyedSort = "hot" | "new" | "top";

export interface PostFilter {
  submoltId?: string;
  /** The submolt by name, looked up inside the listing's own statement. */
  submoltName?: string;
  authorId?: string;
  /** Posts from the agent's subscriptions and follows ("all") or follows only. */
  feedOf?: { agentId: string; filter: "all" | "following" };
}

/** Each keyed sort's columns, all descending, id last as the tie-break. */
export const SORT_COLUMNS = {
  hot: ["hot", "id"],
  new: ["created_at", "id"],
  top: ["score", "created_at", "id"],
} as const satisfies Record<KeyedSort, readonly string[]>;

/** A sort's key columns as `alias.column, …`, optionally with DESC: for the merged listings' raw SQL. */
export const keysOf = (sort: KeyedSort, alias: string, suffix = "") => sql.raw(SORT_COLUMNS[sort].map((c) => `${alias}.${c}${suffix}`).join(", "));
/** Bound values as a row value's elements. */
export const valuesOf = (values: unknown[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);

/** What one source's range of a merged listing keeps (alias y): live posts, in the window, after the cursor. */
export function sourceRange(sort: KeyedSort, since: number | null, after: unknown[] | null): SQL {
  const range: SQL[] = [sql`y.is_deleted = 0`];
  if (since !== null) range.push(sql`y.created_at > ${since}`);
  if (after) range.push(sql`(${keysOf(sort, "y")}) < (${valuesOf(after)})`);
  return sql.join(range, sql` AND `);
}

/** A page of a listing in a keyed sort: after a cursor's keys, or at an offset. */
export interface PageQuery {
  filter: PostFilter;
  sort: KeyedSort;
  /** Only posts created after this (top of a window). */
  since: number | null;
  /** The previous page's last keys (cursor), or null. */
  after: unknown[] | null;
  limit: number;
  offset: number;
  viewerId: string | null;
  now: number;
}

/** The newest posts since a time (candidates ranked in memory: rising). */
export interface RecentQuery {
  filter: PostFilter;
  since: number;
  limit: number;
  viewerId: string | null;
}

export interface ListingStore {
  /** A page of a keyed listing: limit + 1 rows, so the caller can tell whether more follow. Every read is an index range scan. */
  page(q: PageQuery): Promise<PostView[]>;
  recent(q: RecentQuery): Promise<PostView[]>;
}

export type { PostView };
