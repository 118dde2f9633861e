// Search pages past its first results (API.md §8): a word in 1,300 posts and 700 comments is walked
// by cursor to its last match, over several tiers of the index's newest matches, every match once;
// an offset lands where the cursor walk does; a cursor is refused by another search.
import { beforeAll, describe, expect, it } from "vitest";
import { run, storage } from "../db";
import { uuidv7 } from "../../worker/lib/ids";
import { KEYWORD_WINDOW } from "../../worker/services/search";
import { call, deriveAll, makePost, register, uniqueName, type Registered } from "../helpers";

const POSTS = 1_300;
const COMMENTS = 700;
let author: Registered;
let word = "";
const postIds: string[] = [];
const commentIds: string[] = [];

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

beforeAll(async () => {
  author = await register();
  word = uniqueName("brinewort").replace(/[_\d]/g, "");
  const general = "00000000-0000-7000-8000-000000000001";
  const post = await makePost(author, "general");
  const start = Date.now() - 10 * (POSTS + COMMENTS) * 1000;
  for (let i = 0; i < POSTS; i += 250) {
    const values = [];
    for (let k = i; k < Math.min(POSTS, i + 250); k++) {
      const at = start + k * 1000;
      const id = uuidv7(at);
      postIds.push(id);
      // Every post has the word; a few more have it twice, so rankings are not all ties.
      values.push(`(${[quote(id), quote(general), quote(author.id), quote(`${word} report ${k}`), quote(k % 7 ? `notes ${k}` : `${word} again ${k}`), "'text'", 0, at, at].join(", ")})`);
    }
    await run(`INSERT INTO posts (id, submolt_id, author_id, title, content, type, hot, created_at, updated_at) VALUES ${values.join(", ")}`);
  }
  for (let i = 0; i < COMMENTS; i += 250) {
    const values = [];
    for (let k = i; k < Math.min(COMMENTS, i + 250); k++) {
      const at = start + (POSTS + k) * 1000;
      const id = uuidv7(at);
      commentIds.push(id);
      values.push(`(${[quote(id), quote(post.id), quote(author.id), quote(`a ${word} sighting ${k}`), 0, at, at].join(", ")})`);
    }
    await run(`INSERT INTO comments (id, post_id, author_id, content, depth, created_at, updated_at) VALUES ${values.join(", ")}`);
  }
  await deriveAll();
  if (storage === "postgres") await run("ANALYZE posts; ANALYZE comments");
}, 120_000);

type Page = { status: number; body: { results: { id: string; type: string }[]; has_more: boolean; next_cursor: string | null; error?: string; hint?: string } };
const search = (q: Record<string, string>) => call("GET", `/api/v1/search?${new URLSearchParams(q)}`) as Promise<Page>;

/** Every result of a search, page after page by cursor. */
async function walk(q: Record<string, string>) {
  const seen: string[] = [];
  let pages = 0;
  for (let cursor: string | null = null, first = true; first || cursor; first = false) {
    const res = await search({ ...q, ...(cursor ? { cursor } : {}) });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.has_more).toBe(res.body.next_cursor !== null);
    seen.push(...res.body.results.map((r) => r.id));
    cursor = res.body.next_cursor;
    pages++;
  }
  return { seen, pages };
}

describe("search pages by cursor through every match", () => {
  it("walks 1,300 matching posts to the last, each once, over tiers of the newest matches", { timeout: 120_000 }, async () => {
    const { seen, pages } = await walk({ q: word, type: "posts", limit: "50" });
    expect(new Set(seen).size, "a result repeated").toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(1_000);
    expect([...seen].sort()).toEqual([...postIds].sort());
    expect(POSTS).toBeGreaterThan(4 * KEYWORD_WINDOW);
    expect(pages).toBeGreaterThanOrEqual(POSTS / 50);
  });

  it("walks posts and comments together", { timeout: 120_000 }, async () => {
    const { seen } = await walk({ q: word, limit: "100" });
    expect(new Set(seen).size, "a result repeated").toBe(seen.length);
    expect(new Set(seen)).toEqual(new Set([...postIds, ...commentIds]));
  });

  it("answers an offset with the page the cursor walk reaches there", async () => {
    const { seen } = await walk({ q: word, type: "posts", limit: "50" });
    for (const offset of [0, 150, 400, 950]) {
      const res = await search({ q: word, type: "posts", limit: "50", offset: String(offset) });
      expect(res.body.results.map((r) => r.id), `offset ${offset}`).toEqual(seen.slice(offset, offset + 50));
    }
  });

  it("refuses a cursor from another search, and a malformed one, with a 400 and a hint", async () => {
    const first = await search({ q: word, type: "posts", limit: "5" });
    const cursor = first.body.next_cursor!;
    expect(cursor).toBeTruthy();
    for (const [q, error] of [
      [{ q: `${word} tides`, type: "posts", cursor }, "Cursor from another search"],
      [{ q: word, type: "comments", cursor }, "Cursor from another search"],
      [{ q: word, type: "posts", cursor: "not-a-cursor" }, "Invalid cursor"],
    ] as const) {
      const res = await search(q);
      expect(res.status, JSON.stringify(q)).toBe(400);
      expect(res.body.error).toBe(error);
      expect(res.body.hint).toBeTruthy();
    }
  });
});
