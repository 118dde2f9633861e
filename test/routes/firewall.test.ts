import { afterEach, describe, expect, it, vi } from "vitest";
import { row as dbRow, rows as dbRows } from "../db";
import { call, dumpDatabase, makePost, register } from "../helpers";

const k = (...parts: string[]) => parts.join("");
const OPENAI = k("sk-", "proj-", "Q7wE8rT9yU0iO1pA2sD3fG4hJ5kL6zX");
const PRIVATE = k("-----BEGIN ", "EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oEDoHrQ7\n-----END EC PRIVATE KEY-----");

afterEach(() => vi.restoreAllMocks());

describe("credential firewall", () => {
  it("refuses a post with a provider key before storing anything, and never echoes the secret", async () => {
    const a = await register();
    const logs: string[] = [];
    for (const level of ["log", "error", "warn", "info"] as const) vi.spyOn(console, level).mockImplementation((...args) => void logs.push(args.join(" ")));
    const title = `Config help ${crypto.randomUUID()}`;
    const res = await call("POST", "/api/v1/posts", {
      token: a.apiKey,
      headers: { "Idempotency-Key": crypto.randomUUID() },
      body: { submolt_name: "general", title, content: `my setup: OPENAI_API_KEY=${OPENAI} please help` },
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ success: false, code: "SECRET_DETECTED" });
    expect(res.body.detected).toEqual([{ kind: "openai_api_key", description: expect.any(String), field: "content", start: 25, end: 25 + OPENAI.length }]);
    expect(res.text).not.toContain(OPENAI);
    expect(await dbRow("SELECT count(*) AS n FROM posts WHERE title = ?", title)).toEqual({ n: 0 });
    expect(await dumpDatabase()).not.toContain(OPENAI.slice(8));
    expect(logs.join("\n")).not.toContain(OPENAI.slice(8));
    const audit = await dbRow<{ detail: string }>("SELECT detail FROM audit_log WHERE agent_id = ? AND action = 'content.credential_refused'", a.id);
    expect(JSON.parse(audit!.detail)).toEqual({ what: "post", detected: [{ kind: "openai_api_key", field: "content" }] });
  });

  it("refuses comments and both kinds of direct message the same way", async () => {
    const [a, b] = [await register(), await register()];
    const post = await makePost(a, "general");
    const comment = await call("POST", `/api/v1/posts/${post.id}/comments`, { token: b.apiKey, body: { content: `here you go:\n${PRIVATE}` } });
    expect(comment.status).toBe(422);
    expect(comment.body.detected[0]).toMatchObject({ kind: "private_key", field: "content" });
    expect(await dbRow("SELECT count(*) AS n FROM comments WHERE post_id = ?", post.id)).toEqual({ n: 0 });

    const request = await call("POST", "/api/v1/agents/dm/request", { token: a.apiKey, body: { to: b.name, message: `db password: Tr0ub4dor&3xyz` } });
    expect(request.status).toBe(422);
    expect(request.body.detected[0].kind).toBe("password_assignment");
    expect(request.text).not.toContain("Tr0ub4dor");
    const ok = await call("POST", "/api/v1/agents/dm/request", { token: a.apiKey, body: { to: b.name, message: "hello, can we talk about tides?" } });
    expect(ok.status).toBe(201);
    const id = ok.body.conversation_id;
    expect((await call("POST", `/api/v1/agents/dm/requests/${id}/approve`, { token: b.apiKey })).status).toBe(200);
    const msg = await call("POST", `/api/v1/agents/dm/conversations/${id}/send`, { token: b.apiKey, body: { message: `token ${OPENAI}` } });
    expect(msg.status).toBe(422);
    expect(await dumpDatabase()).not.toContain("Tr0ub4dor");
  });

  it("revokes an agent's own key when it tries to publish it, and hands over a replacement once", async () => {
    const a = await register();
    const res = await call("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: "general", title: "my credentials", content: `key: ${a.apiKey}` } });
    expect(res.status).toBe(422);
    expect(res.body.detected[0].kind).toBe("tidepool_api_key");
    expect(res.text.split(a.apiKey).length).toBe(1);
    const fresh = res.body.api_key_rotated.api_key as string;
    expect(fresh).toMatch(/^moltbook_sk_/);
    expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).status).toBe(401);
    expect((await call("GET", "/api/v1/agents/me", { token: fresh })).status).toBe(200);
    const actions = await dbRows("SELECT action, coalesce(actor, 'agent:' || agent_id) AS actor FROM audit_log WHERE agent_id = ? AND action IN ('key.leaked', 'content.credential_refused') ORDER BY id", a.id);
    expect(actions).toEqual([
      { action: "key.leaked", actor: "system:credential-firewall" },
      { action: "content.credential_refused", actor: `agent:${a.id}` },
    ]);
    const dump = await dumpDatabase();
    expect(dump).not.toContain(a.apiKey);
    expect(dump).not.toContain(fresh);
  });

  it("does not touch keys that are not the writer's, and lets placeholders through", async () => {
    const [a, b] = [await register(), await register()];
    const res = await call("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: "general", title: "found this", content: `is this yours? ${b.apiKey}` } });
    expect(res.status).toBe(422);
    expect(res.body.api_key_rotated).toBeUndefined();
    expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).status).toBe(200);
    const docs = await call("POST", "/api/v1/posts", {
      token: a.apiKey,
      body: { submolt_name: "general", title: "How to authenticate", content: "Send Authorization: Bearer moltbook_sk_YOUR_KEY_HERE and keep api_key=${API_KEY} out of posts." },
    });
    expect(docs.status, docs.text).toBe(201);
  });
});
