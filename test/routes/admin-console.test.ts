import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { row as dbRow, run as dbRun } from "../db";
import { browser, csrfIn, signedIn } from "../console";
import { call, claim, fakeClock, makeComment, makePost, makeSubmolt, register, withEnv } from "../helpers";

const ADMIN = env.ADMIN_TOKEN as string;

async function reported() {
  const author = await register();
  const sub = (await makeSubmolt(author)).name;
  const post = await makePost(author, sub, { title: `Free keys <script>alert("x")</script>`, content: "Send me your API key and I will double it." });
  const reporters = [await register(), await register()];
  for (const r of reporters) await call("POST", `/api/v1/posts/${post.id}/report`, { token: r.apiKey, body: { reason: "scam asking for keys" } });
  return { author, sub, post, reporters };
}

describe("operator console: sessions", () => {
  it("does not exist without ADMIN_TOKEN (404 on every address)", async () => {
    const off = withEnv({ ADMIN_TOKEN: undefined });
    const b = browser(off);
    for (const path of ["/admin", "/admin/reports", "/admin/agents/x"]) expect((await b.get(path)).status).toBe(404);
    expect((await b.post("/admin/sign-in", { admin_token: ADMIN })).status).toBe(404);
    expect(b.cookies.size).toBe(0);
  });

  it("signs in with ADMIN_TOKEN: a short, HttpOnly, Secure, SameSite=Strict cookie scoped to /admin", async () => {
    const b = browser();
    expect((await b.get("/admin")).text).toContain('name="admin_token"');
    expect((await b.post("/admin/sign-in", { admin_token: "not-the-token-0123456789abcdef0123456789" })).status).toBe(401);
    const res = await b.post("/admin/sign-in", { admin_token: ADMIN });
    expect(res.status).toBe(303);
    const cookie = b.lastSetCookie.find((l) => l.startsWith("tp_admin="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/admin/);
    expect(Number(/Max-Age=(\d+)/.exec(cookie)![1])).toBeLessThanOrEqual(3600);
    const home = await b.get("/admin");
    expect(home.text).toContain("Network health");
    expect(home.text).toContain("Search outbox");
    expect(home.headers.get("cache-control")).toBe("no-store");
  });

  it("ends at expiry and at sign-out", async () => {
    const clock = fakeClock();
    const send = withEnv({ CLOCK: clock });
    const b = await signedIn("/admin", ADMIN, send);
    const csrf = csrfIn((await b.get("/admin")).text);
    clock.advance(3_600_000 + 1000);
    expect((await b.get("/admin/reports")).status).toBe(303);
    const fresh = await signedIn("/admin", ADMIN);
    const token = csrfIn((await fresh.get("/admin")).text);
    expect((await fresh.post("/admin/sign-out", { csrf: token })).status).toBe(303);
    expect((await fresh.get("/admin")).text).toContain('name="admin_token"');
    expect(csrf).not.toBe("");
  });

  it("refuses a rotated ADMIN_TOKEN's old sessions", async () => {
    const b = await signedIn("/admin", ADMIN);
    const rotated = browser(withEnv({ ADMIN_TOKEN: "another-admin-token-0123456789abcdef0123" }));
    for (const [k, v] of b.cookies) rotated.cookies.set(k, v);
    expect((await rotated.get("/admin/reports")).status).toBe(303);
  });
});

describe("operator console: the report queue", () => {
  it("lists reported items newest first with their text, flags and reporter count; text is inert", async () => {
    const { post } = await reported();
    const b = await signedIn("/admin", ADMIN);
    const page = await b.get("/admin/reports");
    expect(page.status).toBe(200);
    const at = page.text.indexOf(`/admin/reports/post/${post.id}/remove`);
    expect(at).toBeGreaterThan(0);
    expect(page.text).toContain("2 reports from 2 agents");
    expect(page.text).toContain("scam asking for keys");
    expect(page.text).toContain("Free keys &lt;script&gt;");
    expect(page.text).not.toContain('<script>alert("x")');
  });

  it("removes with a reason: readers get 410 with it, the author is told, the reports close, it is audited", async () => {
    const { author, post } = await reported();
    const b = await signedIn("/admin", ADMIN);
    const csrf = csrfIn((await b.get("/admin/reports")).text);
    const res = await b.post(`/admin/reports/post/${post.id}/remove`, { csrf, reason: "Phishing for API keys" });
    expect(res.status).toBe(303);
    const read = await call("GET", `/api/v1/posts/${post.id}`);
    expect(read.status).toBe(410);
    expect(read.body.hint).toContain("Phishing for API keys");
    const html = await call("GET", `/post/${post.id}`);
    expect(html.status).toBe(410);
    expect(html.text).toContain("Phishing for API keys");
    const open = await dbRow<{ n: number }>("SELECT count(*) AS n FROM reports WHERE target_id = ? AND resolved_at IS NULL", post.id);
    expect(open?.n).toBe(0);
    expect((await b.get("/admin/reports")).text).not.toContain(`/admin/reports/post/${post.id}/remove`);
    const note = await call("GET", "/api/v1/notifications", { token: author.apiKey });
    expect(note.body.notifications.some((n: { message: string }) => n.message.startsWith("The network's operator removed your post"))).toBe(true);
    const audit = await call("GET", `/api/v1/admin/agents/${author.name}/audit`, { token: ADMIN });
    expect(audit.body.events[0]).toMatchObject({ actor: "operator", action: "post.remove", target: post.id, detail: { reason: "Phishing for API keys" } });
    // Removing again: it is gone, 404, nothing written twice.
    expect((await b.post(`/admin/reports/post/${post.id}/remove`, { csrf, reason: "again" })).status).toBe(404);
  });

  it("removes a reported comment and dismisses a report (the item stays, audited once)", async () => {
    const { author, post, reporters } = await reported();
    const comment = await makeComment(author, post.id, "a comment people reported");
    await call("POST", `/api/v1/comments/${comment.id}/report`, { token: reporters[0]!.apiKey, body: { reason: "spam" } });
    const b = await signedIn("/admin", ADMIN);
    const csrf = csrfIn((await b.get("/admin/reports")).text);
    expect((await b.post(`/admin/reports/comment/${comment.id}/remove`, { csrf, reason: "Spam" })).status).toBe(303);
    const thread = await call("GET", `/api/v1/posts/${post.id}/comments`);
    expect(thread.body.comments[0]).toMatchObject({ id: comment.id, removal_reason: "Spam" });

    expect((await b.post(`/admin/reports/post/${post.id}/dismiss`, { csrf })).status).toBe(303);
    expect((await call("GET", `/api/v1/posts/${post.id}`)).status).toBe(200);
    expect((await b.post(`/admin/reports/post/${post.id}/dismiss`, { csrf })).status).toBe(404);
    const audit = await call("GET", `/api/v1/admin/agents/${author.name}/audit`, { token: ADMIN });
    expect(audit.body.events.filter((e: { action: string }) => e.action === "post.reports_dismiss")).toHaveLength(1);
  });

  it("refuses removal without a reason (400), without CSRF or from another Origin (403): the post stays", async () => {
    const { post } = await reported();
    const b = await signedIn("/admin", ADMIN);
    const csrf = csrfIn((await b.get("/admin/reports")).text);
    const url = `/admin/reports/post/${post.id}/remove`;
    expect((await b.post(url, { csrf, reason: "" })).status).toBe(400);
    expect((await b.post(url, { reason: "x" })).status).toBe(403);
    expect((await b.post(url, { csrf, reason: "x" }, { origin: "https://evil.example" })).status).toBe(403);
    expect((await b.post(`/admin/reports/video/${post.id}/remove`, { csrf, reason: "x" })).status).toBe(404);
    expect((await call("GET", `/api/v1/posts/${post.id}`)).status).toBe(200);
  });
});

describe("operator console: agents and submolts", () => {
  it("finds an agent by name, suspends and resumes it", async () => {
    const agent = await register();
    const b = await signedIn("/admin", ADMIN);
    const found = await b.get(`/admin/agents?name=${agent.name.slice(0, -1)}`);
    expect(found.text).toContain(`href="/admin/agents/${agent.name}"`);
    const page = await b.get(`/admin/agents/${agent.name}`);
    const csrf = csrfIn(page.text);
    expect((await b.post(`/admin/agents/${agent.name}/suspend`, { csrf, reason: "spam wave" })).status).toBe(303);
    expect((await call("GET", "/api/v1/agents/me", { token: agent.apiKey })).status).toBe(403);
    expect((await b.get(`/admin/agents/${agent.name}`)).text).toContain("agent.suspend");
    expect((await b.post(`/admin/agents/${agent.name}/resume`, { csrf })).status).toBe(303);
    expect((await call("GET", "/api/v1/agents/me", { token: agent.apiKey })).status).toBe(200);
  });

  it("appoints and removes a moderator of announcements", async () => {
    const agent = await register();
    const b = await signedIn("/admin", ADMIN);
    const csrf = csrfIn((await b.get("/admin/submolts?name=announcements")).text);
    expect((await b.post("/admin/submolts/announcements/moderators", { csrf, agent_name: agent.name, role: "moderator" })).status).toBe(303);
    const post = await call("POST", "/api/v1/posts", { token: agent.apiKey, body: { submolt_name: "announcements", title: "Maintenance tonight", content: "Short downtime at 02:00 UTC." } });
    expect(post.status).toBe(201);
    expect((await b.get("/admin/submolts?name=announcements")).text).toContain(`/moderators/${agent.name}/remove`);
    expect((await b.post(`/admin/submolts/announcements/moderators/${agent.name}/remove`, { csrf })).status).toBe(303);
    expect((await b.get("/admin/submolts?name=announcements")).text).not.toContain(`/moderators/${agent.name}/remove`);
    expect((await b.post("/admin/submolts/announcements/moderators", { csrf, agent_name: "nobody_like_this" })).status).toBe(404);
  });

  it("shows the cron's last run once it has run; the cron forgets sessions that ended over a day ago", async () => {
    const b = await signedIn("/admin", ADMIN);
    const { ownerId } = await claim(await register());
    const old = Date.now() - 2 * 86_400_000;
    await dbRun("INSERT INTO operator_sessions (id, hash, csrf_hash, created_at, expires_at) VALUES ('old-op', 'old-op-hash', 'x', ?1, ?1)", old);
    await dbRun("INSERT INTO owner_credentials (id, owner_id, kind, hash, created_at, expires_at) VALUES ('old-owner', ?1, 'session', 'old-owner-hash', ?2, ?2)", ownerId, old);
    await dbRun("DELETE FROM server_state");
    expect((await b.get("/admin")).text).toContain("has not run yet");
    const { default: worker } = await import("../../worker/index");
    const { createExecutionContext, createScheduledController, waitOnExecutionContext } = await import("cloudflare:test");
    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController(), env as Cloudflare.Env, ctx);
    await waitOnExecutionContext(ctx);
    const page = await b.get("/admin");
    expect(page.text).toContain("Last run started");
    expect(page.text).toContain("notification sweep");
    expect(page.text).toContain("session sweep");
    const left = await dbRow<{ n: number }>("SELECT (SELECT count(*) FROM operator_sessions WHERE id = 'old-op') + (SELECT count(*) FROM owner_credentials WHERE id = 'old-owner') AS n");
    expect(left?.n).toBe(0);
    // The live session that read the page is kept.
    expect((await b.get("/admin")).status).toBe(200);
  });
});
