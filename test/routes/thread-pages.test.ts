// Every comment of every thread is reachable by the contract (API.md §6): roots page by next_cursor,
// each comment carries reply_count, and one whose replies the page does not all show is listed with
// parent_id. Threads of 10, 2,000 and 20,000 comments (bulk rows: a wide root, a chain ten deep,
// replies with replies, tied scores, deleted placeholders) are walked so in every sort: each list
// comes back exactly as the sort orders it, no comment repeated or skipped, every one reached.
import { beforeAll, describe, expect, it } from "vitest";
import { call, makeComment, makePost, register, type Registered } from "../helpers";
import { PAGE_BUDGET, REPLIES_SHOWN } from "../../worker/store/thread";
import { expectedLists, expectedPage, insertThread, SORTS, threadShape, type CommentSortName, type Node, type Tree } from "../threads";

type Shown = { id: string; parent_id: string | null; reply_count: number; replies: Shown[] };

let author: Registered;
beforeAll(async () => {
  author = await register();
});

const page = (postId: string, q: Record<string, string>) => call("GET", `/api/v1/posts/${postId}/comments?${new URLSearchParams(q)}`);

/** Walks a thread as a client following the contract: every list by cursor, every partly shown comment by parent_id. */
async function walk(postId: string, sort: CommentSortName, expected: Map<string | null, string[]>) {
  const seen = new Set<string>();
  const queue: (string | null)[] = [null];
  let requests = 0;
  const visit = (c: Shown) => {
    seen.add(c.id);
    // What a page shows under a comment is the start of its list, in order.
    expect(c.replies.map((r) => r.id), `replies of ${c.id}`).toEqual((expected.get(c.id) ?? []).slice(0, c.replies.length));
    expect(c.replies.length).toBeLessThanOrEqual(c.reply_count);
    if (c.replies.length < c.reply_count) queue.push(c.id);
    c.replies.forEach(visit);
  };
  while (queue.length) {
    const parent = queue.shift()!;
    const items: string[] = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const res = await page(postId, { sort, limit: "100", ...(parent ? { parent_id: parent } : {}), ...(cursor ? { cursor } : {}) });
      requests++;
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      expect(res.body.has_more).toBe(res.body.next_cursor !== null);
      for (const c of res.body.comments as Shown[]) {
        expect(c.parent_id).toBe(parent);
        items.push(c.id);
        visit(c);
      }
      cursor = res.body.next_cursor;
    }
    // The list, page after page: exactly the parent's children in the sort's order.
    expect(items, `list of ${parent ?? "roots"} (${sort})`).toEqual(expected.get(parent) ?? []);
  }
  return { seen, requests };
}

describe.each([
  [10, { roots: 3, fan: 2 }],
  [2_000, { roots: 120, fan: 450 }],
  // Mostly long lists (as hot threads are), so a walk is a few hundred pages, not thousands.
  [20_000, { roots: 190, fan: 4_000, nestEvery: 40 }],
] as const)("a thread of %i comments", (size, shape) => {
  let postId = "";
  let nodes: Node[] = [];
  beforeAll(async () => {
    postId = (await makePost(author, "general")).id;
    nodes = threadShape(`t${size}`, size, shape);
    await insertThread(postId, author.id, nodes);
  }, 120_000);

  // Which replies a page shows is defined (not whatever an engine reached first), so the two stores
  // answer every page alike: here, pages of the roots and of the widest comment's replies.
  it.each(SORTS)("answers exactly the defined page in sort=%s", async (sort) => {
    const ids = (tree: Shown[]): Tree => tree.map((c) => ({ id: c.id, replies: ids(c.replies) }));
    const limits = { budget: PAGE_BUDGET, shown: REPLIES_SHOWN };
    expect(ids((await page(postId, { sort })).body.comments)).toEqual(expectedPage(nodes, sort, null, 35, limits));
    expect(ids((await page(postId, { sort, limit: "7", parent_id: nodes[0]!.id })).body.comments)).toEqual(expectedPage(nodes, sort, nodes[0]!.id, 7, limits));
    if (sort === "best") expect(ids((await call("GET", `/api/v1/posts/${postId}`)).body.comments)).toEqual(expectedPage(nodes, sort, null, 35, limits));
  });

  it.each(SORTS)("is reached whole by the contract in sort=%s, each list exactly once and in order", { timeout: 240_000 }, async (sort) => {
    const { seen, requests } = await walk(postId, sort, expectedLists(nodes, sort));
    expect(seen.size).toBe(nodes.length);
    expect([...seen].sort()).toEqual(nodes.map((n) => n.id));
    // Pages, not comments: a request brings tens of comments even in the 20,000-comment thread.
    expect(requests).toBeLessThan(Math.max(10, nodes.length / 10));
  });
});

