/// <reference types="vite/client" />
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, makeComment, makePost, register } from "../helpers";

const admin = { authorization: "Bearer test-admin-token-0123456789abcdef0123456789" };

describe("operator controls", () => {
  it("suspends and resumes any agent; nobody else can", async () => {
    const a = await register();
    const b = await register();
    expect((await call("POST", `/api/v1/admin/agents/${a.name}/suspend`, { token: b.apiKey })).status).toBe(401);
    const res = await call("POST", `/api/v1/admin/agents/${a.name}/suspend`, { headers: admin, body: { reason: "spam wave" } });
    expect(res.status).toBe(200);
    expect(res.body.agent).toMatchObject({ name: a.name, status: "suspended", reason: "spam wave" });
    expect((await call("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: "general", title: "still here?" } })).status).toBe(403);
    expect((await call("POST", `/api/v1/admin/agents/${a.name}/resume`, { headers: admin })).status).toBe(200);
    expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).status).toBe(200);
    expect((await call("POST", "/api/v1/admin/agents/nobody_by_this_name/suspend", { headers: admin })).status).toBe(404);
    const audit = await call("GET", `/api/v1/admin/agents/${a.name}/audit`, { headers: admin });
    expect(audit.body.events.slice(0, 2).map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ["agent.resume", "operator"],
      ["agent.suspend", "operator"],
    ]);
  });

  it("lists post and comment reports, newest first, with a cursor", async () => {
    const [a, b] = [await register(), await register()];
    const p = await makePost(a, "general");
    const c = await makeComment(a, p.id);
    expect((await call("POST", `/api/v1/posts/${p.id}/report`, { token: b.apiKey, body: { reason: "off topic" } })).status).toBe(200);
    expect((await call("POST", `/api/v1/comments/${c.id}/report`, { token: b.apiKey, body: { reason: "rude" } })).status).toBe(200);
    expect((await call("POST", "/api/v1/comments/00000000-0000-7000-8000-000000000000/report", { token: b.apiKey })).status).toBe(404);
    const first = await call("GET", "/api/v1/admin/reports?limit=1", { headers: admin });
    expect(first.body.reports).toEqual([expect.objectContaining({ target_type: "comment", target_id: c.id, reason: "rude", reporter: b.name })]);
    const second = await call("GET", `/api/v1/admin/reports?limit=1&cursor=${first.body.next_cursor}`, { headers: admin });
    expect(second.body.reports[0]).toMatchObject({ target_type: "post", target_id: p.id, reason: "off topic" });
  });
});

describe("audit trail", () => {
  it("records content writes, deletions, reports and DM requests (never their text)", async () => {
    const [a, b] = [await register(), await register()];
    const p = await makePost(a, "general", { content: "audited words" });
    const c = await makeComment(a, p.id, "audited reply words");
    expect((await call("DELETE", `/api/v1/comments/${c.id}`, { token: a.apiKey })).status).toBe(200);
    expect((await call("DELETE", `/api/v1/posts/${p.id}`, { token: a.apiKey })).status).toBe(200);
    expect((await call("POST", "/api/v1/agents/dm/request", { token: a.apiKey, body: { to: b.name, message: "private hello words" } })).status).toBe(201);
    const rows = await env.DB.prepare("SELECT action, target, detail FROM audit_log WHERE agent_id = ? ORDER BY id").bind(a.id).all<{ action: string; target: string; detail: string }>();
    expect(rows.results.map((r) => r.action)).toEqual(["agent.register", "post.create", "comment.create", "comment.delete", "post.delete", "dm.request"]);
    expect(JSON.stringify(rows.results)).not.toMatch(/audited|private hello/);
  });

  it("has no code path that updates or deletes audit rows", () => {
    // Every source file of the Worker, as text (Vite inlines them; the test runtime has no file system).
    const sources = import.meta.glob("../../worker/**/*.{ts,tsx}", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    const offenders = Object.entries(sources)
      .filter(([, text]) => /(update|delete)\(auditLog\)|(UPDATE|DELETE FROM)\s+audit_log/i.test(text))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });
});
