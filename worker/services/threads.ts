import type { Deps } from "../app";
import { commentJson, type CommentJson, type CommentView } from "../converters/comment";
import { decodeCursorParts, encodeCursor } from "../domain/cursor";
import { badRequest, notFound } from "../errors";
import type { CommentSort } from "../store/comments";
import { sortKey, type ThreadAfter, type ThreadRequest, type ThreadRows } from "../store/thread";
import { postNotFound, readPost } from "./posts";

/**
 * A page of a thread (API.md §6): a post's roots, or with `parentId` one comment's direct replies,
 * in the sort's order, paged by cursor; under each comment its first replies (store/thread.ts says
 * how many). Every comment carries reply_count, so one whose `replies` holds fewer is listed with
 * its id as `parentId`, and every comment of any thread can be reached.
 */
export type ThreadOptions = { sort: CommentSort; limit: number; cursor?: string; offset: number; viewerId: string | null; parentId?: string };

export interface ThreadPage {
  comments: CommentJson[];
  /** The post's live comments, or the parent's direct replies. */
  count: number;
  hasMore: boolean;
  nextCursor: string | null;
}

const SORTS: readonly CommentSort[] = ["best", "top", "new", "old", "controversial"];
const commentNotFound = () => notFound("Comment", "parent_id must be a comment on this post; list the post's roots without it.");

export async function listThread(deps: Deps, postId: string, o: ThreadOptions): Promise<ThreadPage> {
  const r = request(postId, o);
  const rows = await deps.store.comments.thread(r);
  if (!rows.post) throw postNotFound();
  if (rows.total === null) throw commentNotFound();
  return assemble(r, rows);
}

/** A post with the first page of its comments (best first), in one call. */
export async function postWithThread(deps: Deps, id: string, viewerId: string | null) {
  const r = request(id, { sort: "best", limit: 35, offset: 0, viewerId });
  const found = await deps.store.comments.postWithThread(r);
  // Missing or removed: readPost says which (404, or 410 with the moderators' reason).
  const view = found.view ?? (await readPost(deps, id, viewerId));
  return { view, thread: assemble(r, found.thread) };
}

function request(postId: string, o: ThreadOptions): ThreadRequest {
  const parentId = o.parentId ?? null;
  const after = o.cursor ? decodeThreadCursor(o.cursor, o.sort, parentId ?? postId) : null;
  return { postId, parentId, sort: o.sort, after, offset: after ? 0 : o.offset, limit: o.limit, viewerId: o.viewerId };
}

/**
 * A cursor names its list (sort, and the post or parent it lists) and where it stopped there: one
 * from another list is refused rather than answered with a page of this one.
 */
function decodeThreadCursor(cursor: string, sort: CommentSort, listing: string): ThreadAfter {
  const keyed = sortKey(sort) !== null;
  const parts = decodeCursorParts(cursor);
  const [cursorSort, cursorListing] = parts;
  if (!SORTS.includes(cursorSort as CommentSort) || typeof cursorListing !== "string") throw badRequest("Invalid cursor", "Pass next_cursor exactly as a previous page returned it.");
  if (cursorListing !== listing) {
    throw badRequest("Cursor from another listing", "This cursor continues another list (another post's comments, or another comment's replies): ask with the parent_id it came from, or without a cursor to start over.");
  }
  if (cursorSort !== sort) throw badRequest("Cursor from another listing", `This cursor continues this list in sort=${String(cursorSort)}: ask with that sort, or without a cursor to start over.`);
  const key = keyed ? parts[2] : null;
  const id = parts.at(-1);
  if (parts.length !== (keyed ? 4 : 3) || (keyed && typeof key !== "number") || typeof id !== "string") throw badRequest("Invalid cursor", "Pass next_cursor exactly as a previous page returned it, with the same sort.");
  return { key: key as number | null, id };
}

/** Siblings in the sort's order: its key descending, then id (creation order) as the sort says. */
function compare(sort: CommentSort) {
  const key = sortKey(sort);
  return (a: CommentView, b: CommentView) => {
    if (key && a.comment[key] !== b.comment[key]) return b.comment[key] - a.comment[key];
    const byId = a.comment.id < b.comment.id ? -1 : a.comment.id > b.comment.id ? 1 : 0;
    return sort === "new" ? -byId : byId;
  };
}

/** The page's comments as a tree: the list in order, each comment with the replies the page holds. */
function assemble(r: ThreadRequest, rows: ThreadRows): ThreadPage {
  const order = compare(r.sort);
  const children = new Map<string | null, CommentView[]>();
  for (const view of rows.views) {
    const siblings = children.get(view.comment.parentId) ?? [];
    siblings.push(view);
    children.set(view.comment.parentId, siblings);
  }
  const tree = (view: CommentView): CommentJson => ({ ...commentJson(view), replies: (children.get(view.comment.id) ?? []).sort(order).map(tree) });
  const list = (children.get(r.parentId) ?? []).sort(order);
  const hasMore = list.length > r.limit;
  const page = list.slice(0, r.limit);
  const last = page.at(-1)?.comment;
  const key = sortKey(r.sort);
  const nextCursor = hasMore && last ? encodeCursor([r.sort, r.parentId ?? r.postId, ...(key ? [last[key]] : []), last.id]) : null;
  return { comments: page.map(tree), count: rows.total ?? 0, hasMore, nextCursor };
}
