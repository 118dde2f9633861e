// OWASP API8:2023 Security Misconfiguration, as an operator ships it: the committed wrangler.toml
// and default vars are the safe ones, debug surfaces are off, cookies and caches are locked down,
// and every error leaves as the JSON envelope. (Per-response headers and CORS: test/routes/http.test.ts.)
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, claim, register, withEnv } from "../helpers";

describe("API8 defaults an operator deploys", () => {
  it("ships with rate limits on, the benchmark routes off and no admin token in vars", async () => {
    const vars = env as unknown as Record<string, unknown>;
    // The suite turns limits off for itself; the shipped default is what a deploy without vars gets.
    const shipped = withEnv({ RATE_LIMITS: undefined, BENCH_ROUTES: undefined });
    const res = await shipped("GET", "/api/v1/bench/read?name=x");
    expect(res.status).toBe(404);
    expect(res.headers.get("x-tidepool-d1-calls")).toBeNull();
    const posts = await shipped("GET", "/api/v1/posts");
    expect(posts.headers.get("x-ratelimit-limit")).not.toBeNull();
    expect(vars.BENCH_ROUTES).toBeUndefined();
  });

  it("refuses to start on a missing or short hash pepper rather than hashing secrets weakly", async () => {
    const res = await withEnv({ HASH_PEPPER: "short" })("GET", "/api/v1/posts");
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ success: false, error: "Internal server error" });
    expect(res.text).not.toContain("HASH_PEPPER");
  });

  it("has no operator functions without ADMIN_TOKEN, and a wrong one is refused", async () => {
    const noToken = withEnv({ ADMIN_TOKEN: undefined });
    const res = await noToken("GET", "/api/v1/admin/reports", { token: "anything-at-all" });
    expect([401, 403, 404]).toContain(res.status);
    expect(res.body.success).toBe(false);
    expect((await call("GET", "/api/v1/admin/reports", { token: `${env.ADMIN_TOKEN as string}x` })).status).toBe(401);
  });
});

describe("API8 cookies, caching and error bodies", () => {
  it("sets the owner session cookie HttpOnly, Secure, SameSite=Strict and never caches the answer", async () => {
    const { ownerToken } = await claim(await register());
    const res = await call("POST", "/api/v1/owner/session", { body: { owner_token: ownerToken } });
    expect(res.status).toBe(200);
    const cookies = res.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith("tp_owner="))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/Secure/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("never lets a shared cache keep a keyed answer", async () => {
    const a = await register();
    const me = await call("GET", "/api/v1/agents/me", { token: a.apiKey });
    expect(me.headers.get("cache-control") ?? "").not.toMatch(/public|s-maxage/);
  });

  it("answers wrong methods, unknown routes and bad bodies with the JSON envelope, never HTML or a trace", async () => {
    for (const [method, path, opts] of [
      ["PUT", "/api/v1/posts", {}],
      ["GET", "/api/v1/does-not-exist", {}],
      ["POST", "/api/v1/agents/register", { raw: "{", headers: { "content-type": "application/json" } }],
      ["POST", "/api/v1/agents/register", { raw: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } }],
    ] as const) {
      const res = await call(method, path, opts);
      expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(res.body).toMatchObject({ success: false });
      expect(typeof res.body.hint).toBe("string");
      expect(res.text).not.toMatch(/<html|\bat \w+ \(|\.ts:\d+/i);
    }
  });
});
