import { beforeAll, describe, expect, it } from "vitest";
import { row as dbRow, storage } from "../db";
import { call, claim, countingDb, makeComment, makePost, makeSubmolt, register, uniqueName, withEnv, type Registered } from "../helpers";

const HOSTILE_TITLE = `Hello <script>alert("owned")</script> world`;
const HOSTILE_BODY = `<img src=x onerror="alert(1)"> and a [link](javascript:alert(2))`;

let author: Registered;
let reader: Registered;
let handle: string;
let submolt: { id: string; name: string };
let hostile: { id: string; title: string };
let linkPost: { id: string };
let pinned: { id: string; title: string };
const thread: string[] = [];

beforeAll(async () => {
  author = await register();
  reader = await register();
  ({ handle } = await claim(author));
  submolt = await makeSubmolt(author);
  hostile = await makePost(author, submolt.name, { title: HOSTILE_TITLE, content: HOSTILE_BODY });
  linkPost = await makePost(author, submolt.name, { title: "A link worth reading", content: undefined, url: "https://example.com/deep/page" });
  pinned = await makePost(author, submolt.name, { title: uniqueName("pinned") });
  expect((await call("POST", `/api/v1/posts/${pinned.id}/pin`, { token: author.apiKey })).status).toBe(200);
  let parent: string | undefined;
  for (let depth = 0; depth < 5; depth++) {
    const c = await makeComment(depth % 2 ? author : reader, hostile.id, `reply at depth ${depth} <b>bold?</b>`, parent);
    thread.push(c.id);
    parent = c.id;
  }
  // Two identical comments: the second is an exact duplicate for the stats page.
  await makeComment(reader, linkPost.id, "Same words, again.");
  await makeComment(author, linkPost.id, "same   WORDS, again.");
});

const get = (path: string) => call("GET", path);

function expectSafePage(res: Awaited<ReturnType<typeof get>>) {
  expect(res.status, res.text.slice(0, 300)).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/script-src|unsafe-inline|unsafe-eval/);
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("set-cookie")).toBeNull();
  expect(res.text).not.toMatch(/<script/i);
  expect(res.text).not.toMatch(/<img[^>]*onerror/i);
}

describe("public pages", () => {
  it("home lists posts with escaped text, sort tabs and links to post, submolt and author", async () => {
    for (const sort of ["hot", "new", "top"]) {
      const res = await get(`/?sort=${sort}`);
      expectSafePage(res);
      expect(res.text).toContain(`<a href="/?sort=${sort}" aria-current="page">`);
    }
    const res = await get("/?sort=new");
    expect(res.text).toContain("Hello &lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; world");
    expect(res.text).toContain(`href="/post/${hostile.id}"`);
    expect(res.text).toContain(`href="/m/${submolt.name}"`);
    expect(res.text).toContain(`href="/u/${author.name}"`);
  });

  it("refuses bad query strings with a 400 page, and unknown things with a 404 page", async () => {
    for (const path of ["/?sort=sideways", "/?page=0", "/?page=abc", `/m/${submolt.name}?page=41`, `/search?q=${"x".repeat(501)}`]) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(res.text).toContain("Bad request");
    }
    for (const path of ["/m/no_such_submolt", "/u/no_such_agent_here", "/post/00000000-0000-7000-8000-000000000000", "/post/not-a-uuid"]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(res.text).not.toMatch(/at \w+ \(|Error:/);
    }
  });

  it("submolt page shows about, moderators, the pinned post and paged posts", async () => {
    const res = await get(`/m/${submolt.name}`);
    expectSafePage(res);
    expect(res.text).toContain(`m/${submolt.name}`);
    expect(res.text).toContain("test community");
    expect(res.text).toMatch(new RegExp(`<a href="/u/${author.name}">${author.name}</a> \\(owner\\)`));
    expect(res.text).toMatch(new RegExp(`<span class="label pin">pinned</span><a href="/post/${pinned.id}">`));
    const rising = await get(`/m/${submolt.name}?sort=rising`);
    expectSafePage(rising);
    expect(rising.text).toContain(`href="/post/${linkPost.id}"`);
  });

  it("post page shows the body as text, the whole comment tree and folds deep replies", async () => {
    const res = await get(`/post/${hostile.id}`);
    expectSafePage(res);
    expect(res.text).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    for (const id of thread) expect(res.text).toContain(`id="c-${id}"`);
    expect(res.text).toContain("reply at depth 4 &lt;b&gt;bold?&lt;/b&gt;");
    // Depths 0-2 open; the reply at depth 3 and below sit inside a <details>.
    const folded = res.text.indexOf("<details>");
    expect(folded).toBeGreaterThan(res.text.indexOf(`id="c-${thread[2]}"`));
    expect(folded).toBeLessThan(res.text.indexOf(`id="c-${thread[3]}"`));
    expect(res.text).toContain("2 more replies");
  });

  it("post page links a comment's further replies to a page of their own, and pages them", async () => {
    const post = await makePost(author, submolt.name);
    const busy = await makeComment(reader, post.id, "a comment everyone answers");
    for (let i = 0; i < 8; i++) await makeComment(author, post.id, `answer number ${i}`, busy.id);
    const res = await get(`/post/${post.id}`);
    expectSafePage(res);
    // The thread shows its first replies; the link names the rest and leads to all of them.
    expect(res.text).toContain("answer number 0");
    expect(res.text).not.toContain("answer number 7");
    expect(res.text).toContain(`href="/post/${post.id}?parent=${busy.id}#comments"`);
    expect(res.text).toMatch(/\d more replies<\/a>/);
    const replies = await get(`/post/${post.id}?parent=${busy.id}`);
    expectSafePage(replies);
    for (let i = 0; i < 8; i++) expect(replies.text).toContain(`answer number ${i}`);
    expect(replies.text).toContain("a comment everyone answers");
    expect(replies.text).toContain(`href="/post/${post.id}#c-${busy.id}"`);
    expect((await get(`/post/${post.id}?parent=${thread[0]}`)).status).toBe(404);
  });

  it("links written by agents are nofollow ugc noopener", async () => {
    const res = await get(`/post/${linkPost.id}`);
    expectSafePage(res);
    expect(res.text).toContain(`<a href="https://example.com/deep/page" rel="nofollow ugc noopener noreferrer" target="_blank">`);
  });

  it("agent page shows karma, the human's handle, posts and comments tabs", async () => {
    const res = await get(`/u/${author.name}`);
    expectSafePage(res);
    expect(res.text).toContain(`claimed by @${handle}`);
    expect(res.text).toContain(`href="/post/${pinned.id}"`);
    const comments = await get(`/u/${reader.name}?tab=comments`);
    expectSafePage(comments);
    expect(comments.text).toContain("reply at depth 0");
    expect(comments.text).toContain("not claimed yet");
  });

  it("search page finds a post by its words and answers an empty query with a prompt", async () => {
    await call("POST", "/api/v1/admin/search/drain?batch=500", { headers: { authorization: "Bearer test-admin-token-0123456789abcdef0123456789" } });
    const res = await get("/search?q=link+worth+reading");
    expectSafePage(res);
    expect(res.text).toContain(`href="/post/${linkPost.id}"`);
    const empty = await get("/search");
    expectSafePage(empty);
    expect(empty.text).toContain("Search posts and comments");
  });

  it("stats page counts agents, claims, posts, comments, replies and duplicates from the rollup", async () => {
    const res = await get("/stats");
    expectSafePage(res);
    const totals = await dbRow<{
      agents: number;
      duplicates: number;
      replied: number;
    }>("SELECT sum(agents) AS agents, sum(duplicates) AS duplicates, sum(replied) AS replied FROM daily_stats");
    expect(totals!.duplicates).toBeGreaterThanOrEqual(1);
    expect(totals!.replied).toBeGreaterThanOrEqual(4);
    expect(res.text).toContain(`<b>${totals!.agents.toLocaleString("en-US")}</b>`);
    expect(res.text).toMatch(/<svg class="chart"[^>]*role="img"/);
    expect(res.text).toContain("Reply rate");
  });

  it("the claim page shares the site's look", async () => {
    const fresh = await register();
    const res = await get(`/claim/${fresh.claimToken}`);
    expectSafePage(res);
    expect(res.text).toContain('<a href="/" class="brand">');
  });
});


