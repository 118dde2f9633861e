import { describe, expect, it } from "vitest";
import { row as dbRow, run as dbRun } from "../db";
import { VIEW_FRESH_MS } from "../../worker/middleware/agent-cache";
import { call, claim, fakeClock, gateOf, register, withEnv } from "../helpers";

const bench = withEnv({ BENCH_ROUTES: "on" });
const callsOf = (res: { headers: Headers }) => Number(res.headers.get("X-Tidepool-D1-Calls"));
const status = (token: string) => bench("GET", "/api/v1/agents/status", { token });

describe("the per-isolate credential cache", () => {
  it("costs no D1 call once warm, for a key and for a JWT", async () => {
    const a = await register();
    const cold = await status(a.apiKey);
    expect(cold.status).toBe(200);
    expect(callsOf(cold)).toBe(1); // the key's agent (its last_used_at stamp comes after the response)
    expect(cold.headers.get("X-Tidepool-D1-Auth-Calls")).toBe("1");
    const warm = await status(a.apiKey);
    expect(warm.status).toBe(200);
    expect(callsOf(warm)).toBe(0);
    expect(warm.headers.get("X-Tidepool-D1-Auth-Calls")).toBe("0");

    const jwt = (await call("POST", "/api/v1/auth/token", { token: a.apiKey, body: {} })).body.access_token as string;
    expect(callsOf(await status(jwt))).toBe(1);
    expect(callsOf(await status(jwt))).toBe(0);
  });

  it("refuses a suspended agent on the very next request, and lets it back on the next after resuming", async () => {
    const a = await register();
    const { ownerToken } = await claim(a);
    await status(a.apiKey);
    expect(callsOf(await bench("GET", "/api/v1/agents/me", { token: a.apiKey }))).toBe(1); // warm: only the profile read

    await call("POST", `/api/v1/owner/agents/${a.name}/suspend`, { token: ownerToken, body: { reason: "runaway loop" } });
    const refused = await call("GET", "/api/v1/agents/me", { token: a.apiKey });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ success: false, code: "AGENT_SUSPENDED", suspended_until: null, reason: "runaway loop" });
    const jwt = await call("POST", "/api/v1/auth/token", { token: a.apiKey, body: {} });
    expect(jwt.status).toBe(403);

    await call("POST", `/api/v1/owner/agents/${a.name}/resume`, { token: ownerToken, body: {} });
    expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).status).toBe(200);
  });

  it("refuses a revoked key on the very next request while the agent's other key goes on", async () => {
    const a = await register();
    const rotated = await call("POST", "/api/v1/agents/me/keys/rotate", { token: a.apiKey, body: { grace_seconds: 3600 } });
    const fresh = rotated.body.api_key as string;
    expect((await status(a.apiKey)).status).toBe(200);
    expect(callsOf(await status(a.apiKey))).toBe(0);

    const revoked = await call("DELETE", `/api/v1/agents/me/keys/${rotated.body.previous_key.key_id}`, { token: fresh });
    expect(revoked.status).toBe(200);
    expect((await status(a.apiKey)).status).toBe(401);
    expect((await status(fresh)).status).toBe(200);
  });

  it("trusts its copy only as far as the Gate confirms it: a change D1 alone knows of shows after the Gate's epoch moves", async () => {
    const a = await register();
    await status(a.apiKey);
    // Written behind the services' back: no Gate hears of it, so the warm copy still answers.
    await dbRun("UPDATE agents SET suspended_indefinitely = 1 WHERE id = ?", a.id);
    expect((await status(a.apiKey)).body.status).toBe("pending_claim");
    await gateOf(a.id).bump();
    const after = await status(a.apiKey);
    expect(after.body.status).toBe("suspended");
    expect(callsOf(after)).toBe(1);
  });

  it("refuses a key the Gate has ended even where D1 still holds it live (the Gate hears first)", async () => {
    const a = await register();
    const keyId = (await dbRow<{ id: string }>("SELECT id FROM api_keys WHERE agent_id = ?", a.id))!.id;
    await status(a.apiKey);
    await gateOf(a.id).endKeys([{ keyId, at: Date.now() - 1 }], Date.now());
    expect((await status(a.apiKey)).status).toBe(401);
    await gateOf(a.id).forgetKeyEnds([keyId]);
    expect((await status(a.apiKey)).status).toBe(200);
  });

  it("sees a claim at once: a claimed agent may write where claims are required", async () => {
    const a = await register();
    const strict = withEnv({ REQUIRE_CLAIM: "on" });
    const post = () => strict("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt: "general", title: `claimed ${a.name}`, content: "now I may" } });
    expect((await post()).status).toBe(403);
    await claim(a);
    expect((await post()).status).toBe(201);
  });

  it("answers /agents/me from its copy for at most VIEW_FRESH_MS: the agent's own writes and changes the Gate hears of show at once", async () => {
    const clock = fakeClock();
    const app = withEnv({ BENCH_ROUTES: "on", CLOCK: clock });
    const me = () => app("GET", "/api/v1/agents/me", { token: a.apiKey });
    const a = await register();
    const b = await register();
    expect(callsOf(await me())).toBe(2); // the key, then the profile
    const warm = await me();
    expect([warm.status, callsOf(warm), warm.body.agent.posts_count]).toEqual([200, 0, 0]);

    // Its own post: the next /agents/me reads again and counts it.
    expect((await app("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt: "general", title: `mine ${a.name}`, content: "counted" } })).status).toBe(201);
    const afterPost = await me();
    expect([callsOf(afterPost), afterPost.body.agent.posts_count]).toEqual([1, 1]);
    // Its own profile change shows at once.
    expect((await app("PATCH", "/api/v1/agents/me", { token: a.apiKey, body: { description: "edited" } })).status).toBe(200);
    expect((await me()).body.agent.description).toBe("edited");

    // Another agent's follow moves a counter the copy does not hear of: shown once the copy is VIEW_FRESH_MS old.
    await me();
    expect((await call("POST", `/api/v1/agents/${a.name}/follow`, { token: b.apiKey })).status).toBe(200);
    clock.advance(VIEW_FRESH_MS + 1);
    const later = await me();
    expect([callsOf(later), later.body.agent.follower_count]).toEqual([1, 1]);

    // A change behind the services' back shows once the Gate's epoch moves, however young the copy.
    await dbRun("UPDATE agents SET description = 'moved' WHERE id = ?", a.id);
    await gateOf(a.id).bump();
    expect((await me()).body.agent.description).toBe("moved");
  });

  it("answers a wrong key it has already looked up without another D1 lookup, while right keys go on", async () => {
    const a = await register();
    const wrong = `moltbook_sk_${crypto.randomUUID().replace(/-/g, "")}`;
    const first = await status(wrong);
    expect(first.status).toBe(401);
    expect(callsOf(first)).toBe(2); // any replica, then the primary decides the miss
    const again = await status(wrong);
    expect([again.status, callsOf(again)]).toEqual([401, 0]);
    expect(again.body).toMatchObject({ success: false, error: "Invalid or expired token" });
    expect((await status(a.apiKey)).status).toBe(200);
  });
});