describe("thread lists while the thread changes", () => {
  it("paging by cursor repeats and skips nothing while comments arrive, in every sort, and votes in new and old", { timeout: 120_000 }, async () => {
    const post = await makePost(author, "general");
    const nodes = threadShape(`live${Date.now().toString(36)}`, 300, { roots: 250, fan: 10 });
    await insertThread(post.id, author.id, nodes);
    const roots = nodes.filter((n) => n.parentId === null).map((n) => n.id);
    const voter = await register();
    for (const sort of SORTS) {
      const listed: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await page(post.id, { sort, limit: "40", ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        listed.push(...(res.body.comments as Shown[]).map((c) => c.id));
        cursor = res.body.next_cursor;
        // Between pages: a new root and a reply arrive; in new and old, votes move scores too.
        await makeComment(voter, post.id, `arrived during ${sort} ${listed.length}`);
        await makeComment(voter, post.id, `a reply during ${sort} ${listed.length}`, roots[listed.length % roots.length]);
        if (sort === "new" || sort === "old") await call("POST", `/api/v1/comments/${roots[(listed.length * 7) % roots.length]}/upvote`, { token: voter.apiKey });
      } while (cursor);
      expect(new Set(listed).size, `${sort}: a comment listed twice`).toBe(listed.length);
      const missing = roots.filter((id) => !listed.includes(id));
      expect(missing, `${sort}: roots skipped`).toEqual([]);
    }
  });
});

describe("bad thread requests", () => {
  let post: { id: string };
  let other: { id: string };
  let otherComment: { id: string };
  beforeAll(async () => {
    post = await makePost(author, "general");
    other = await makePost(author, "general");
    otherComment = await makeComment(author, other.id, "on the other post");
    for (let i = 0; i < 3; i++) await makeComment(author, post.id, `root ${i}`);
  });

  it("refuses parent_id of a comment on another post or of none (404), and a malformed one (400 with a hint)", async () => {
    for (const parent of [otherComment.id, "00000000-0000-7000-8000-00000000dead"]) {
      const res = await page(post.id, { parent_id: parent });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false, error: "Comment not found" });
    }
    const bad = await page(post.id, { parent_id: "not a comment id!" });
    expect(bad.status).toBe(400);
    expect(bad.body.success).toBe(false);
    expect(bad.body.hint).toBeTruthy();
    expect((await page("00000000-0000-7000-8000-00000000beef", {})).body.error).toBe("Post not found");
  });

  it("refuses a malformed cursor, and one from another sort or another list, never answering a wrong page", async () => {
    const first = await page(post.id, { sort: "best", limit: "1" });
    const cursor = first.body.next_cursor as string;
    expect(cursor).toBeTruthy();
    expect((await page(post.id, { sort: "best", limit: "1", cursor })).status).toBe(200);
    for (const [q, error] of [
      [{ sort: "best", cursor: "%%%not-base64" }, "Invalid cursor"],
      [{ sort: "best", cursor: btoa("[1,2,3,4,5]") }, "Invalid cursor"],
      [{ sort: "new", cursor }, "Cursor from another listing"],
      [{ sort: "top", cursor }, "Cursor from another listing"],
      [{ sort: "best", cursor, parent_id: otherComment.id }, "Cursor from another listing"],
    ] as const) {
      const res = await page("parent_id" in q ? other.id : post.id, q);
      expect(res.status, JSON.stringify(q)).toBe(400);
      expect(res.body).toMatchObject({ success: false, error });
      expect(res.body.hint).toBeTruthy();
    }
    const elsewhere = await page(other.id, { sort: "best", cursor });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error).toBe("Cursor from another listing");
  });
});
