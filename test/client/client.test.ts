// The typed client against the Worker in the test pool: its fetch is the Worker's handler, and a
// wrapper in between plays the network (lost responses, 429s, 503s, dropped connections).
import { describe, expect, it } from "vitest";
import { row as dbRow } from "../db";
import { Tidepool, TidepoolError, type TidepoolOptions } from "../../client/src/index.js";
import { freshIp, ORIGIN, uniqueName, workerFetch } from "../helpers";

type Hook = (request: Request, forward: (r: Request) => Promise<Response>) => Promise<Response>;

/** A client on the Worker; `hook` sees each request first. Waits are recorded, never slept. */
function setup(o: Partial<TidepoolOptions> & { hook?: Hook; bindings?: Record<string, unknown> } = {}) {
  const ip = freshIp();
  const worker = workerFetch(o.bindings);
  const forward = (r: Request) => {
    const headers = new Headers(r.headers);
    headers.set("cf-connecting-ip", ip);
    return worker(new Request(r, { headers }));
  };
  const seen: Request[] = [];
  const waits: number[] = [];
  const client = new Tidepool({
    baseUrl: `${ORIGIN}/api/v1`,
    sleep: async (ms) => void waits.push(ms),
    ...o,
    fetch: async (r) => {
      seen.push(r.clone());
      return o.hook ? o.hook(r, forward) : forward(r);
    },
  });
  return { client, seen, waits };
}

async function registered(o: Parameters<typeof setup>[0] = {}) {
  const s = setup(o);
  const reg = await s.client.agents.register({ name: uniqueName("cl"), description: "client test" });
  s.seen.length = 0;
  return { ...s, reg };
}

const count = async (sql: string, ...args: unknown[]) => (await dbRow<{ n: number }>(sql, ...args))!.n;

/** A request's path: the client's reads carry ?view=compact. */
const pathOf = (r: Request) => new URL(r.url).pathname;

const unavailable = () =>
  Response.json({ success: false, error: "Service unavailable", code: "SERVICE_UNAVAILABLE", hint: "retry" }, { status: 503, headers: { "Retry-After": "2" } });

describe("typed calls", () => {
  it("registers, then acts with the new key: post, comment, vote, feed, search", async () => {
    const a = await registered();
    const b = await registered();
    expect((await a.client.agents.me()).agent.name).toBe(a.reg.agent.name);
    const { post } = await a.client.posts.create({ submolt_name: "general", title: "Kelp forests at dusk", content: "Sea otters wrap themselves in kelp to sleep." });
    expect(post.author.name).toBe(a.reg.agent.name);
    const { comment } = await b.client.posts.comment(post.id, { content: "They hold hands too." });
    const vote = await b.client.posts.upvote(post.id);
    expect(vote).toMatchObject({ action: "upvoted", score: 1 });
    expect((await b.client.posts.upvote(post.id)).action).toBe("unchanged");
    // Reads come in the compact view by default: each field once, authors as names.
    const read = await a.client.posts.get(post.id);
    expect(read.view).toBe("compact");
    expect(read.post).toMatchObject({ upvotes: 1, author: a.reg.agent.name, submolt: "general" });
    expect(read.comments?.map((c) => c.id)).toEqual([comment.id]);
    // call() asks for the full view.
    const full = await a.client.call("get", "/api/v1/posts/{id}", { path: { id: post.id } });
    expect(full.post).toMatchObject({ author: { name: a.reg.agent.name }, author_name: a.reg.agent.name, userVote: null });
    await b.client.agents.follow(a.reg.agent.name);
    expect((await b.client.feed({ sort: "new" })).posts?.map((p) => p.id)).toContain(post.id);
    const found = await b.client.search({ q: "otters kelp sleep" });
    expect(found.results?.map((r) => r.id)).toContain(post.id);
    const hit = found.results?.find((r) => r.id === post.id);
    expect(hit).toMatchObject({ type: "post", author: a.reg.agent.name });
    expect(hit).not.toHaveProperty("flags");
  });

  it("runs a DM conversation end to end", async () => {
    const a = await registered();
    const b = await registered();
    const req = await a.client.dms.request({ to: b.reg.agent.name, message: "Hello from the kelp forest!" });
    expect((await b.client.dms.requests()).requests?.items?.map((i) => i.conversation_id)).toEqual([req.conversation_id]);
    await b.client.dms.approve(req.conversation_id);
    await a.client.dms.send(req.conversation_id, { message: "Want to compare tide tables?", needs_human_input: true });
    const convo = await b.client.dms.conversation(req.conversation_id);
    expect(convo.messages?.at(-1)).toMatchObject({ content: "Want to compare tide tables?", needs_human_input: true, sender: { name: a.reg.agent.name } });
  });

  it("throws the server's error envelope as a TidepoolError, without retrying a client mistake", async () => {
    const a = await registered();
    const err = await a.client.posts.get("00000000-0000-7000-8000-00000000dead").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TidepoolError);
    expect(err).toMatchObject({ status: 404, code: "NOT_FOUND", message: "Post not found" });
    expect((err as TidepoolError).hint).not.toBe("");
    await expect(a.client.posts.create({ submolt_name: "general", title: "" })).rejects.toMatchObject({ status: 400, code: "VALIDATION_ERROR" });
    expect(a.seen).toHaveLength(2);
    expect(a.waits).toEqual([]);
  });

  it("refuses keyed calls without a key before touching the network", async () => {
    const s = setup();
    await expect(s.client.agents.me()).rejects.toMatchObject({ code: "NO_API_KEY" });
    await expect(s.client.posts.create({ submolt_name: "general", title: "x" })).rejects.toMatchObject({ code: "NO_API_KEY" });
    expect(s.seen).toHaveLength(0);
    expect((await s.client.posts.list({ limit: 1 })).success).toBe(true);
  });

  it("refuses to send a key over plain http to another machine; a keyless client still reads", async () => {
    const seen: Request[] = [];
    const client = new Tidepool({ baseUrl: "http://tidepool.test", apiKey: "moltbook_sk_notarealkeynotarealkeynotarealkeynotareal", fetch: async (r) => (seen.push(r), workerFetch()(r)) });
    await expect(client.agents.me()).rejects.toMatchObject({ code: "INSECURE_TRANSPORT" });
    await expect(client.posts.list({ limit: 1 })).rejects.toMatchObject({ code: "INSECURE_TRANSPORT" });
    expect(seen).toHaveLength(0);
    const anonymous = new Tidepool({ baseUrl: "http://tidepool.test", fetch: async (r) => (seen.push(r), workerFetch()(r)) });
    expect((await anonymous.posts.list({ limit: 1 })).success).toBe(true);
    expect(seen.map((r) => r.headers.get("authorization"))).toEqual([null]);
  });

  it("does not follow a redirect with the credential attached", async () => {
    const a = await registered({ hook: async (r, forward) => (pathOf(r).endsWith("/agents/me") ? new Response(null, { status: 301, headers: { location: "https://elsewhere.example/api/v1/agents/me" } }) : forward(r)) });
    await expect(a.client.agents.me()).rejects.toMatchObject({ status: 301 });
    expect(a.seen.map((r) => new URL(r.url).host)).toEqual(["tidepool.test"]);
  });
});

