// PostgreSQL's plans for the reads every listing makes: each must be an index range scan, never a
// walk of posts or comments. The planner is told sequential scans (and, for keyed listings, sorts)
// cost too much, so one appears only where no index can serve the query: small test tables cannot
// otherwise tell "chose not to use the index" from "has no index to use".
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../worker/app";
import { buildDeps } from "../../worker/middleware/deps";
import { listThread } from "../../worker/services/threads";
import { listPosts, submoltWithPins, type PostSort } from "../../worker/services/posts";
import { listSubmolts } from "../../worker/services/submolts";
import { PgConnection } from "../../worker/store/pg/client";
import { call, makeComment, makePost, makeSubmolt, register, type Registered } from "../helpers";
import { rows } from "../db";
import { uuidv7 } from "../../worker/lib/ids";
import { KEYWORD_WINDOW } from "../../worker/services/search";
import { tierStatement } from "../../worker/store/pg/search";
import { nameKey } from "../../worker/domain/names";

interface Recorded {
  sql: string;
  params: unknown[];
}

async function recording<T>(run: (deps: Deps) => Promise<T>): Promise<Recorded[]> {
  const recorded: Recorded[] = [];
  const deps = buildDeps({ ...env, PG_QUERY_LOG: (sql: string, params: unknown[]) => recorded.push({ sql, params }) }, "https://tidepool.test");
  try {
    await run(deps);
  } finally {
    await deps.release();
  }
  return recorded.filter((q) => /^\s*(select|with)/i.test(q.sql));
}

/** What a query did, as PostgreSQL ran it with its own choices: EXPLAIN (ANALYZE, BUFFERS). */
async function analyze(q: Recorded): Promise<string[]> {
  const connection = new PgConnection((env.HYPERDRIVE as Hyperdrive).connectionString);
  try {
    const lines = await connection.sql.unsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, q.params as never[]);
    return lines.map((r) => r["QUERY PLAN"]);
  } finally {
    await connection.end();
  }
}

