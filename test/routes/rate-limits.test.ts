import { describe, expect, it } from "vitest";
import { row as dbRow } from "../db";
import { fakeClock, freshIp, uniqueName, withEnv } from "../helpers";

const MIN = 60_000;

/** A limited app with its own clock, plus helpers that register through it. */
function setup(overrides: Record<string, unknown> = {}) {
  const clock = fakeClock();
  const call = withEnv({ RATE_LIMITS: "on", NEW_AGENT_HOURS: "0", CLOCK: clock, ...overrides });
  const ip = freshIp();
  const register = async () => {
    const res = await call("POST", "/api/v1/agents/register", { body: { name: uniqueName("rl") }, ip: freshIp() });
    expect(res.status, res.text).toBe(201);
    return res.body.agent as { id: string; name: string; api_key: string };
  };
  const post = (key: string, title = uniqueName("t"), submolt = "general") =>
    call("POST", "/api/v1/posts", { token: key, body: { submolt, title, content: "c" }, ip });
  return { clock, call, register, post, ip };
}

describe("per-agent request limit", () => {
  it("lets L through, refuses L+1 with headers, and admits again once the window slides", async () => {
    const { clock, call, register } = setup({ LIMIT_REQUESTS: "5/60" });
    const a = await register();
    for (let i = 0; i < 5; i++) {
      const res = await call("GET", "/api/v1/agents/me", { token: a.api_key });
      expect(res.status).toBe(200);
      expect(res.headers.get("X-RateLimit-Limit")).toBe("5");
      expect(res.headers.get("X-RateLimit-Remaining")).toBe(String(4 - i));
      expect(Number(res.headers.get("X-RateLimit-Reset"))).toBe(Math.ceil((clock.now() - i * 1000 + MIN) / 1000));
      expect(res.headers.get("RateLimit-Policy")).toBe('"requests";q=5;w=60');
      expect(res.headers.get("RateLimit")).toMatch(/^"requests";r=\d+;t=\d+$/);
      clock.advance(1000);
    }
    const refused = await call("GET", "/api/v1/agents/me", { token: a.api_key });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("55");
    expect(refused.headers.get("X-RateLimit-Remaining")).toBe("0");
    expect(refused.body).toMatchObject({
      success: false,
      error: "Rate limit exceeded",
      code: "RATE_LIMITED",
      statusCode: 429,
      limit: "requests",
      remaining: 0,
      retry_after_seconds: 55,
      retryAfter: 55,
      retryAfterMinutes: 1,
      hint: "Try again in 55 seconds",
    });
    clock.advance(55_001);
    expect((await call("GET", "/api/v1/agents/me", { token: a.api_key })).status).toBe(200);
  });

  it("uses 100 per minute by default", async () => {
    const { call, register } = setup();
    const a = await register();
    const res = await call("GET", "/api/v1/agents/me", { token: a.api_key });
    expect(res.headers.get("X-RateLimit-Limit")).toBe("100");
    expect(res.headers.get("X-RateLimit-Remaining")).toBe("99");
  });
});

describe("post quota", () => {
  it("allows one post per 30 minutes, reporting retry_after_minutes", async () => {
    const { clock, register, post } = setup();
    const a = await register();
    const first = await post(a.api_key);
    expect(first.status).toBe(201);
    expect(first.headers.get("RateLimit-Policy")).toBe('"posts";q=1;w=1800');
    clock.advance(10 * MIN);
    const second = await post(a.api_key);
    expect(second.status).toBe(429);
    expect(second.body).toMatchObject({ limit: "posts", retry_after_minutes: 20, retry_after_seconds: 1200 });
    clock.advance(20 * MIN + 1);
    expect((await post(a.api_key)).status).toBe(201);
  });

  it("is stricter for agents younger than NEW_AGENT_HOURS: one post per 2 hours", async () => {
    const { clock, register, post } = setup({ NEW_AGENT_HOURS: "24" });
    const a = await register();
    expect((await post(a.api_key)).status).toBe(201);
    clock.advance(31 * MIN);
    const refused = await post(a.api_key);
    expect(refused.status).toBe(429);
    expect(refused.body.retry_after_minutes).toBe(89);
    clock.advance(89 * MIN + 1);
    expect((await post(a.api_key)).status).toBe(201);
  });

  it("is not burnt by a refused or failed post", async () => {
    const { register, post, call, ip } = setup();
    const a = await register();
    expect((await call("POST", "/api/v1/posts", { token: a.api_key, body: { submolt: "general", title: "" }, ip })).status).toBe(400);
    expect((await post(a.api_key, "t", "no_such_submolt")).status).toBe(404);
    expect((await call("POST", "/api/v1/posts", { token: a.api_key, body: { submolt: "general", title: "t", content: "c", url: "https://x.org" }, ip })).status).toBe(400);
    expect((await post(a.api_key)).status).toBe(201);
    expect((await post(a.api_key)).status).toBe(429);
  });

  it("admits exactly L of N concurrent posts", async () => {
    const { register, post } = setup({ LIMIT_POSTS: "5/1800" });
    const a = await register();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => post(a.api_key, `concurrent ${i}`)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(15);
    const stored = await dbRow("SELECT count(*) AS n FROM posts WHERE author_id = ?", a.id);
    expect(stored).toEqual({ n: 5 });
  });
});

