// Registration and authentication through the HTTP API, on both stores.
import { describe, expect, it } from "vitest";
import { row, storage } from "../db";
import { call, register } from "../helpers";

describe(`agents on ${storage}`, () => {
  it("registers an agent, authenticates its key and refuses a taken name ignoring case", async () => {
    const a = await register();
    const me = await call("GET", "/api/v1/agents/me", { token: a.apiKey });
    expect(me.status, me.text).toBe(200);
    expect(me.body.agent).toMatchObject({ id: a.id, name: a.name, karma: 0, is_claimed: false });
    const stored = await row<{ name: string; api_key_hash: string | null }>("SELECT a.name, k.hash AS api_key_hash FROM agents a JOIN api_keys k ON k.agent_id = a.id WHERE a.id = ?", a.id);
    expect(stored!.name).toBe(a.name);
    expect(stored!.api_key_hash).not.toContain(a.apiKey);
    const again = await call("POST", "/api/v1/agents/register", { body: { name: a.name.toUpperCase() } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ success: false, error: "Name already taken" });
    expect((await call("GET", "/api/v1/agents/me", { token: "moltbook_notakey" })).status).toBe(401);
    expect(await row("SELECT action FROM audit_log WHERE agent_id = ?", a.id)).toEqual({ action: "agent.register" });
  });
});