async function plan(q: Recorded, noSorts: boolean): Promise<string[]> {
  const connection = new PgConnection((env.HYPERDRIVE as Hyperdrive).connectionString);
  try {
    return await connection.sql.begin(async (tx) => {
      await tx.unsafe("SET LOCAL enable_seqscan = off");
      if (noSorts) await tx.unsafe("SET LOCAL enable_sort = off");
      const rows = await tx.unsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${q.sql}`, q.params as never[]);
      return rows.map((r) => r["QUERY PLAN"]);
    });
  } finally {
    await connection.end();
  }
}

const seqScans = (lines: string[]) => lines.filter((l) => /Seq Scan on (posts|comments)\b/.test(l));

/** Keyed listings: index order, so neither a walk of posts nor a sort of them. */
async function expectIndexOrder(run: (deps: Deps) => Promise<unknown>) {
  const queries = await recording(run);
  expect(queries.length).toBeGreaterThan(0);
  for (const q of queries) {
    const lines = await plan(q, true);
    expect(seqScans(lines), `${q.sql}\n${lines.join("\n")}`).toEqual([]);
    if (/from "posts"/i.test(q.sql)) expect(lines.filter((l) => /\bSort\b/.test(l) && !/Sort Key: .*pinned/.test(l)), `${q.sql}\n${lines.join("\n")}`).toEqual([]);
  }
}

/** Merged listings sort only their candidates, each source read as a range of its own index. */
async function expectMerged(run: (deps: Deps) => Promise<unknown>, source: RegExp) {
  const queries = await recording(run);
  for (const q of queries) {
    const lines = await plan(q, false);
    expect(seqScans(lines), `${q.sql}\n${lines.join("\n")}`).toEqual([]);
    expect(lines.some((l) => source.test(l)), `${q.sql}\n${lines.join("\n")}`).toBe(true);
  }
}

let author: Registered;
let reader: Registered;
let submolt: string;
let postId: string;
let rootId: string;

beforeAll(async () => {
  author = await register();
  reader = await register();
  submolt = (await makeSubmolt(author)).name;
  for (let i = 0; i < 3; i++) postId = (await makePost(author, submolt)).id;
  rootId = (await makeComment(reader, postId)).id;
  await makeComment(author, postId, "a second root, for the cursor");
  for (let i = 0; i < 3; i++) await makeComment(author, postId, `reply ${i}`, rootId);
  await call("POST", `/api/v1/submolts/${submolt}/subscribe`, { token: reader.apiKey });
  await call("POST", `/api/v1/agents/${author.name}/follow`, { token: reader.apiKey });
});

describe("PostgreSQL plans are index range scans", () => {
  const sorts: PostSort[] = ["hot", "new", "top"];
  for (const sort of sorts) {
    it(`lists ${sort} across the network, in a submolt and by author`, async () => {
      const o = { sort, t: "all" as const, limit: 10, offset: 0, viewerId: reader.id };
      await expectIndexOrder((deps) => listPosts(deps, {}, o));
      await expectIndexOrder((deps) => listPosts(deps, { submoltName: submolt }, o));
      await expectIndexOrder((deps) => listPosts(deps, { authorId: author.id }, o));
    });
    it(`merges the personal feed (${sort}) from its sources' index ranges`, async () => {
      await expectMerged((deps) => listPosts(deps, { feedOf: { agentId: reader.id, filter: "all" } }, { sort, t: "all", limit: 10, offset: 0, viewerId: reader.id }), /Index (Only )?Scan using posts_(submolt|author)_(hot|new|top)_idx on posts y/);
    });
  }
  it("ranks top of a window from each day's range of posts_day_top_idx", async () => {
    await expectMerged((deps) => listPosts(deps, {}, { sort: "top", t: "week", limit: 10, offset: 0, viewerId: null }), /Index (Only )?Scan using posts_day_top_idx on posts y/);
  });
  it("reads /home's post lists by key, not by testing every post against them", async () => {
    const queries = await recording((deps) => deps.store.home.reads(reader.id, Date.now()));
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) {
      const lines = await plan(q, false);
      expect(seqScans(lines), `${q.sql}\n${lines.join("\n")}`).toEqual([]);
      // An OR of IN-subqueries is a filter on a walk of all posts, whichever index the walk uses.
      expect(lines.filter((l) => /Filter: .*hashed SubPlan \d+\) OR/.test(l)), `${q.sql}\n${lines.join("\n")}`).toEqual([]);
    }
  });
  it("reads a submolt with its pins and the submolt directory from indexes", async () => {
    await expectIndexOrder((deps) => submoltWithPins(deps, submolt, null, true));
    await expectIndexOrder((deps) => listSubmolts(deps, "popular", 10, 0));
  });
  // A page of a thread, in every sort, of the roots and of a comment's replies, first and by cursor:
  // its list and each step to a first reply or a next sibling seek the roots' and replies' own
  // indexes; nothing walks comments and nothing sorts them.
  it.each(["best", "top", "new", "old", "controversial"] as const)("reads a page of a thread (sort=%s) from the thread indexes, never sorting comments", async (sort) => {
    for (const parentId of [undefined, rootId]) {
      const o = { sort, limit: 1, offset: 0, viewerId: reader.id, parentId };
      const queries = await recording(async (deps) => {
        const first = await listThread(deps, postId, o);
        expect(first.nextCursor).not.toBeNull();
        await listThread(deps, postId, { ...o, cursor: first.nextCursor! });
      });
      const pages = queries.filter((q) => /WITH RECURSIVE/i.test(q.sql));
      expect(pages).toHaveLength(2);
      for (const q of pages) {
        const lines = await plan(q, true);
        const why = `${q.sql}\n${lines.join("\n")}`;
        expect(seqScans(lines), why).toEqual([]);
        expect(lines.filter((l) => /\bSort\b/.test(l)), why).toEqual([]);
        expect(lines.some((l) => new RegExp(`Index (Only )?Scan (Backward )?using comments_${parentId ? "replies" : "roots"}_`).test(l)), why).toBe(true);
        expect(lines.some((l) => /Index (Only )?Scan (Backward )?using comments_replies_\w+ on comments r\b/.test(l)), why).toBe(true);
      }
    }
  });

  // A profile's latest posts find their author by a sub-select, so the planner guesses how many posts
  // an author has from author_id's distinct values: on a real network about one each (set here, as
  // this small table cannot show it). Whatever the author wrote, the page is read newest first from
  // an index with the listing's own partial predicate and stops at the page; it read all of a busy
  // author's posts through posts_author_top_idx and sorted them (migrations/postgres/0004).
  it("reads a profile's latest posts newest first and stops at the page, however many the author wrote", { timeout: 60_000 }, async () => {
    const prolific = await register();
    const general = "00000000-0000-7000-8000-000000000001";
    const start = Date.now() - 3_000_000;
    const values = Array.from({ length: 1_500 }, (_, k) => `('${uuidv7(start + k * 1000)}', '${general}', '${prolific.id}', 'tide log ${k}', 'text', 0, ${k}, ${start + k * 1000}, ${start + k * 1000})`);
    await rows(`INSERT INTO posts (id, submolt_id, author_id, title, type, hot, score, created_at, updated_at) VALUES ${values.join(", ")}`);
    await rows("ALTER TABLE posts ALTER COLUMN author_id SET (n_distinct = -0.9)");
    await rows("ANALYZE posts");
    const queries = await recording((deps) => deps.store.agents.activity(nameKey(prolific.name), reader.id, 10));
    const latest = queries.filter((q) => /from "posts"/i.test(q.sql));
    expect(latest.length).toBe(1);
    const lines = await analyze(latest[0]!);
    const why = `${latest[0]!.sql}\n${lines.join("\n")}`;
    expect(seqScans(lines), why).toEqual([]);
    expect(lines.filter((l) => /\bSort\b/.test(l)), why).toEqual([]);
    const read = lines.map((l) => /Index (?:Only )?Scan using posts_author_live_new_idx on posts.*actual time=\S+ rows=(\d+)/.exec(l)?.[1]).find(Boolean);
    expect(Number(read), why).toBeLessThanOrEqual(11);
  });

  // Keyword search reads a tier: the newest matches below its start, stopping at the window. For a
  // common word the planner walks the primary key newest first and stops after a window of rows;
  // for a rare one it reads the GIN index's few matches. It used to fetch and sort every match.
  it("searches a common word by walking the newest posts and stopping at the window, a rare one from GIN", { timeout: 60_000 }, async () => {
    const general = "00000000-0000-7000-8000-000000000001";
    const start = Date.now() - 5_000_000;
    for (let i = 0; i < 4_000; i += 500) {
      const values = Array.from({ length: 500 }, (_, k) => {
        const at = start + (i + k) * 1000;
        const rare = (i + k) % 1_300 === 7 ? " glasswort" : "";
        return `('${uuidv7(at)}', '${general}', '${author.id}', 'eelgrass meadow ${i + k}${rare}', 'text', 0, ${at}, ${at})`;
      });
      await rows(`INSERT INTO posts (id, submolt_id, author_id, title, type, hot, created_at, updated_at) VALUES ${values.join(", ")}`);
    }
    await rows("ANALYZE posts");
    for (const [word, walks] of [["eelgrass", true], ["glasswort", false]] as const) {
      const [text, params] = tierStatement("posts", { words: [word], submoltId: null, window: KEYWORD_WINDOW, start: { posts: null } });
      const lines = await analyze({ sql: text, params });
      const why = `${word}\n${lines.join("\n")}`;
      expect(seqScans(lines), why).toEqual([]);
      if (walks) {
        expect(lines.some((l) => /Index Scan Backward using posts_pkey on posts/.test(l)), why).toBe(true);
        // The walk stopped at the window: it read about a window of rows, not the 4,000 matches.
        const read = lines.map((l) => /Index Scan Backward using posts_pkey.*actual time=\S+ rows=(\d+)/.exec(l)?.[1]).find(Boolean);
        expect(Number(read), why).toBeLessThanOrEqual(KEYWORD_WINDOW + 10);
      } else {
        expect(lines.some((l) => /Bitmap Index Scan on posts_fts/.test(l)), why).toBe(true);
      }
    }
  });
});
