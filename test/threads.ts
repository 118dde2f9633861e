// Threads built in bulk rows (not through the API, which would take minutes for 20,000 comments):
// a shape described by a list of nodes, inserted in chunks of plain SQL both stores run, with the
// counters the write path keeps (each comment's reply_count, the post's comment_count) set to match.
import { run, storage } from "./db";

export interface Node {
  id: string;
  parentId: string | null;
  depth: number;
  score: number;
  controversy: number;
  deleted: boolean;
}

export type CommentSortName = "best" | "top" | "new" | "old" | "controversial";
export const SORTS: CommentSortName[] = ["best", "top", "new", "old", "controversial"];

/**
 * A thread of `size` comments tagged `tag`: `roots` roots take most of it, one root has `fan` direct
 * replies (pages of its own), one is a chain down to depth 10, and every `nestEvery`-th reply has
 * two replies of its own. Scores repeat a few values (ties decide by id), every 37th is deleted.
 */
export function threadShape(tag: string, size: number, { roots, fan, nestEvery = 4 }: { roots: number; fan: number; nestEvery?: number }): Node[] {
  const nodes: Node[] = [];
  const add = (parent: Node | null) => {
    const i = nodes.length;
    const node: Node = {
      id: `${tag}-${i.toString().padStart(6, "0")}`,
      parentId: parent?.id ?? null,
      depth: parent ? parent.depth + 1 : 0,
      score: (i * 7) % 5 - 1,
      controversy: (i % 4) * 0.75,
      deleted: i % 37 === 36,
    };
    nodes.push(node);
    return node;
  };
  const rootNodes: Node[] = [];
  for (let r = 0; r < Math.min(roots, size); r++) rootNodes.push(add(null));
  const [wide, deep] = rootNodes;
  for (let i = 0; i < fan && nodes.length < size && wide; i++) add(wide);
  for (let d = deep, k = 0; d && k < 10 && nodes.length < size; k++) d = add(d);
  // The rest spread over the roots, some with two replies of their own.
  for (let i = 0; nodes.length < size; i++) {
    const reply = add(rootNodes[2 + (i % Math.max(1, rootNodes.length - 2))] ?? rootNodes[0]!);
    if (i % nestEvery === 0) for (let k = 0; k < 2 && nodes.length < size; k++) add(reply);
  }
  return nodes;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Inserts the nodes as comments on `postId` by `authorId`, ids in creation order, and sets the counters. */
export async function insertThread(postId: string, authorId: string, nodes: Node[]) {
  const replies = new Map<string, number>();
  for (const n of nodes) if (n.parentId) replies.set(n.parentId, (replies.get(n.parentId) ?? 0) + 1);
  const start = Date.now() - nodes.length * 1000;
  for (let i = 0; i < nodes.length; i += 250) {
    const values = nodes.slice(i, i + 250).map((n, k) => {
      const at = start + (i + k) * 1000;
      return `(${[quote(n.id), quote(postId), n.parentId ? quote(n.parentId) : "NULL", quote(authorId), quote(`comment ${n.id}`), n.depth, Math.max(n.score, 0), Math.max(-n.score, 0), n.score, n.controversy, replies.get(n.id) ?? 0, n.deleted ? 1 : 0, at, at].join(", ")})`;
    });
    await run(`INSERT INTO comments (id, post_id, parent_id, author_id, content, depth, upvotes, downvotes, score, controversy, reply_count, is_deleted, created_at, updated_at) VALUES ${values.join(", ")}`);
  }
  const live = nodes.filter((n) => !n.deleted).length;
  await run(`UPDATE posts SET comment_count = comment_count + ${live} WHERE id = ${quote(postId)}`);
  // PostgreSQL plans a fresh table's rows from statistics it has not gathered yet.
  if (storage === "postgres") await run("ANALYZE comments");
}

/** The direct children of each listing (null: the roots), in `sort`'s order, as the API must list them. */
export function expectedLists(nodes: Node[], sort: CommentSortName): Map<string | null, string[]> {
  const lists = new Map<string | null, Node[]>();
  for (const n of nodes) lists.set(n.parentId, [...(lists.get(n.parentId) ?? []), n]);
  const key = sort === "controversial" ? "controversy" : sort === "new" || sort === "old" ? null : "score";
  const order = (a: Node, b: Node) => {
    if (key && a[key] !== b[key]) return b[key] - a[key];
    return sort === "new" ? (a.id < b.id ? 1 : -1) : a.id < b.id ? -1 : 1;
  };
  return new Map([...lists].map(([parent, list]) => [parent, list.sort(order).map((n) => n.id)]));
}

export type Tree = { id: string; replies: Tree }[];

/**
 * The page the API must answer for a list (API.md §6, worker/store/thread.ts): its first `limit`
 * comments, and below them the comments a walk from the list reaches within `budget`, breadth
 * first over two moves (a comment's first reply; a reply's next sibling, up to `shown` replies).
 * Both stores must answer exactly this, so they answer alike.
 */
export function expectedPage(nodes: Node[], sort: CommentSortName, parent: string | null, limit: number, { budget, shown }: { budget: number; shown: number }): Tree {
  const lists = expectedLists(nodes, sort);
  const parentOf = new Map(nodes.map((n) => [n.id, n.parentId]));
  const list = (lists.get(parent) ?? []).slice(0, limit + 1);
  const queue: { id: string; sib: number }[] = list.map((id) => ({ id, sib: 0 }));
  const reached = new Set<string>();
  while (queue.length && reached.size < Math.max(budget, limit + 1)) {
    const { id, sib } = queue.shift()!;
    reached.add(id);
    const first = lists.get(id)?.[0];
    if (first) queue.push({ id: first, sib: 1 });
    if (sib >= 1 && sib < shown) {
      const siblings = lists.get(parentOf.get(id) ?? null)!;
      const next = siblings[siblings.indexOf(id) + 1];
      if (next) queue.push({ id: next, sib: sib + 1 });
    }
  }
  const tree = (id: string): Tree[number] => ({ id, replies: (lists.get(id) ?? []).filter((c) => reached.has(c)).map(tree) });
  return list.slice(0, limit).map(tree);
}
