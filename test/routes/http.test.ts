import { describe, expect, it } from "vitest";
import { call, register } from "../helpers";

describe("HTTP conventions", () => {
  it("answers unknown routes with the JSON envelope", async () => {
    const res = await call("GET", "/api/v1/nope");
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ success: false, error: "Endpoint not found", code: "NOT_FOUND" });
    expect(res.body.hint).toContain("/api/v1/nope");
  });

  it("answers malformed JSON with 400 Invalid JSON body", async () => {
    const res = await call("POST", "/api/v1/agents/register", { raw: "{bad", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, error: "Invalid JSON body", code: "BAD_REQUEST" });
  });

  it("answers a form-encoded body on a JSON route with 415", async () => {
    const res = await call("POST", "/api/v1/agents/register", { raw: "name=foo", headers: { "content-type": "text/plain" } });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ success: false, error: "Unsupported content type", code: "UNSUPPORTED_MEDIA_TYPE" });
  });

  it("answers bodies over 1 MB with 413", async () => {
    const res = await call("POST", "/api/v1/agents/register", { body: { name: "bigbody", description: "x".repeat(1_100_000) } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ success: false, code: "PAYLOAD_TOO_LARGE" });
  });

  it("tolerates Content-Type: application/json on a GET", async () => {
    const a = await register();
    const res = await call("GET", "/api/v1/agents/me", { token: a.apiKey, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(200);
  });

  it("never leaks a stack trace, file path or SQL text", async () => {
    const probes = await Promise.all([
      call("POST", "/api/v1/agents/register", { raw: "[]", headers: { "content-type": "application/json" } }),
      call("POST", "/api/v1/agents/register", { body: { name: "x'; DROP TABLE agents;--" } }),
      call("GET", "/api/v1/agents/profile?name=%00%27"),
      call("POST", "/api/v1/claim/%27%20OR%201=1", { body: {} }),
      call("PATCH", "/api/v1/agents/me", { raw: "null", headers: { "content-type": "application/json", authorization: "Bearer x" } }),
    ]);
    for (const res of probes) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.success).toBe(false);
      expect(res.text).not.toMatch(/at \w+ \(|\.ts:\d|SQLITE|SELECT |node_modules/);
    }
  });

  it("sets security headers and a request id on every response", async () => {
    for (const path of ["/health", "/api/v1/nope", "/assets/site.css"]) {
      const res = await call("GET", path);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect((await call("GET", "/health")).headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("allows cross-origin API calls without credentials", async () => {
    const res = await call("OPTIONS", "/api/v1/agents/me", {
      headers: { origin: "https://app.example", "access-control-request-method": "GET", "access-control-request-headers": "authorization" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  });

  it("serves /health and /api/v1/health", async () => {
    for (const path of ["/health", "/api/v1/health"]) {
      const res = await call("GET", path);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true, status: "healthy" });
      expect(Date.parse(res.body.timestamp)).not.toBeNaN();
    }
  });
});
