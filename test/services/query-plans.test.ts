import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../worker/app";
import { buildDeps } from "../../worker/middleware/deps";
import { commentsByAuthor } from "../../worker/services/comments";
import { listThread } from "../../worker/services/threads";
import { profileOf } from "../../worker/services/profile";
import { listPosts, submoltWithPins, type PostSort } from "../../worker/services/posts";
import { nameMatches, search } from "../../worker/services/search";
import { networkStats } from "../../worker/services/stats";
import { drainOutbox } from "../../worker/services/search-index";
import { listSubmolts } from "../../worker/services/submolts";
import { call, makeComment, makePost, makeSubmolt, register, type Registered } from "../helpers";

interface Recorded {
  sql: string;
  params: unknown[];
}

/** A D1 binding that remembers every statement the services prepare, with its parameters. */
function recordingDeps(recorded: Recorded[]): Deps {
  const d1 = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql: string) => {
          const stmt = target.prepare(sql);
          const entry: Recorded = { sql, params: [] };
          recorded.push(entry);
          return new Proxy(stmt, {
            get(s, p) {
              if (p === "bind") return (...params: unknown[]) => ((entry.params = params), s.bind(...params));
              const v = Reflect.get(s, p, s);
              return typeof v === "function" ? v.bind(s) : v;
            },
          });
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return buildDeps({ ...env, DB: d1 }, "https://tidepool.test");
}

async function plan(q: Recorded): Promise<string[]> {
  const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
    .bind(...q.params)
    .all<{ detail: string }>();
  return rows.results.map((r) => r.detail);
}

/** A full scan or a sort of posts/comments, the two things a listing must never do. */
function badSteps(details: string[]): string[] {
  return details.filter((d) => /^SCAN (posts|comments)\b(?!.*USING (COVERING )?INDEX)/.test(d) || /TEMP B-TREE FOR (ORDER BY|RIGHT PART OF ORDER BY)/.test(d));
}

/**
 * A merged listing (a feed, a top window) sorts only its candidates (up to the page's length from
 * each source: subscribed submolt, followed author, day of the window, each read as a range of its
 * own index), so a temp B-tree sort is expected; walking any index of posts is not (a feed did,
 * over every post, when it filtered the global sort index; so did top?t=day on a quiet day).
 */
