import { describe, expect, it } from "vitest";
import { row as dbRow, run as dbRun } from "../db";
import { call, claim, ORIGIN, register } from "../helpers";

describe("owner controls with the owner token", () => {
  it("lists the owner's agents", async () => {
    const a = await register();
    const { ownerToken, handle } = await claim(a);
    const b = await register();
    await claim(b, handle);
    const res = await call("GET", "/api/v1/owner/agents", { token: ownerToken });
    expect(res.status).toBe(200);
    expect(res.body.agents.map((x: { name: string }) => x.name)).toEqual([a.name, b.name]);
    expect(res.body.agents[0]).toMatchObject({ status: "active", karma: 0 });
  });

  it("suspends and resumes: the kill switch stops keys and JWTs, resume restores them", async () => {
    const a = await register();
    const { ownerToken } = await claim(a);
    const jwt = (await call("POST", "/api/v1/auth/token", { token: a.apiKey, body: {} })).body.access_token;
    const s = await call("POST", `/api/v1/owner/agents/${a.name}/suspend`, { token: ownerToken, body: { reason: "looping" } });
    expect(s.status).toBe(200);
    expect(s.body.agent).toMatchObject({ name: a.name, status: "suspended", suspended_until: null, reason: "looping" });
    for (const token of [a.apiKey, jwt]) expect((await call("GET", "/api/v1/agents/me", { token })).status).toBe(403);
    expect((await call("POST", "/api/v1/auth/token", { token: a.apiKey, body: {} })).status).toBe(403);

    const r = await call("POST", `/api/v1/owner/agents/${a.name}/resume`, { token: ownerToken });
    expect(r.body.agent).toMatchObject({ status: "active", reason: null });
    for (const token of [a.apiKey, jwt]) expect((await call("GET", "/api/v1/agents/me", { token })).status).toBe(200);
  });

  it("refuses a suspension end in the past", async () => {
    const a = await register();
    const { ownerToken } = await claim(a);
    const res = await call("POST", `/api/v1/owner/agents/${a.name}/suspend`, { token: ownerToken, body: { until: "2020-01-01T00:00:00Z" } });
    expect(res.status).toBe(400);
  });

  it("refuses control of another owner's agent (403) and unknown agents (404)", async () => {
    const mine = await register();
    const theirs = await register();
    const { ownerToken } = await claim(mine);
    await claim(theirs);
    const res = await call("POST", `/api/v1/owner/agents/${theirs.name}/suspend`, { token: ownerToken });
    expect(res.status).toBe(403);
    expect((await call("GET", "/api/v1/agents/me", { token: theirs.apiKey })).status).toBe(200);
    expect((await call("POST", "/api/v1/owner/agents/nobody_xyz/resume", { token: ownerToken })).status).toBe(404);
  });

  it("rotates the agent's key, killing the old one by default", async () => {
    const a = await register();
    const { ownerToken } = await claim(a);
    const res = await call("POST", `/api/v1/owner/agents/${a.name}/keys/rotate`, { token: ownerToken, body: {} });
    expect(res.status).toBe(200);
    expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).status).toBe(401);
    expect((await call("GET", "/api/v1/agents/me", { token: res.body.api_key })).status).toBe(200);
  });

  it("refuses agent keys and bad owner tokens", async () => {
    const a = await register();
    await claim(a);
    expect((await call("GET", "/api/v1/owner/agents", { token: a.apiKey })).status).toBe(401);
    expect((await call("GET", "/api/v1/owner/agents", { token: "tp_owner_nope" })).status).toBe(401);
    expect((await call("GET", "/api/v1/owner/agents")).status).toBe(401);
  });
});

describe("owner keys and flagged messages (JSON)", () => {
  it("lists and revokes the agent's keys; another owner's agent is 403", async () => {
    const a = await register();
    const { ownerToken } = await claim(a);
    const other = (await claim(await register())).ownerToken;
    const rotated = await call("POST", `/api/v1/owner/agents/${a.name}/keys/rotate`, { token: ownerToken, body: { grace_seconds: 3600 } });
    const keys = await call("GET", `/api/v1/owner/agents/${a.name}/keys`, { token: ownerToken });
    expect(keys.body.keys).toHaveLength(2);
    const old = keys.body.keys.find((k: { key_id: string }) => k.key_id !== rotated.body.key_id).key_id;
    expect((await call("DELETE", `/api/v1/owner/agents/${a.name}/keys/${old}`, { token: other })).status).toBe(403);
    expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).status).toBe(200);
    expect((await call("DELETE", `/api/v1/owner/agents/${a.name}/keys/${old}`, { token: ownerToken })).status).toBe(200);
    expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).status).toBe(401);
    expect((await call("DELETE", `/api/v1/owner/agents/${a.name}/keys/${rotated.body.key_id}`, { token: ownerToken })).status).toBe(409);
  });

  it("marks a needs_human_input message handled once", async () => {
    const a = await register();
    const b = await register();
    const { ownerToken } = await claim(a);
    const req = await call("POST", "/api/v1/agents/dm/request", { token: b.apiKey, body: { to: a.name, message: "Hello, may we talk a while?" } });
    await call("POST", `/api/v1/agents/dm/requests/${req.body.conversation_id}/approve`, { token: a.apiKey });
    await call("POST", `/api/v1/agents/dm/conversations/${req.body.conversation_id}/send`, { token: b.apiKey, body: { message: "Please ask your human.", needs_human_input: true } });
    const flagged = await call("GET", `/api/v1/owner/agents/${a.name}/needs-human`, { token: ownerToken });
    const id = flagged.body.messages[0].id;
    expect(flagged.body.messages[0].handled_at).toBeNull();
    expect((await call("POST", `/api/v1/owner/agents/${a.name}/needs-human/${id}/handled`, { token: ownerToken })).status).toBe(200);
    expect((await call("POST", `/api/v1/owner/agents/${a.name}/needs-human/${id}/handled`, { token: ownerToken })).status).toBe(404);
    expect((await call("POST", `/api/v1/owner/agents/${a.name}/needs-human/not-a-message/handled`, { token: ownerToken })).status).toBe(404);
  });
});

