import { getTableColumns, sql, type SQL } from "drizzle-orm";
import { comments, type CommentRow } from "../../schema";
import type { CommentView } from "../converters/comment";
import type { CommentSort } from "./comments";
import type { Dialect } from "./dialect";
import type { Builder } from "./portable";

// A page of a thread (API.md §6): one list (a post's roots, or one comment's direct replies) read
// from its own index after a cursor, and below each comment on the page its first replies, breadth
// first, within a budget. What it reads depends on the page and the budget, never on the thread's
// size; whatever a page leaves out is listed by its parent (`reply_count` says how many there are).

/** Direct replies shown under each comment of a page (the rest: `parent_id` listings). */
export const REPLIES_SHOWN = 5;
/** Comments one page holds at most, its list and the replies below it together. */
export const PAGE_BUDGET = 100;

/** Where a list continues: the last comment's sort key (score or controversy; none for new/old) and id. */
export type ThreadAfter = { key: number | null; id: string };

export interface ThreadRequest {
  postId: string;
  /** null: the post's roots; else this comment's direct replies. */
  parentId: string | null;
  sort: CommentSort;
  after: ThreadAfter | null;
  /** Roots skipped (the pages' ?page=, and offset without a cursor): read and passed over. */
  offset: number;
  limit: number;
  viewerId: string | null;
}

export interface ThreadRows {
  /** The post is live. */
  post: boolean;
  /** The listed comment's direct replies, or the post's live comments; null when the parent is not on this post. */
  total: number | null;
  /** Every comment the page shows, and one more of the list when it goes on: any order. */
  views: CommentView[];
}

/** The column a sort ranks by before the id (descending), or null when the id alone orders it. */
export const sortKey = (sort: CommentSort): "score" | "controversy" | null => (sort === "controversial" ? "controversy" : sort === "new" || sort === "old" ? null : "score");

/** `ORDER BY` of a sort over comments aliased `alias`. */
function orderBy(sort: CommentSort, alias: string): SQL {
  const key = sortKey(sort);
  if (key) return sql.raw(`${alias}.${key} DESC, ${alias}.id ASC`);
  return sql.raw(`${alias}.id ${sort === "new" ? "DESC" : "ASC"}`);
}

/** The comments table's columns, by SQL name, in table order (a page carries whole rows). */
const COLUMNS = Object.values(getTableColumns(comments)).map((c) => c.name);
const columns = (alias: string) => sql.raw(COLUMNS.map((c) => `${alias}.${c}`).join(", "));

/**
 * The page's list after the cursor, in order, whole rows: at most limit + 1 (one more tells that
 * the list goes on). A cursor in a ranked sort is two index seeks, the rest of the cursor's key and
 * then the keys below it, read in that order, so a thread where thousands of comments share a score
 * still seeks rather than walks (both engines run a UNION ALL's parts in turn and stop at its LIMIT).
 */
function listAfter(r: ThreadRequest): SQL {
  const listing = r.parentId === null ? sql`c.post_id = ${r.postId} AND c.parent_id IS NULL` : sql`c.parent_id = ${r.parentId}`;
  const key = sortKey(r.sort);
  const take = r.limit + 1;
  const cols = columns("c");
  if (!r.after) return sql`SELECT ${cols} FROM comments c WHERE ${listing} ORDER BY ${orderBy(r.sort, "c")} LIMIT ${take} OFFSET ${r.offset}`;
  if (!key) return sql`SELECT ${cols} FROM comments c WHERE ${listing} AND c.id ${sql.raw(r.sort === "new" ? "<" : ">")} ${r.after.id} ORDER BY ${orderBy(r.sort, "c")} LIMIT ${take}`;
  const k = sql.raw(`c.${key}`);
  return sql`SELECT * FROM (SELECT ${cols} FROM comments c WHERE ${listing} AND ${k} = ${r.after.key} AND c.id > ${r.after.id} ORDER BY c.id LIMIT ${take}) AS same_key
    UNION ALL SELECT * FROM (SELECT ${cols} FROM comments c WHERE ${listing} AND ${k} < ${r.after.key} ORDER BY ${orderBy(r.sort, "c")} LIMIT ${take}) AS lower_keys LIMIT ${take}`;
}

/** The author and the viewer's vote beside each row of `alias`. */
const extras = (dialect: Dialect, alias: string, viewerId: string | null) =>
  sql`${dialect.jsonObject({ id: sql.raw("a.id"), name: sql.raw("a.name"), displayName: sql.raw("a.display_name"), karma: sql.raw("a.karma"), avatarUrl: sql.raw("a.avatar_url") })} AS author_json,
    ${viewerId === null ? sql`NULL` : sql`(SELECT v.value FROM votes v WHERE v.agent_id = ${viewerId} AND v.target_id = ${sql.raw(alias)}.id)`} AS user_vote`;

