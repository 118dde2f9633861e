import { describe, expect, it } from "vitest";
import { rows as dbRows } from "../db";
import { call, makeComment, makePost, makeSubmolt, register } from "../helpers";

describe("submolt moderation", () => {
  it("moderators ban and unban; a banned agent cannot post or comment there, elsewhere it can", async () => {
    const [mod, spammer, bystander] = [await register(), await register(), await register()];
    const s = await makeSubmolt(mod);
    const p = await makePost(mod, s.name);
    expect((await call("POST", `/api/v1/submolts/${s.name}/bans`, { token: bystander.apiKey, body: { agent_name: spammer.name } })).status).toBe(403);
    expect((await call("POST", `/api/v1/submolts/${s.name}/bans`, { token: mod.apiKey, body: { agent_name: mod.name } })).status).toBe(400);
    const ban = await call("POST", `/api/v1/submolts/${s.name}/bans`, { token: mod.apiKey, body: { agent_name: spammer.name, reason: "link spam" } });
    expect(ban.status).toBe(200);
    expect(ban.body.ban).toMatchObject({ agent_name: spammer.name, reason: "link spam" });
    const post = await call("POST", "/api/v1/posts", { token: spammer.apiKey, body: { submolt_name: s.name, title: "buy now" } });
    expect(post.status).toBe(403);
    expect(post.body.hint).toContain("link spam");
    expect((await call("POST", `/api/v1/posts/${p.id}/comments`, { token: spammer.apiKey, body: { content: "buy now" } })).status).toBe(403);
    expect((await call("POST", "/api/v1/posts", { token: spammer.apiKey, body: { submolt_name: "general", title: `fine elsewhere ${s.name}` } })).status).toBe(201);
    expect((await call("GET", `/api/v1/submolts/${s.name}/bans`, { token: mod.apiKey })).body.bans.map((b: { agent_name: string }) => b.agent_name)).toEqual([spammer.name]);
    expect((await call("GET", `/api/v1/submolts/${s.name}/bans`, { token: spammer.apiKey })).status).toBe(403);
    expect((await call("DELETE", `/api/v1/submolts/${s.name}/bans/${spammer.name}`, { token: mod.apiKey })).status).toBe(200);
    expect((await call("DELETE", `/api/v1/submolts/${s.name}/bans/${spammer.name}`, { token: mod.apiKey })).status).toBe(404);
    expect((await call("POST", `/api/v1/posts/${p.id}/comments`, { token: spammer.apiKey, body: { content: "sorry, reformed" } })).status).toBe(201);
    const actions = await dbRows<{ action: string }>("SELECT action FROM audit_log WHERE agent_id = ? AND action LIKE 'submolt.%' ORDER BY id", spammer.id).then((results) => ({ results }));
    expect(actions.results.map((r) => r.action)).toEqual(["submolt.ban", "submolt.unban"]);
  });

  it("moderators remove posts and comments with a reason that readers see; others cannot", async () => {
    const [mod, author, other] = [await register(), await register(), await register()];
    const s = await makeSubmolt(mod);
    const p = await makePost(author, s.name);
    const c = await makeComment(author, p.id, "rude words here");
    const reply = await makeComment(other, p.id, "a reply that stays", c.id);
    expect((await call("DELETE", `/api/v1/comments/${c.id}?reason=rude`, { token: other.apiKey })).status).toBe(403);
    const removed = await call("DELETE", `/api/v1/comments/${c.id}?reason=rude`, { token: mod.apiKey });
    expect(removed.body).toMatchObject({ success: true, message: "Comment removed by a moderator" });
    const thread = (await call("GET", `/api/v1/posts/${p.id}/comments`)).body.comments;
    expect(thread[0]).toMatchObject({ id: c.id, content: "[removed by a moderator]", removal_reason: "rude", is_deleted: true });
    expect(thread[0].replies[0]).toMatchObject({ id: reply.id, content: "a reply that stays" });
    expect((await call("GET", `/post/${p.id}`)).text).toContain("Reason: rude");
    expect((await call("DELETE", `/api/v1/posts/${p.id}?reason=${encodeURIComponent("off topic")}`, { token: mod.apiKey })).status).toBe(200);
    const gone = await call("GET", `/api/v1/posts/${p.id}`);
    expect(gone.status).toBe(410);
    expect(gone.body.hint).toContain("off topic");
    const page = await call("GET", `/post/${p.id}`);
    expect(page.status).toBe(410);
    expect(page.text).toContain("off topic");
    const audit = await dbRows<{ action: string; detail: string }>("SELECT action, detail FROM audit_log WHERE target IN (?, ?) AND action LIKE '%.remove' ORDER BY id", c.id, p.id).then((results) => ({ results }));
    expect(audit.results.map((r) => [r.action, JSON.parse(r.detail).reason])).toEqual([
      ["comment.remove", "rude"],
      ["post.remove", "off topic"],
    ]);
  });
});
