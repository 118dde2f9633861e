// top?t=hour|day|week|month is merged from per-day ranges of posts_day_top_idx: every page, by
// cursor or offset, must equal the window filtered over all posts, across day boundaries, with
// score ties broken by age and id as the single index would.
import { beforeAll, describe, expect, it } from "vitest";
import { rows as dbRows, run as dbRun, storage } from "../db";
import { call, makePost, makeSubmolt, register } from "../helpers";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WINDOWS = { hour: HOUR, day: 24 * HOUR, week: 7 * 24 * HOUR, month: 30 * 24 * HOUR } as const;
// Small pages cross many cursor boundaries; on PostgreSQL the window holds every suite's posts (one
// shared database), so its pages are larger for the 40 pages to reach the end.
const PAGE = storage === "postgres" ? 25 : 3;

/**
 * The window over all posts: created after `since`, up to the end of today (the last day range the
 * listing reads). The end matters only on PostgreSQL, whose suites share one database: another
 * file's fake clock may have dated a post days ahead.
 */
async function bruteForce(since: number, now: number): Promise<string[]> {
  const endOfToday = (Math.floor(now / DAY) + 1) * DAY;
  const rows = await dbRows<{ id: string }>(
    "SELECT id FROM posts WHERE is_deleted = 0 AND created_at > ? AND created_at < ? ORDER BY score DESC, created_at DESC, id DESC",
    since,
    endOfToday,
  );
  return rows.map((r) => r.id);
}

async function pages(t: string, by: "cursor" | "offset"): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 40; page++) {
    const paging: string = by === "cursor" ? (cursor ? `&cursor=${encodeURIComponent(cursor)}` : "") : `&offset=${page * PAGE}`;
    const res = await call("GET", `/api/v1/posts?sort=top&t=${t}&limit=${PAGE}${paging}`);
    expect(res.status, res.text).toBe(200);
    ids.push(...res.body.posts.map((p: { id: string }) => p.id));
    cursor = res.body.next_cursor;
    if (!res.body.has_more) break;
  }
  return ids;
}

beforeAll(async () => {
  const author = await register();
  const s = await makeSubmolt(author);
  const now = Date.now();
  // Ages from minutes to ~40 days, scores with ties, one removed post inside the window.
  const ages = [0.2, 0.5, 2, 5, 20, 23, 25, 30, 49, 72, 100, 150, 160, 200, 400, 700, 800, 960];
  for (const [i, hours] of ages.entries()) {
    const p = await makePost(author, s.name);
    await dbRun("UPDATE posts SET created_at = ?, score = ? WHERE id = ?", Math.round(now - hours * HOUR), [3, 1, 1, 0, 5, 1, 0, 2, 1, 7, 0, 1, 3, 0, 9, 1, 2, 0][i], p.id);
  }
  const gone = await makePost(author, s.name);
  await dbRun("UPDATE posts SET created_at = ?, score = 50 WHERE id = ?", now - 3 * HOUR, gone.id);
  expect((await call("DELETE", `/api/v1/posts/${gone.id}`, { token: author.apiKey })).status).toBe(200);
});

describe("top posts of a window", () => {
  for (const [t, span] of Object.entries(WINDOWS)) {
    it(`t=${t}: pages by cursor and by offset equal the window over all posts`, async () => {
      const before = await pages(t, "cursor");
      // The window slides while the test runs; compare against it taken just after.
      const now = Date.now();
      const expected = await bruteForce(now - span, now);
      expect(expected.length).toBeGreaterThan(0);
      expect(before).toEqual(expected);
      expect(await pages(t, "offset")).toEqual(expected);
    });
  }
});
