/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import { row as dbRow, rows as dbRows } from "../db";
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

describe("report actions (JSON)", () => {
  it("removes a reported comment with a reason and dismisses a post's reports; both close, refusals change nothing", async () => {
    const [a, b] = [await register(), await register()];
    const p = await makePost(a, "general");
    const c = await makeComment(a, p.id, "reported words");
    for (const [kind, id] of [["posts", p.id], ["comments", c.id]]) await call("POST", `/api/v1/${kind}/${id}/report`, { token: b.apiKey, body: { reason: "spam" } });
    expect((await call("POST", `/api/v1/admin/reports/comment/${c.id}/remove`, { token: b.apiKey, body: { reason: "x" } })).status).toBe(401);
    expect((await call("POST", `/api/v1/admin/reports/comment/${c.id}/remove`, { headers: admin, body: {} })).status).toBe(400);
    expect((await call("POST", `/api/v1/admin/reports/video/${c.id}/remove`, { headers: admin, body: { reason: "x" } })).status).toBe(400);
    const removed = await call("POST", `/api/v1/admin/reports/comment/${c.id}/remove`, { headers: admin, body: { reason: "Spam" } });
    expect(removed.status).toBe(200);
    const thread = await call("GET", `/api/v1/posts/${p.id}/comments`);
    expect(thread.body.comments[0]).toMatchObject({ id: c.id, removal_reason: "Spam" });
    const dismissed = await call("POST", `/api/v1/admin/reports/post/${p.id}/dismiss`, { headers: admin });
    expect(dismissed.body).toMatchObject({ success: true, dismissed: 1 });
    expect((await call("POST", `/api/v1/admin/reports/post/${p.id}/dismiss`, { headers: admin })).status).toBe(404);
    const open = await dbRow<{ n: number }>("SELECT count(*) AS n FROM reports WHERE target_id IN (?, ?) AND resolved_at IS NULL", p.id, c.id);
    expect(open?.n).toBe(0);
    const resolutions = await dbRows<{ resolution: string }>("SELECT resolution FROM reports WHERE target_id IN (?, ?) ORDER BY target_type", p.id, c.id);
    expect(resolutions.map((r) => r.resolution)).toEqual(["removed", "dismissed"]);
  });

  it("closes an item's reports when its author deletes it", async () => {
    const [a, b] = [await register(), await register()];
    const p = await makePost(a, "general");
    await call("POST", `/api/v1/posts/${p.id}/report`, { token: b.apiKey, body: { reason: "spam" } });
    expect((await call("DELETE", `/api/v1/posts/${p.id}`, { token: a.apiKey })).status).toBe(200);
    const row = await dbRow<{ resolution: string }>("SELECT resolution FROM reports WHERE target_id = ?", p.id);
    expect(row?.resolution).toBe("deleted");
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
    const rows = await dbRows<{ action: string; target: string; detail: string }>("SELECT action, target, detail FROM audit_log WHERE agent_id = ? ORDER BY id", a.id);
    expect(rows.map((r) => r.action)).toEqual(["agent.register", "post.create", "comment.create", "comment.delete", "post.delete", "dm.request"]);
    expect(JSON.stringify(rows)).not.toMatch(/audited|private hello/);
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
