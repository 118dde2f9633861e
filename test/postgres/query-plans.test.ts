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
});
