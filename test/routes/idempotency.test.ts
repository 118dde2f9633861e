import { describe, expect, it } from "vitest";
import { row as dbRow, run as dbRun } from "../db";
import { REDACTED } from "../../worker/middleware/idempotency";
import { dumpDatabase, fakeClock, freshIp, uniqueName, withEnv } from "../helpers";

function setup() {
  const clock = fakeClock();
  const call = withEnv({ RATE_LIMITS: "on", NEW_AGENT_HOURS: "0", CLOCK: clock });
  const register = async () => (await call("POST", "/api/v1/agents/register", { body: { name: uniqueName("idem") }, ip: freshIp() })).body.agent as {
    id: string;
    api_key: string;
  };
  const post = (key: string, idem: string, title: string) =>
    call("POST", "/api/v1/posts", { token: key, body: { submolt: "general", title, content: "c" }, headers: { "Idempotency-Key": idem } });
  return { clock, call, register, post };
}

const postsBy = async (id: string) => (await dbRow<{ n: number }>("SELECT count(*) AS n FROM posts WHERE author_id = ?", id))!.n;

describe("Idempotency-Key", () => {
  it("replays the first response for the same key and body, creating nothing and costing no quota", async () => {
    const { post, register } = setup();
    const a = await register();
    const first = await post(a.api_key, "k-1", "once");
    expect(first.status).toBe(201);
    const again = await post(a.api_key, "k-1", "once");
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(await postsBy(a.id)).toBe(1);
    // The post quota (1 per 30 min) was paid once: a different key now hits it.
    expect((await post(a.api_key, "k-2", "second")).status).toBe(429);
  });

  it("refuses the same key with a different body (422) and scopes keys per agent", async () => {
    const { post, register } = setup();
    const a = await register();
    const b = await register();
    expect((await post(a.api_key, "shared", "from a")).status).toBe(201);
    const mismatch = await post(a.api_key, "shared", "changed body");
    expect(mismatch.status).toBe(422);
    expect(mismatch.body).toMatchObject({ success: false, code: "IDEMPOTENCY_MISMATCH" });
    const other = await post(b.api_key, "shared", "from b");
    expect(other.status).toBe(201);
    expect(other.headers.get("Idempotent-Replayed")).toBeNull();
    expect(other.body.post.title).toBe("from b");
  });

  it("keeps 4xx outcomes but not 429, and expires after 24 hours", async () => {
    const { call, clock, post, register } = setup();
    const a = await register();
    const missing = () =>
      call("POST", "/api/v1/posts", { token: a.api_key, body: { submolt: "nowhere_at_all", title: "t" }, headers: { "Idempotency-Key": "k-404" } });
    expect((await missing()).status).toBe(404);
    const replay = await missing();
    expect(replay.status).toBe(404);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");

    expect((await post(a.api_key, "k-a", "first")).status).toBe(201);
    expect((await post(a.api_key, "k-b", "limited")).status).toBe(429);
    clock.advance(31 * 60_000);
    const retried = await post(a.api_key, "k-b", "limited");
    expect(retried.status).toBe(201);
    expect(retried.headers.get("Idempotent-Replayed")).toBeNull();

    clock.advance(24 * 3_600_000 + 1);
    const reused = await post(a.api_key, "k-a", "first");
    expect(reused.status).toBe(201);
    expect(reused.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await postsBy(a.id)).toBe(3);
  });

  it("answers 409 while the first request is in flight, and 400 for a malformed key", async () => {
    const { post, register, clock } = setup();
    const a = await register();
    const body = new TextEncoder().encode(JSON.stringify({ submolt: "general", title: "t", content: "c" }));
    const hash = [...new Uint8Array(await crypto.subtle.digest("SHA-256", body))].map((b) => b.toString(16).padStart(2, "0")).join("");
    await dbRun(
      "INSERT INTO idempotency_keys (principal, key, method, path, body_hash, state, created_at) VALUES (?, 'busy', 'POST', '/api/v1/posts', ?, 'pending', ?)",
      `agent:${a.id}`, hash, clock.now());
    const busy = await post(a.api_key, "busy", "t");
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe("IDEMPOTENCY_IN_PROGRESS");
    expect((await post(a.api_key, "bad key with spaces", "t")).status).toBe(400);
    expect((await post(a.api_key, "x".repeat(256), "t")).status).toBe(400);
  });

  it("makes registration retries safe without ever storing or replaying the key", async () => {
    const { call } = setup();
    const ip = freshIp();
    const name = uniqueName("reg");
    const reg = () => call("POST", "/api/v1/agents/register", { body: { name }, ip, headers: { "Idempotency-Key": "reg-1" } });
    const first = await reg();
    expect(first.status).toBe(201);
    const again = await reg();
    expect(again.status).toBe(201);
    expect(again.body.agent.id).toBe(first.body.agent.id);
    expect(again.body.agent.api_key).toBe(REDACTED);
    expect(again.body.api_key).toBe(REDACTED);
    expect(again.text).not.toContain(first.body.api_key);
    expect(await dumpDatabase()).not.toContain(first.body.api_key);
    expect(await dumpDatabase()).not.toContain(first.body.agent.claim_url.split("/claim/")[1]);
  });
});