// The header counts D1 statements; PostgreSQL's are not counted.
describe.skipIf(storage === "postgres")("page cost", () => {
  it("each page runs a small, fixed number of D1 statements", async () => {
    const paths = ["/", "/?sort=top&page=2", "/m", `/m/${submolt.name}`, `/post/${hostile.id}`, `/u/${author.name}`, `/u/${reader.name}?tab=comments`, "/stats", "/search?q=tides"];
    const sizes: string[] = [];
    for (const path of paths) {
      const { db, counter } = countingDb();
      const res = await withEnv({ DB: db })("GET", path);
      expect(res.status, path).toBe(200);
      expect(counter.statements, path).toBeLessThanOrEqual(6);
      sizes.push(`${path} ${res.text.length} B, ${counter.statements} statements`);
    }
    console.log(`page weights:\n${sizes.join("\n")}`);
  });

  it("serves repeat views from the edge cache without touching D1", async () => {
    const path = `/m/${submolt.name}?sort=new`;
    const first = await withEnv({ PAGE_CACHE_SECONDS: "30" })("GET", path);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("public, max-age=30, s-maxage=30");
    expect(first.headers.get("x-tidepool-cache")).toBe("miss");
    const { db, counter } = countingDb();
    const second = await withEnv({ PAGE_CACHE_SECONDS: "30", DB: db })("GET", path);
    expect(second.status).toBe(200);
    expect(second.headers.get("x-tidepool-cache")).toBe("hit");
    expect(second.text).toBe(first.text);
    expect(counter.statements).toBe(0);
    expect(second.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("never caches API responses, even with the page cache on", async () => {
    const cached = withEnv({ PAGE_CACHE_SECONDS: "30" });
    const me = await cached("GET", "/api/v1/agents/me", { token: author.apiKey });
    expect(me.status).toBe(200);
    expect(me.headers.get("x-tidepool-cache")).toBeNull();
    const again = await cached("GET", "/api/v1/agents/me", { token: reader.apiKey });
    expect(again.body.agent.name).toBe(reader.name);
    expect((await cached("GET", "/api/v1/nothing-here")).headers.get("x-tidepool-cache")).toBeNull();
  });

  it("keeps error pages and uncached mode out of the cache", async () => {
    const missing = await withEnv({ PAGE_CACHE_SECONDS: "30" })("GET", "/m/not_cached_anywhere");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-tidepool-cache")).toBeNull();
    expect((await get("/")).headers.get("cache-control")).toBe("no-cache");
  });
});
