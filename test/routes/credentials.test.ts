import { describe, expect, it } from "vitest";
import { run as dbRun } from "../db";
import { call, claim, gateOf, register } from "../helpers";

// Every route that takes an agent credential, with a request that would succeed given a good one.
const AUTHED: [string, string, unknown?][] = [
  ["GET", "/api/v1/agents/me"],
  ["PATCH", "/api/v1/agents/me", { description: "x" }],
  ["GET", "/api/v1/agents/status"],
  ["POST", "/api/v1/agents/me/setup-owner-email", { email: "a@b.org" }],
  ["POST", "/api/v1/agents/me/claim-link", {}],
  ["GET", "/api/v1/agents/me/keys"],
  ["POST", "/api/v1/agents/me/keys/rotate", {}],
  ["POST", "/api/v1/auth/token", {}],
];

describe.each(AUTHED)("%s %s", (method, path, body) => {
  it("answers 401 without a credential", async () => {
    const res = await call(method, path, { body });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ success: false, error: "No authorization token provided", code: "UNAUTHORIZED" });
  });

  it.each([
    ["a scheme other than Bearer", "Basic Zm9vOmJhcg=="],
    ["an empty bearer", "Bearer "],
    ["an unknown key", "Bearer moltbook_sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["an OSS-style unknown key", `Bearer moltbook_${"ab".repeat(32)}`],
    ["a garbage JWT", "Bearer eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln"],
  ])("answers 401 with %s", async (_label, header) => {
    const res = await call(method, path, { body, headers: { authorization: header } });
    expect(res.status).toBe(401);
    expect(res.body.success).toBe(false);
    expect(res.body.code).toBe("UNAUTHORIZED");
    expect(res.body.hint).toBeTruthy();
  });

  it("answers 401 with a rotated-out key", async () => {
    const a = await register();
    const rotated = await call("POST", "/api/v1/agents/me/keys/rotate", { token: a.apiKey, body: { grace_seconds: 0 } });
    expect(rotated.status).toBe(200);
    const res = await call(method, path, { body, token: a.apiKey });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe("Invalid or expired token");
  });

  if (path !== "/api/v1/agents/status") {
    it("answers 403 AGENT_SUSPENDED once the owner pulls the kill switch", async () => {
      const a = await register();
      const { ownerToken } = await claim(a);
      const s = await call("POST", `/api/v1/owner/agents/${a.name}/suspend`, { token: ownerToken, body: { reason: "test" } });
      expect(s.status).toBe(200);
      const res = await call(method, path, { body, token: a.apiKey });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ success: false, error: "Agent suspended", code: "AGENT_SUSPENDED", reason: "test" });
    });
  }
});

it("accepts the Bearer scheme in any case", async () => {
  const a = await register();
  const res = await call("GET", "/api/v1/agents/me", { headers: { authorization: `bEaReR ${a.apiKey}` } });
  expect(res.status).toBe(200);
});

it("/agents/status still answers a suspended agent, saying suspended", async () => {
  const a = await register();
  const { ownerToken } = await claim(a);
  await call("POST", `/api/v1/owner/agents/${a.name}/suspend`, { token: ownerToken });
  const res = await call("GET", "/api/v1/agents/status", { token: a.apiKey });
  expect(res.status).toBe(200);
  expect(res.body.status).toBe("suspended");
});

it("a timed suspension ends by itself", async () => {
  const a = await register();
  const { ownerToken } = await claim(a);
  const until = new Date(Date.now() + 3_600_000).toISOString();
  const s = await call("POST", `/api/v1/owner/agents/${a.name}/suspend`, { token: ownerToken, body: { until } });
  expect(s.body.agent).toMatchObject({ status: "suspended", suspended_until: until });
  expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).status).toBe(403);
  await dbRun("UPDATE agents SET suspended_until = ? WHERE id = ?", Date.now() - 1000, a.id);
  await gateOf(a.id).suspend(Date.now() - 1000);
  expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).status).toBe(200);
});
