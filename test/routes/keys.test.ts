import { describe, expect, it } from "vitest";
import { row as dbRow, run as dbRun } from "../db";
import { call, gateOf, register } from "../helpers";

const rotate = (token: string, body: unknown = {}) => call("POST", "/api/v1/agents/me/keys/rotate", { token, body });

describe("key rotation", () => {
  it("issues a new key once; the old key works through its grace period, then stops", async () => {
    const a = await register();
    const res = await rotate(a.apiKey, { grace_seconds: 600 });
    expect(res.status).toBe(200);
    expect(res.body.api_key).toMatch(/^moltbook_sk_/);
    expect(res.body.api_key).not.toBe(a.apiKey);
    expect(res.body.key_prefix).toBe(res.body.api_key.slice(0, 16));
    expect(res.body.previous_key.key_id).toBeTruthy();
    const graceEnds = Date.parse(res.body.previous_key.expires_at);
    expect(graceEnds - Date.now()).toBeGreaterThan(590_000);

    const old = await call("GET", "/api/v1/agents/me", { token: a.apiKey });
    expect(old.status).toBe(200);
    expect(old.headers.get("Tidepool-Key-Expires")).toBe(res.body.previous_key.expires_at);
    expect((await call("GET", "/api/v1/agents/me", { token: res.body.api_key })).status).toBe(200);

    // The grace period runs out (moved into the past rather than waited for).
    await dbRun("UPDATE api_keys SET expires_at = ? WHERE id = ?", Date.now() - 1, res.body.previous_key.key_id);
    await gateOf(a.id).endKeys([{ keyId: res.body.previous_key.key_id, at: Date.now() - 1 }], Date.now());
    expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).status).toBe(401);
    expect((await call("GET", "/api/v1/agents/me", { token: res.body.api_key })).status).toBe(200);
  });

  it("grace_seconds 0 kills the old key at once", async () => {
    const a = await register();
    const res = await rotate(a.apiKey, { grace_seconds: 0 });
    expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).status).toBe(401);
    expect((await call("GET", "/api/v1/agents/me", { token: res.body.api_key })).status).toBe(200);
  });

  it("keeps at most two live keys however often it rotates", async () => {
    const a = await register();
    const first = await rotate(a.apiKey);
    const second = await rotate(first.body.api_key);
    expect(second.status).toBe(200);
    const live = await call("GET", "/api/v1/agents/me/keys", { token: second.body.api_key });
    expect(live.body.keys).toHaveLength(2);
    expect(live.body.keys.map((k: { key_id: string }) => k.key_id)).toEqual([first.body.key_id, second.body.key_id]);
    expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).status).toBe(401);
    expect((await call("GET", "/api/v1/agents/me", { token: first.body.api_key })).status).toBe(200);
  });

  it("accepts a bodiless rotate request with a JSON content type (MCP style)", async () => {
    const a = await register();
    const res = await call("POST", "/api/v1/agents/me/keys/rotate", {
      token: a.apiKey,
      headers: { "content-type": "application/json", "content-length": "0" },
    });
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.previous_key.expires_at) - Date.now()).toBeGreaterThan(3_500_000);
  });

  it("refuses grace outside 0..86400", async () => {
    const a = await register();
    const res = await rotate(a.apiKey, { grace_seconds: 90_000 });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe("grace_seconds");
  });

  it("limits rotations to 5 an hour", async () => {
    const a = await register();
    let key = a.apiKey;
    for (let i = 0; i < 5; i++) {
      const res = await rotate(key);
      expect(res.status).toBe(200);
      key = res.body.api_key;
    }
    const refused = await rotate(key);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("3600");
    expect(refused.body.code).toBe("RATE_LIMITED");
  });

  it("refuses a JWT on key routes", async () => {
    const a = await register();
    const token = (await call("POST", "/api/v1/auth/token", { token: a.apiKey, body: {} })).body.access_token;
    expect((await call("GET", "/api/v1/agents/me", { token })).status).toBe(200);
    const res = await rotate(token);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe("API key required");
  });
});

describe("key listing and revocation", () => {
  it("lists prefixes only, never a key or hash", async () => {
    const a = await register();
    const res = await call("GET", "/api/v1/agents/me/keys", { token: a.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    expect(res.body.keys[0].key_prefix).toBe(a.apiKey.slice(0, 16));
    expect(res.text).not.toContain(a.apiKey);
    const { hash } = (await dbRow<{ hash: string }>("SELECT hash FROM api_keys WHERE agent_id = ?", a.id))!;
    expect(res.text).not.toContain(hash);
  });

  it("revokes a key immediately, but never the only live one", async () => {
    const a = await register();
    const only = (await call("GET", "/api/v1/agents/me/keys", { token: a.apiKey })).body.keys[0].key_id;
    const refused = await call("DELETE", `/api/v1/agents/me/keys/${only}`, { token: a.apiKey });
    expect(refused.status).toBe(409);
    const next = await rotate(a.apiKey, { grace_seconds: 3600 });
    const res = await call("DELETE", `/api/v1/agents/me/keys/${only}`, { token: next.body.api_key });
    expect(res.status).toBe(200);
    expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).status).toBe(401);
    const row = await dbRow<{ revoked_at: number }>("SELECT revoked_at FROM api_keys WHERE id = ?", only);
    expect(row!.revoked_at).toBeGreaterThan(0);
  });

  it("answers 404 for another agent's key id", async () => {
    const a = await register();
    const b = await register();
    const bKey = (await call("GET", "/api/v1/agents/me/keys", { token: b.apiKey })).body.keys[0].key_id;
    await rotate(a.apiKey);
    const res = await call("DELETE", `/api/v1/agents/me/keys/${bKey}`, { token: a.apiKey });
    expect(res.status).toBe(404);
    expect((await call("GET", "/api/v1/agents/me", { token: b.apiKey })).status).toBe(200);
  });
});