describe("retries", () => {
  it("puts an Idempotency-Key on every POST and keeps it across retries, so a lost response still creates once", async () => {
    let lose = 1;
    const a = await registered({
      hook: async (r, forward) => {
        const res = await forward(r);
        // The create lands, but the answer is lost on the way back (a proxy's 503).
        return r.method === "POST" && r.url.endsWith("/posts") && lose-- > 0 ? unavailable() : res;
      },
    });
    const title = `Tide pools ${uniqueName()}`;
    const { post } = await a.client.posts.create({ submolt_name: "general", title, content: "Anemones close when touched." });
    const posts = a.seen.filter((r) => r.method === "POST");
    expect(posts).toHaveLength(2);
    const keys = posts.map((r) => r.headers.get("idempotency-key"));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(a.waits).toEqual([2000]);
    expect(await count("SELECT count(*) AS n FROM posts WHERE title = ?", title)).toBe(1);
    expect(post.title).toBe(title);
    // Another create gets another key.
    await a.client.posts.upvote(post.id).catch(() => undefined);
    expect(a.seen.at(-1)!.headers.get("idempotency-key")).not.toBe(keys[0]);
  });

  it("retries a dropped connection and a 503, then succeeds", async () => {
    let attempt = 0;
    const a = await registered({
      hook: async (r, forward) => {
        if (!pathOf(r).endsWith("/agents/me")) return forward(r);
        attempt++;
        if (attempt === 1) throw new TypeError("fetch failed: connection reset");
        return attempt === 2 ? unavailable() : forward(r);
      },
    });
    expect((await a.client.agents.me()).agent.name).toBe(a.reg.agent.name);
    expect(a.seen).toHaveLength(3);
    expect(a.waits[0]).toBeGreaterThanOrEqual(0);
    expect(a.waits[0]).toBeLessThanOrEqual(500);
    expect(a.waits[1]).toBe(2000);
  });

  it("gives up after the configured retries with the last error", async () => {
    const a = await registered({
      retry: { retries: 2, baseDelayMs: 100, maxDelayMs: 1000 },
      hook: async (r, forward) =>
        pathOf(r).endsWith("/agents/me") ? Response.json({ success: false, error: "Internal server error", code: "INTERNAL_ERROR", hint: "" }, { status: 500 }) : forward(r),
    });
    await expect(a.client.agents.me()).rejects.toMatchObject({ status: 500, code: "INTERNAL_ERROR" });
    expect(a.seen).toHaveLength(3);
    expect(a.waits).toHaveLength(2);
    a.waits.forEach((w, i) => expect(w).toBeLessThanOrEqual(100 * 2 ** i));
  });

  it("waits out a short Retry-After but returns a long cooldown at once (a real 30-minute post limit)", async () => {
    const a = await registered({ bindings: { RATE_LIMITS: "on" } });
    const made = await a.client.posts.create({ submolt_name: "general", title: "First", content: "one" });
    expect(made.success).toBe(true);
    const err = (await a.client.posts.create({ submolt_name: "general", title: "Second", content: "two" }).catch((e: unknown) => e)) as TidepoolError;
    expect(err).toMatchObject({ status: 429, code: "RATE_LIMITED" });
    expect(err.retryAfterSeconds).toBeGreaterThan(60);
    expect(a.waits).toEqual([]);
    expect(a.seen.filter((r) => r.method === "POST")).toHaveLength(2);

    let throttled = 1;
    const b = await registered({
      hook: async (r, forward) =>
        r.method === "GET" && throttled-- > 0 ? Response.json({ success: false, error: "Rate limit exceeded", code: "RATE_LIMITED" }, { status: 429, headers: { "Retry-After": "3" } }) : forward(r),
    });
    await b.client.agents.me();
    expect(b.waits).toEqual([3000]);
  });

  it("retries an idempotent create still in flight (409 IDEMPOTENCY_IN_PROGRESS)", async () => {
    let busy = 1;
    const a = await registered({
      hook: async (r, forward) =>
        r.url.endsWith("/posts") && busy-- > 0 ? Response.json({ success: false, error: "in progress", code: "IDEMPOTENCY_IN_PROGRESS", hint: "" }, { status: 409 }) : forward(r),
    });
    const { post } = await a.client.posts.create({ submolt_name: "general", title: `Busy ${uniqueName()}`, content: "x" });
    expect(post.id).toBeTruthy();
    expect(a.seen).toHaveLength(2);
  });
});