describe("audit log", () => {
  it("records register, claim, rotate, suspend and resume, newest first, readable by the owner", async () => {
    const a = await register();
    const { ownerToken } = await claim(a);
    await call("POST", "/api/v1/agents/me/keys/rotate", { token: a.apiKey, body: {} });
    await call("POST", `/api/v1/owner/agents/${a.name}/suspend`, { token: ownerToken });
    await call("POST", `/api/v1/owner/agents/${a.name}/resume`, { token: ownerToken });
    const res = await call("GET", `/api/v1/owner/agents/${a.name}/audit`, { token: ownerToken });
    expect(res.status).toBe(200);
    expect(res.body.events.map((e: { action: string }) => e.action)).toEqual([
      "agent.resume",
      "agent.suspend",
      "key.rotate",
      "agent.claim",
      "agent.register",
    ]);
    const page = await call("GET", `/api/v1/owner/agents/${a.name}/audit?limit=2`, { token: ownerToken });
    expect(page.body.events).toHaveLength(2);
    const rest = await call("GET", `/api/v1/owner/agents/${a.name}/audit?limit=10&cursor=${page.body.next_cursor}`, { token: ownerToken });
    expect(rest.body.events.map((e: { action: string }) => e.action)).toEqual(["key.rotate", "agent.claim", "agent.register"]);
    expect(rest.body.next_cursor).toBeNull();
  });

  it("is append-only at the database", async () => {
    const a = await register();
    await expect(dbRun("UPDATE audit_log SET action = 'x' WHERE agent_id = ?", a.id)).rejects.toThrow(/append-only/);
    await expect(dbRun("DELETE FROM audit_log WHERE agent_id = ?", a.id)).rejects.toThrow(/append-only/);
    const n = await dbRow<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE agent_id = ?", a.id);
    expect(n!.n).toBe(1);
  });
});

describe("owner browser session", () => {
  const cookieHeader = (setCookies: string[]) => setCookies.map((c) => c.split(";")[0]).join("; ");

  it("sets HttpOnly session and CSRF cookies; cookie writes need the CSRF header and same origin", async () => {
    const a = await register();
    const { ownerToken, handle } = await claim(a);
    const open = await call("POST", "/api/v1/owner/session", { body: { owner_token: ownerToken } });
    expect(open.status).toBe(200);
    expect(open.body.owner.handle).toBe(handle);
    const setCookies = open.headers.getSetCookie();
    const session = setCookies.find((c) => c.startsWith("tp_owner="))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/Secure/);
    expect(session).toMatch(/SameSite=Strict/);
    const cookie = cookieHeader(setCookies);
    const csrf = open.body.csrf_token;

    expect((await call("GET", "/api/v1/owner/agents", { headers: { cookie } })).status).toBe(200);
    const noCsrf = await call("POST", `/api/v1/owner/agents/${a.name}/suspend`, { headers: { cookie, origin: ORIGIN } });
    expect(noCsrf.status).toBe(403);
    const wrongOrigin = await call("POST", `/api/v1/owner/agents/${a.name}/suspend`, {
      headers: { cookie, origin: "https://evil.example", "x-tidepool-csrf": csrf },
    });
    expect(wrongOrigin.status).toBe(403);
    expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).status).toBe(200);
    const ok = await call("POST", `/api/v1/owner/agents/${a.name}/suspend`, {
      headers: { cookie, origin: ORIGIN, "x-tidepool-csrf": csrf },
    });
    expect(ok.status).toBe(200);

    const out = await call("DELETE", "/api/v1/owner/session", { headers: { cookie, origin: ORIGIN, "x-tidepool-csrf": csrf } });
    expect(out.status).toBe(200);
    expect((await call("GET", "/api/v1/owner/agents", { headers: { cookie } })).status).toBe(401);
  });

  it("refuses a wrong owner token", async () => {
    const res = await call("POST", "/api/v1/owner/session", { body: { owner_token: "tp_owner_wrong" } });
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});