const mergedBadSteps = (source: RegExp) => (details: string[]): string[] => {
  // Scanning a co-routine (a source's LIMITed first page, the candidates) reads what it produced, not a table.
  const coroutines = new Set(details.map((d) => /^CO-ROUTINE (\w+)/.exec(d)?.[1]).filter(Boolean));
  const bad = details.filter((d) => /^SCAN (posts|comments|c|y)\b/.test(d) && !coroutines.has(/^SCAN (\w+)/.exec(d)![1]));
  if (!details.some((d) => source.test(d))) bad.push(`no range of ${source}`);
  return bad;
};
const feedBadSteps = mergedBadSteps(/^SEARCH y USING (COVERING )?INDEX posts_(submolt|author)_(hot|new|top)_idx \((submolt|author)_id=\?/);
const windowBadSteps = mergedBadSteps(/^SEARCH y USING (COVERING )?INDEX posts_day_top_idx \(<expr>=\?/);

/** Runs a service call, then checks the plan of every SELECT it issued with `bad` (which lists offending steps). */
async function expectPlans(run: (deps: Deps) => Promise<unknown>, bad: (details: string[]) => string[]) {
  const recorded: Recorded[] = [];
  await run(recordingDeps(recorded));
  const selects = recorded.filter((q) => /^\s*select/i.test(q.sql));
  expect(selects.length).toBeGreaterThan(0);
  for (const q of selects) {
    const details = await plan(q);
    expect(details.length).toBeGreaterThan(0);
    expect(bad(details), `${q.sql}\n${details.join("\n")}`).toEqual([]);
  }
}

let author: Registered;
let reader: Registered;
let submoltId: string;
let postId: string;
let rootId: string;

beforeAll(async () => {
  author = await register();
  reader = await register();
  const s = await makeSubmolt(author);
  submoltId = s.id;
  const p = await makePost(author, s.name);
  await makePost(author, s.name); // a second page for the cursor cases
  postId = p.id;
  rootId = (await makeComment(reader, p.id)).id;
  await makeComment(author, p.id, "a second root, for the cursor cases");
  for (let i = 0; i < 3; i++) await makeComment(author, p.id, `reply ${i}`, rootId);
  await call("POST", `/api/v1/agents/${author.name}/follow`, { token: reader.apiKey });
});

describe("every listing query is an index range scan", () => {
  const sorts: PostSort[] = ["hot", "new", "top"];
  const cases: [string, (deps: Deps) => Promise<unknown>][] = [];
  const feeds: [string, (deps: Deps) => Promise<unknown>][] = [];
  const windows: [string, (deps: Deps) => Promise<unknown>][] = [];
  const threads: [string, (deps: Deps) => Promise<unknown>][] = [];
  for (const sort of sorts) {
    const base = { sort, t: "all" as const, limit: 25, offset: 0, viewerId: null };
    cases.push([`/posts sort=${sort}`, (d) => listPosts(d, {}, base)]);
    if (sort === "top") windows.push([`/posts sort=top t=day`, (d) => listPosts(d, {}, { ...base, t: "day" })]);
    else cases.push([`/posts sort=${sort} t=day`, (d) => listPosts(d, {}, { ...base, t: "day" })]);
    cases.push([`/posts?submolt sort=${sort}`, (d) => listPosts(d, { submoltId }, base)]);
    cases.push([`/submolts/:name/feed sort=${sort}`, (d) => listPosts(d, { submoltName: "general" }, base)]);
    cases.push([`/posts?author sort=${sort}`, (d) => listPosts(d, { authorId: author.id }, base)]);
    feeds.push([`/feed sort=${sort}`, (d) => listPosts(d, { feedOf: { agentId: reader.id, filter: "all" } }, { ...base, viewerId: reader.id })]);
    feeds.push([`/feed following sort=${sort}`, (d) => listPosts(d, { feedOf: { agentId: reader.id, filter: "following" } }, base)]);
    feeds.push([`/feed sort=${sort} t=day`, (d) => listPosts(d, { feedOf: { agentId: reader.id, filter: "all" } }, { ...base, t: "day" })]);
    feeds.push([
      `/feed sort=${sort} with cursor`,
      async (d) => {
        const first = await listPosts(d, { feedOf: { agentId: reader.id, filter: "all" } }, { ...base, limit: 1 });
        expect(first.nextCursor).not.toBeNull();
        return listPosts(d, { feedOf: { agentId: reader.id, filter: "all" } }, { ...base, limit: 1, cursor: first.nextCursor! });
      },
    ]);
    cases.push([
      `/posts sort=${sort} with cursor`,
      async (d) => {
        const first = await listPosts(d, {}, { ...base, limit: 1 });
        return first.nextCursor ? listPosts(d, {}, { ...base, limit: 1, cursor: first.nextCursor }) : null;
      },
    ]);
  }
  cases.push(["/posts sort=rising", (d) => listPosts(d, {}, { sort: "rising", t: "all", limit: 25, offset: 0, viewerId: null })]);
  feeds.push(["/feed sort=rising", (d) => listPosts(d, { feedOf: { agentId: reader.id, filter: "all" } }, { sort: "rising", t: "all", limit: 25, offset: 0, viewerId: null })]);
  cases.push(["pinned posts", (d) => submoltWithPins(d, "general", null, true)]);
  cases.push(["profile page's comments tab", (d) => commentsByAuthor(d, reader.id, 25, 0)]);
  cases.push(["profile", (d) => profileOf(d, author.name, reader.id)]);
  for (const sort of ["best", "top", "new", "old", "controversial"] as const) {
    // Built when the case runs: the agents exist by then (beforeAll), not when the cases are listed.
    const o = () => ({ sort, limit: 1, offset: 0, viewerId: reader.id });
    threads.push([`comments sort=${sort}`, (d) => listThread(d, postId, { ...o(), limit: 35 })]);
    threads.push([`comments sort=${sort}, a comment's replies`, (d) => listThread(d, postId, { ...o(), parentId: rootId })]);
    threads.push([
      `comments sort=${sort} with cursor, roots and replies`,
      async (d) => {
        for (const parentId of [undefined, rootId]) {
          const first = await listThread(d, postId, { ...o(), parentId });
          expect(first.nextCursor).not.toBeNull();
          await listThread(d, postId, { ...o(), parentId, cursor: first.nextCursor! });
        }
      },
    ]);
  }
  for (const sort of ["popular", "new", "alphabetical"] as const) {
    cases.push([`/submolts sort=${sort}`, (d) => listSubmolts(d, sort, 50, 0)]);
  }

  it.each(cases)("%s", (_label, run) => expectPlans(run, badSteps));
  it.each(feeds)("%s", (_label, run) => expectPlans(run, feedBadSteps));
  // A page of a thread: its list, then each step to a first reply or a next sibling, all seeks into
  // the roots' and replies' own indexes (the walk itself is a queue, not a table).
  it.each(threads)("%s", (_label, run) =>
    expectPlans(run, (details) => {
      const bad = badSteps(details);
      if (details.some((d) => /RECURSIVE STEP/.test(d)) && !details.some((d) => /^SEARCH r USING (COVERING )?INDEX comments_replies_(top|new|controversial)_idx \(parent_id=/.test(d))) bad.push("no seek into a replies index");
      return bad;
    }),
  );
  windows.push(["/posts sort=top t=week with cursor", async (d) => {
    const base = { sort: "top" as const, t: "week" as const, limit: 1, offset: 0, viewerId: null };
    const first = await listPosts(d, {}, base);
    expect(first.nextCursor).not.toBeNull();
    return listPosts(d, {}, { ...base, cursor: first.nextCursor! });
  }]);
  it.each(windows)("%s", (_label, run) => expectPlans(run, windowBadSteps));

  it("the detector itself flags a full scan and a sort", async () => {
    const details = await plan({ sql: "SELECT * FROM posts ORDER BY title", params: [] });
    expect(badSteps(details).length).toBeGreaterThan(0);
  });
});

describe("search and stats never scan a table", () => {
  // Ranking sorts the matched set (a temp B-tree is inherent to BM25 order); scanning whole tables is not.
  // The outbox is the exception: it holds seconds of work and is read in id order without an index
  // (migrations/0022), which an index entry on every post, comment and edit would cost more than.
  const scans = (details: string[]) => details.filter((d) => /^SCAN (posts|comments|search_vectors|agents|submolts)\b(?!.*USING (COVERING )?INDEX)/.test(d));
  const cases: [string, (deps: Deps) => Promise<unknown>][] = [
    ["index drain", (d) => drainOutbox(d, 500)],
    ["hybrid search, all types", (d) => search(d, { q: "tide pools", type: "all", limit: 20, offset: 0, submoltId: null })],
    ["hybrid search in a submolt", (d) => search(d, { q: "tide pools", type: "posts", limit: 20, offset: 0, submoltId })],
    ["comment search", (d) => search(d, { q: "tide pools", type: "comments", limit: 20, offset: 0, submoltId: null })],
    ["name suggestions", (d) => nameMatches(d, "Tide_", { agents: 5, submolts: 5 })],
    ["a page of agents by name (type=agents)", (d) => nameMatches(d, "tide", { agents: 51, submolts: 0, offset: 50 })],
    ["a page of submolts by name (type=submolts)", (d) => nameMatches(d, "tide", { agents: 0, submolts: 51, offset: 50 })],
    ["network stats", (d) => networkStats(d)],
  ];
  it.each(cases)("%s", (_label, run) => expectPlans(run, scans));
});