describe("JWT auth", () => {
  it("sends the key only to the token exchange and reuses the token until it nears expiry", async () => {
    let now = Date.now();
    const a = await registered({ auth: "jwt", now: () => now });
    const key = a.reg.agent.api_key;
    await a.client.agents.me();
    await a.client.posts.list({ limit: 1 });
    await a.client.agents.status();
    const auths = a.seen.map((r) => [new URL(r.url).pathname, r.headers.get("authorization")]);
    expect(auths[0]).toEqual(["/api/v1/auth/token", `Bearer ${key}`]);
    expect(auths.slice(1).every(([, h]) => h !== `Bearer ${key}` && /^Bearer ey/.test(h ?? ""))).toBe(true);
    expect(auths.filter(([p]) => p === "/api/v1/auth/token")).toHaveLength(1);

    now += 850_000; // 15-minute token, under a minute left: the next call mints a fresh one first
    await a.client.agents.me();
    expect(a.seen.filter((r) => r.url.endsWith("/auth/token"))).toHaveLength(2);
  });

  it("mints a new token once when the server rejects the current one, and shares one mint between concurrent calls", async () => {
    let reject = 1;
    const a = await registered({
      auth: "jwt",
      hook: async (r, forward) =>
        pathOf(r).endsWith("/agents/me") && reject-- > 0
          ? Response.json({ success: false, error: "Invalid or expired token", code: "UNAUTHORIZED", hint: "" }, { status: 401 })
          : forward(r),
    });
    await Promise.all([a.client.agents.me(), a.client.agents.status(), a.client.posts.list({ limit: 1 })]);
    expect(a.seen.filter((r) => r.url.endsWith("/auth/token"))).toHaveLength(2);
    expect(a.seen.filter((r) => pathOf(r).endsWith("/agents/me"))).toHaveLength(2);
  });

  it("refreshes once, not in a loop, when the server keeps refusing the token", async () => {
    const a = await registered({
      auth: "jwt",
      hook: async (r, forward) =>
        pathOf(r).endsWith("/agents/me") ? Response.json({ success: false, error: "Invalid or expired token", code: "UNAUTHORIZED", hint: "" }, { status: 401 }) : forward(r),
    });
    await expect(a.client.agents.me()).rejects.toMatchObject({ status: 401, message: "Invalid or expired token" });
    expect(a.seen.filter((r) => r.url.endsWith("/auth/token"))).toHaveLength(2);
    expect(a.seen.filter((r) => pathOf(r).endsWith("/agents/me"))).toHaveLength(2);
    expect(a.waits).toEqual([]);
  });

  it("switches to the rotated key, and the key routes always get the key", async () => {
    const a = await registered({ auth: "jwt" });
    const rotated = await a.client.keys.rotate({ grace_seconds: 0 });
    expect(rotated.api_key).not.toBe(a.reg.agent.api_key);
    const keys = await a.client.keys.list();
    expect(keys.keys.length).toBeGreaterThanOrEqual(1);
    expect(a.seen.filter((r) => r.url.includes("/keys")).map((r) => r.headers.get("authorization"))).toEqual([`Bearer ${a.reg.agent.api_key}`, `Bearer ${rotated.api_key}`]);
    await a.client.agents.me();
    expect(a.seen.find((r) => r.url.endsWith("/auth/token"))!.headers.get("authorization")).toBe(`Bearer ${rotated.api_key}`);
  });
});
