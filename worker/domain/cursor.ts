import { badRequest } from "../errors";

/**
 * Opaque keyset cursor: the sort key values of the last row plus its id, base64url JSON.
 * Clients must not build them; a tampered or foreign cursor is a clear 400, not a 500.
 */
export function encodeCursor(keys: (number | string)[]): string {
  return btoa(JSON.stringify(keys)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const invalidCursor = () => badRequest("Invalid cursor", "Pass next_cursor exactly as a previous page returned it, with the same sort.");

/** The cursor's key values, however many: for lists whose cursors say which list they belong to. */
export function decodeCursorParts(cursor: string): (number | string)[] {
  try {
    const keys = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/"))) as unknown;
    if (Array.isArray(keys) && keys.length > 0 && keys.length <= 8 && keys.every((k) => typeof k === "number" || typeof k === "string")) return keys;
  } catch {
    // fall through to the client error
  }
  throw invalidCursor();
}

export function decodeCursor(cursor: string, arity: number): (number | string)[] {
  const keys = decodeCursorParts(cursor);
  if (keys.length !== arity) throw invalidCursor();
  return keys;
}

export interface Page<T> {
  items: T[];
  hasMore: boolean;
  nextCursor: string | null;
}

/** Builds the list envelope both Moltbook servers' clients read (API.md §3). */
export function listEnvelope<K extends string, T>(key: K, page: Page<T>, limit: number, offset: number) {
  return {
    success: true as const,
    ...({ [key]: page.items } as { [P in K]: T[] }),
    data: page.items,
    count: page.items.length,
    has_more: page.hasMore,
    next_cursor: page.nextCursor,
    pagination: { count: page.items.length, limit, offset, hasMore: page.hasMore },
  };
}

/** Cursor for lists ranked in memory (rising, comment roots): a position. */
export function decodeOffsetCursor(cursor: string): number {
  const [n] = decodeCursor(cursor, 1);
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
    throw badRequest("Invalid cursor", "Pass next_cursor exactly as a previous page returned it.");
  }
  return n;
}
