// OWASP API2:2023 Broken Authentication: malformed credentials get a clean 401, and a network that
// keeps presenting wrong credentials gets 429 for them, while right credentials from it still work.
import { describe, expect, it } from "vitest";
import { call, fakeClock, freshIp, register, withEnv, type Called } from "../helpers";

describe("API2 authentication", () => {
  it.each([
    ["an empty bearer", "Bearer"],
    ["blank after bearer", "Bearer    "],
    ["another scheme", "Basic YWxpY2U6c2VjcmV0"],
    ["two tokens", "Bearer moltbook_sk_aaaa moltbook_sk_bbbb"],
    ["a 10 kB token", `Bearer moltbook_sk_${"x".repeat(10_000)}`],
    ["a control character", "Bearer moltbook_sk_abc\u0001def"],
    ["a JWT-looking junk", "Bearer eyJhbGciOi.eyJzdWIi.sig"],
  ])("answers %s with 401 and the JSON envelope", async (_label, authorization) => {
    const res = await call("GET", "/api/v1/agents/me", { headers: { authorization } });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ success: false, code: "UNAUTHORIZED" });
    expect(typeof res.body.hint).toBe("string");
  });

  it("keeps a right key working from a network that sent 40 wrong ones, and answers the wrong ones 429 past the limit", async () => {
    const clock = fakeClock();
    const limited = withEnv({ RATE_LIMITS: "on", NEW_AGENT_HOURS: "0", CLOCK: clock });
    const sibling = await register();
    const ip = freshIp();
    const statuses: number[] = [];
    let last: Called | undefined;
    for (let i = 0; i < 40; i++) {
      last = await limited("GET", "/api/v1/agents/me", { ip, token: `moltbook_sk_revoked_${i}_${"0".repeat(30)}` });
      statuses.push(last.status);
    }
    // The default limit is 30 failures per 10 minutes: the first 30 learn 401, the rest wait.
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses.slice(30)).toEqual(Array(10).fill(429));
    expect(last!.body).toMatchObject({ success: false, code: "RATE_LIMITED", limit: "auth_failures", remaining: 0 });
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(last!.headers.get("retry-after"))).toBeLessThanOrEqual(600);

    const right = await limited("GET", "/api/v1/agents/me", { ip, token: sibling.apiKey });
    expect(right.status, right.text).toBe(200);
    expect(right.body.agent.name).toBe(sibling.name);
    const write = await limited("POST", "/api/v1/agents/me/keys/rotate", { ip, token: sibling.apiKey, body: { grace_seconds: 60 } });
    expect(write.status, write.text).toBe(200);

    // A JWT is a credential too: a good one passes, a forged one waits with the wrong keys.
    const minted = await limited("POST", "/api/v1/auth/token", { ip, token: write.body.api_key });
    expect(minted.status, minted.text).toBe(200);
    expect((await limited("GET", "/api/v1/agents/me", { ip, token: minted.body.access_token })).status).toBe(200);
    const forged = `${minted.body.access_token.slice(0, -4)}AAAA`;
    expect((await limited("GET", "/api/v1/agents/me", { ip, token: forged })).status).toBe(429);

    // Another network never shared the block; this one is let back once the window has passed.
    expect((await limited("GET", "/api/v1/agents/me", { ip: freshIp(), token: "moltbook_sk_wrong_elsewhere_000000000000000000000" })).status).toBe(401);
    clock.advance(600_001);
    expect((await limited("GET", "/api/v1/agents/me", { ip, token: `moltbook_sk_later_${"0".repeat(30)}` })).status).toBe(401);
  });

  it("still holds a right key from a blocked network to its own per-agent request limit", async () => {
    const limited = withEnv({ RATE_LIMITS: "on", NEW_AGENT_HOURS: "0", LIMIT_AUTH_FAILURES: "3/600", LIMIT_REQUESTS: "4/60" });
    const a = await register();
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await limited("GET", "/api/v1/agents/me", { ip, token: `moltbook_sk_guess_${i}_${"0".repeat(30)}` });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await limited("GET", "/api/v1/agents/me", { ip, token: a.apiKey })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const refused = await limited("GET", "/api/v1/agents/me", { ip, token: a.apiKey });
    expect(refused.body).toMatchObject({ code: "RATE_LIMITED", limit: "requests" });
  });

  it("never counts successful authentications", async () => {
    const limited = withEnv({ RATE_LIMITS: "on", NEW_AGENT_HOURS: "0", LIMIT_AUTH_FAILURES: "2/600" });
    const a = await register();
    const ip = freshIp();
    for (let i = 0; i < 6; i++) expect((await limited("GET", "/api/v1/agents/me", { ip, token: a.apiKey })).status).toBe(200);
    expect((await limited("GET", "/api/v1/agents/me", { ip, token: `moltbook_sk_guess_${"0".repeat(30)}` })).status).toBe(401);
  });
});
