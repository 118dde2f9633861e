import { describe, expect, it } from "vitest";
import { row as dbRow, storage } from "../db";
import { unreachableGate } from "../faults/inject";
import { fakeClock, freshIp, gateOf, uniqueName, withEnv } from "../helpers";

// Gate calls per request as benchmark servers count them (X-Tidepool-Gate-Calls: calls made before
// the response; the write's bookmark follows it), with rate limits on as deployed.
function setup(overrides: Record<string, unknown> = {}) {
  const clock = fakeClock();
  const call = withEnv({ RATE_LIMITS: "on", NEW_AGENT_HOURS: "0", BENCH_ROUTES: "on", CLOCK: clock, ...overrides });
  const register = async () => {
    const res = await call("POST", "/api/v1/agents/register", { body: { name: uniqueName("gc") }, ip: freshIp() });
    expect(res.status, res.text).toBe(201);
    return res.body.agent as { id: string; name: string; api_key: string };
  };
  return { clock, call, register };
}

const gateCalls = (res: { headers: Headers }) => Number(res.headers.get("X-Tidepool-Gate-Calls"));

describe("one Gate call per request", () => {
  it("admission, the request quota and the write's own bucket are one call; the bookmark arrives after the response", async () => {
    const { call, register } = setup();
    const a = await register();
    const me = await call("GET", "/api/v1/agents/me", { token: a.api_key });
    expect(me.status).toBe(200);
    expect(gateCalls(me)).toBe(1);

    const post = await call("POST", "/api/v1/posts", { token: a.api_key, body: { submolt: "general", title: uniqueName("t"), content: "one call" } });
    expect(post.status, post.text).toBe(201);
    expect(gateCalls(post)).toBe(1);
    // The posts bucket was taken in that call: the next post is refused by it.
    expect(post.headers.get("RateLimit-Policy")).toBe('"posts";q=1;w=1800');
    // The write's D1 bookmark reached the Gate after the response: the agent reads from it, not the
    // primary (PostgreSQL has no bookmarks: its one server is the primary).
    if (storage === "d1") expect((await gateOf(a.id).admit(null, [], Date.now())).readFrom).toMatch(/^[0-9a-f]{8}-/);

    const comment = await call("POST", `/api/v1/posts/${post.body.post.id}/comments`, { token: a.api_key, body: { content: "and one comment" } });
    expect(comment.status, comment.text).toBe(201);
    expect(gateCalls(comment)).toBe(1);
    expect(comment.headers.get("RateLimit-Policy")).toBe('"comments";q=50;w=3600');
    const vote = await call("POST", `/api/v1/posts/${post.body.post.id}/upvote`, { token: (await register()).api_key });
    expect(vote.status, vote.text).toBe(200);
    expect(gateCalls(vote)).toBe(1);
  });

  it("a refused write counts as a request, and its full bucket is then answered without asking the Gate", async () => {
    const { call, register } = setup();
    const a = await register();
    const post = () => call("POST", "/api/v1/posts", { token: a.api_key, body: { submolt: "general", title: uniqueName("t"), content: "c" } });
    expect((await post()).status).toBe(201);
    const refused = await post();
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ limit: "posts", retry_after_minutes: 30 });
    expect(gateCalls(refused)).toBe(1);
    const shed = await post();
    expect(shed.status).toBe(429);
    expect(shed.body).toMatchObject({ code: "RATE_LIMITED", limit: "posts", window: "posts", retry_after_minutes: 30 });
    expect(shed.headers.get("Retry-After")).toBe("1800");
    expect(gateCalls(shed)).toBe(0);
    // Reads are another window: still admitted by the Gate.
    expect((await call("GET", "/api/v1/agents/me", { token: a.api_key })).status).toBe(200);
  });

  it("a write that stores nothing gives its bucket back; the request quota keeps it", async () => {
    const { call, register } = setup({ LIMIT_REQUESTS: "5/60" });
    const a = await register();
    const nowhere = await call("POST", "/api/v1/posts", { token: a.api_key, body: { submolt: "no_such_place", title: "t", content: "c" } });
    expect(nowhere.status).toBe(404);
    const invalid = await call("POST", "/api/v1/posts", { token: a.api_key, body: { submolt: "general" } });
    expect(invalid.status).toBe(400);
    const ok = await call("POST", "/api/v1/posts", { token: a.api_key, body: { submolt: "general", title: uniqueName("t"), content: "c" } });
    expect(ok.status, ok.text).toBe(201);
    // Three requests paid: two of five left after the third.
    expect((await call("GET", "/api/v1/agents/me", { token: a.api_key })).headers.get("X-RateLimit-Remaining")).toBe("1");
  });
});

describe("shedding before the Gate", () => {
  it("answers a window the Gate called full here until it frees, then asks again", async () => {
    const { clock, call } = setup({ LIMIT_ANON_READS: "3/60" });
    const ip = freshIp();
    for (let i = 0; i < 3; i++) expect(gateCalls(await call("GET", "/api/v1/posts?sort=new", { ip }))).toBe(1);
    const refused = await call("GET", "/api/v1/posts?sort=new", { ip });
    expect([refused.status, gateCalls(refused)]).toEqual([429, 1]);
    for (let i = 0; i < 20; i++) {
      const shed = await call("GET", "/api/v1/posts?sort=new", { ip });
      expect([shed.status, gateCalls(shed)]).toEqual([429, 0]);
      expect(shed.body).toMatchObject({ success: false, code: "RATE_LIMITED", limit: "anon_reads" });
    }
    // Another network is its own window.
    expect((await call("GET", "/api/v1/posts?sort=new", { ip: freshIp() })).status).toBe(200);
    clock.advance(60_001);
    const again = await call("GET", "/api/v1/posts?sort=new", { ip });
    expect([again.status, gateCalls(again)]).toEqual([200, 1]);
  });

  it("keeps limiting a flood while the Gate answers overloaded: reads pass up to the limit, then 429s keep coming", async () => {
    const { clock, register } = setup({ LIMIT_ANON_READS: "20/60", LIMIT_REQUESTS: "10/60" });
    const a = await register();
    const overloaded = withEnv({ RATE_LIMITS: "on", NEW_AGENT_HOURS: "0", CLOCK: clock, LIMIT_ANON_READS: "20/60", LIMIT_REQUESTS: "10/60", GATE: unreachableGate });
    const ip = freshIp();
    const statuses = async (n: number, send: () => Promise<{ status: number }>) => {
      const seen: Record<number, number> = {};
      for (let i = 0; i < n; i++) {
        const { status } = await send();
        seen[status] = (seen[status] ?? 0) + 1;
      }
      return seen;
    };
    expect(await statuses(60, () => overloaded("GET", "/api/v1/posts?sort=new&limit=1", { ip }))).toEqual({ 200: 20, 429: 40 });
    expect(await statuses(30, () => overloaded("GET", "/api/v1/agents/me", { token: a.api_key, ip }))).toEqual({ 200: 10, 429: 20 });
    // Writes are never uncounted: refused while the Gate is down.
    const title = uniqueName("t");
    expect((await overloaded("POST", "/api/v1/posts", { token: a.api_key, body: { submolt: "general", title, content: "c" } })).status).toBe(503);
    expect(await dbRow("SELECT id FROM posts WHERE title = ?", title)).toBeNull();
    clock.advance(60_000);
    expect((await overloaded("GET", "/api/v1/posts?sort=new&limit=1", { ip })).status).toBe(200);
  });
});