/**
 * The comments a page shows, whole rows with their authors and the viewer's votes: its list (with
 * the one more that tells whether it goes on) and below them their replies, the first
 * REPLIES_SHOWN of each comment in the sort's order, PAGE_BUDGET comments in all.
 *
 * Both engines walk the tree in the same steps, breadth first over two moves: from a comment to its
 * first reply, and from a reply to its next sibling (index seeks from the sibling's key). SQLite's
 * recursive queue is first in, first out; PostgreSQL's recursion goes a step at a time over all it
 * has, each comment's first reply before its next sibling, in order: the same sequence, so both
 * stop at the same comment and both stores answer the same page. The list's comments come first,
 * then each one's first reply, then second replies and replies to replies, so a busy page gives
 * every comment on it a reply before any gets many. Each row is read once, on the step that finds
 * it. (The one more's replies, read while the budget lasts, are dropped with it.)
 */
export function threadRows(engine: "sqlite" | "postgres", dialect: Dialect, r: ThreadRequest): SQL {
  const key = sortKey(r.sort);
  // A list longer than the budget shows no replies, but all of itself and the one more.
  const budget = Math.max(PAGE_BUDGET, r.limit + 1);
  // A step's candidates: the comment's first reply, and a reply's next sibling (in a ranked sort,
  // the rest of its key, else the keys below it). `sib`: 0 on the list, n on the n-th reply shown.
  const step = (what: string, where: string, order: SQL) => sql`SELECT ${sql.raw(what)} FROM comments r WHERE ${sql.raw(where)} ORDER BY ${order} LIMIT 1`;
  const firstReply = (what: string) => step(what, "tree.reply_count > 0 AND r.parent_id = tree.id", orderBy(r.sort, "r"));
  const siblings = `tree.sib BETWEEN 1 AND ${REPLIES_SHOWN - 1} AND r.parent_id = tree.parent_id`;
  const nextSibling = (what: string) =>
    key
      ? [step(what, `${siblings} AND r.${key} = tree.${key} AND r.id > tree.id`, sql.raw("r.id")), step(what, `${siblings} AND r.${key} < tree.${key}`, orderBy(r.sort, "r"))]
      : [step(what, `${siblings} AND r.id ${r.sort === "new" ? "<" : ">"} tree.id`, orderBy(r.sort, "r"))];
  const select = (from: SQL) => sql`SELECT ${columns("t")}, ${extras(dialect, "t", r.viewerId)} FROM ${from} LEFT JOIN agents a ON a.id = t.author_id`;
  if (engine === "postgres") {
    const row = COLUMNS.map((c) => `r.${c}`).join(", ");
    const [same, lower] = nextSibling(`${row}, tree.sib + 1 AS sib`);
    const next = lower ? sql`SELECT * FROM ((${same}) UNION ALL (${lower})) AS s LIMIT 1` : same!;
    return sql`WITH RECURSIVE tree AS (
      SELECT page.*, 0 AS sib FROM (${listAfter(r)}) AS page
      UNION ALL SELECT n.* FROM tree CROSS JOIN LATERAL ((${firstReply(`${row}, 1 AS sib`)}) UNION ALL (${next})) AS n)
    ${select(sql`(SELECT * FROM tree LIMIT ${budget}) AS t`)}`;
  }
  const [same, lower] = nextSibling("r.rowid");
  const next = lower ? sql`coalesce((${same}), (${lower}))` : sql`(${same})`;
  return sql`WITH RECURSIVE tree AS (
      SELECT ${columns("l")}, 0 AS sib FROM (${listAfter(r)}) AS l
      UNION ALL SELECT ${columns("c")}, 1 FROM tree JOIN comments c ON c.rowid = (${firstReply("r.rowid")})
      UNION ALL SELECT ${columns("c")}, tree.sib + 1 FROM tree JOIN comments c ON c.rowid = ${next}
      LIMIT ${budget})
    ${select(sql`tree AS t`)}`;
}

const PROPS = Object.entries(getTableColumns(comments)).map(([prop, col]) => [prop, col.name] as const);

/**
 * A page of a thread as a select both adapters run like any other (D1 in a batch): threadRows as a
 * subquery, each column as the table's property, so the rows map without the driver's help.
 */
export const threadPageQuery = (db: Builder, engine: "sqlite" | "postgres", dialect: Dialect, r: ThreadRequest) =>
  db
    .select({
      ...(Object.fromEntries(PROPS.map(([prop, name]) => [prop, sql`t.${sql.raw(name)}`])) as Record<keyof CommentRow, SQL>),
      authorJson: sql<string | null>`t.author_json`,
      userVote: sql<number | null>`t.user_vote`,
    })
    .from(sql`(${threadRows(engine, dialect, r)}) AS t`);

/** Rows of threadPageQuery as views; a comment whose author is gone is left out, as everywhere. */
export function asThreadViews(rows: Awaited<ReturnType<typeof threadPageQuery>>): CommentView[] {
  return rows.flatMap(({ authorJson, userVote, ...fields }) => {
    if (authorJson == null) return [];
    const comment = fields as unknown as CommentRow;
    comment.isDeleted = Number(fields.isDeleted) === 1;
    return [{ comment, author: JSON.parse(authorJson) as CommentView["author"], userVote: userVote == null ? null : Number(userVote) }];
  });
}