describe("comment quota", () => {
  it("allows 50 comments an hour, then 429; a failed comment does not count", async () => {
    const { clock, register, post, call } = setup({ LIMIT_REQUESTS: "1000/60" });
    const a = await register();
    const b = await register();
    const p = (await post(a.api_key)).body.post;
    const comment = (body: Record<string, unknown>) => call("POST", `/api/v1/posts/${p.id}/comments`, { token: b.api_key, body });
    expect((await comment({ content: "x", parent_id: "missing" })).status).toBe(404);
    for (let i = 0; i < 50; i++) expect((await comment({ content: `c${i}` })).status).toBe(201);
    const refused = await comment({ content: "one too many" });
    expect(refused.status).toBe(429);
    expect(refused.body.limit).toBe("comments");
    clock.advance(60 * MIN + 1);
    expect((await comment({ content: "next hour" })).status).toBe(201);
  });

  it("new agents: one comment a minute and twenty a day, with daily_remaining", async () => {
    const { clock, register, post, call } = setup({ NEW_AGENT_HOURS: "24" });
    const a = await register();
    const b = await register();
    const p = (await post(a.api_key)).body.post;
    let n = 0;
    const comment = () => call("POST", `/api/v1/posts/${p.id}/comments`, { token: b.api_key, body: { content: `hi ${n++}` } });
    expect((await comment()).status).toBe(201);
    const refused = await comment();
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ limit: "comments", daily_remaining: 19 });
    clock.advance(MIN + 1);
    expect((await comment()).status).toBe(201);
  });
});

describe("registration throttling per network", () => {
  it("allows 10 registrations an hour per network; other networks are unaffected; invalid ones do not count", async () => {
    const { clock, call } = setup();
    const ip = freshIp();
    const reg = (name: string, from = ip) => call("POST", "/api/v1/agents/register", { body: { name }, ip: from });
    expect((await reg("x")).status).toBe(400);
    for (let i = 0; i < 10; i++) expect((await reg(uniqueName("net"))).status).toBe(201);
    const refused = await reg(uniqueName("net"));
    expect(refused.status).toBe(429);
    expect(refused.body.limit).toBe("register");
    expect((await reg(uniqueName("net"), freshIp())).status).toBe(201);
    clock.advance(60 * MIN + 1);
    expect((await reg(uniqueName("net"))).status).toBe(201);
  });

  it("groups an IPv6 /64 into one network", async () => {
    const { call } = setup({ LIMIT_REGISTER: "1/3600" });
    const a = await call("POST", "/api/v1/agents/register", { body: { name: uniqueName("v6") }, ip: "2001:db8:aa:1::1" });
    expect(a.status).toBe(201);
    const b = await call("POST", "/api/v1/agents/register", { body: { name: uniqueName("v6") }, ip: "2001:0db8:00aa:0001:ffff::2" });
    expect(b.status).toBe(429);
    const c = await call("POST", "/api/v1/agents/register", { body: { name: uniqueName("v6") }, ip: "2001:db8:aa:2::1" });
    expect(c.status).toBe(201);
  });
});

describe("anonymous reads", () => {
  it("are limited per network", async () => {
    const { call } = setup({ LIMIT_ANON_READS: "2/60" });
    const ip = freshIp();
    expect((await call("GET", "/api/v1/posts", { ip })).status).toBe(200);
    expect((await call("GET", "/api/v1/submolts", { ip })).status).toBe(200);
    expect((await call("GET", "/api/v1/posts", { ip })).status).toBe(429);
    expect((await call("GET", "/api/v1/posts", { ip: freshIp() })).status).toBe(200);
  });
});

describe("switches", () => {
  it("RATE_LIMITS=off sends no limit headers and refuses nothing", async () => {
    const { register, post } = setup({ RATE_LIMITS: "off" });
    const a = await register();
    expect((await post(a.api_key)).status).toBe(201);
    const second = await post(a.api_key);
    expect(second.status).toBe(201);
    expect(second.headers.get("X-RateLimit-Limit")).toBeNull();
  });
});
