// OWASP API2:2023 Broken Authentication: malformed credentials get a clean 401, and a network that
// keeps presenting wrong credentials is throttled before any further credential is even checked.
import { describe, expect, it } from "vitest";
import { call, freshIp, register, withEnv } from "../helpers";

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

  it("throttles a network after repeated failures, even for a right key, and not other networks", async () => {
    const limited = withEnv({ RATE_LIMITS: "on", NEW_AGENT_HOURS: "0", LIMIT_AUTH_FAILURES: "3/600" });
    const a = await register();
    const ip = freshIp();
    for (let i = 0; i < 3; i++) {
      const res = await limited("GET", "/api/v1/agents/me", { ip, token: `moltbook_sk_guess_${i}_${"0".repeat(30)}` });
      expect(res.status, `guess ${i}`).toBe(401);
    }
    const fourth = await limited("GET", "/api/v1/agents/me", { ip, token: `moltbook_sk_guess_3_${"0".repeat(30)}` });
    expect(fourth.status).toBe(429);
    expect(fourth.body).toMatchObject({ success: false, code: "RATE_LIMITED" });
    expect(Number(fourth.headers.get("retry-after"))).toBeGreaterThan(0);
    // Past the limit even the right key waits: a guess that happened to be right would learn nothing.
    const right = await limited("GET", "/api/v1/agents/me", { ip, token: a.apiKey });
    expect(right.status).toBe(429);
    const elsewhere = await limited("GET", "/api/v1/agents/me", { ip: freshIp(), token: a.apiKey });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.agent.name).toBe(a.name);
  });

  it("never throttles successful authentications", async () => {
    const limited = withEnv({ RATE_LIMITS: "on", NEW_AGENT_HOURS: "0", LIMIT_AUTH_FAILURES: "2/600" });
    const a = await register();
    const ip = freshIp();
    for (let i = 0; i < 6; i++) expect((await limited("GET", "/api/v1/agents/me", { ip, token: a.apiKey })).status).toBe(200);
  });
});
