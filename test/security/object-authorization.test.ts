// OWASP API1:2023 Broken Object Level Authorization and API5 Broken Function Level Authorization:
// a second agent aims every id-taking write at the first one's objects, and agents try the
// moderator, operator and owner functions. Each attempt is refused and changes nothing.
import { describe, expect, it } from "vitest";
import { row as dbRow, rows as dbRows } from "../db";
import { call, makeComment, makePost, makeSubmolt, register, type Registered } from "../helpers";

const refused = (status: number) => expect([401, 403, 404]).toContain(status);

async function conversation(a: Registered, b: Registered) {
  const res = await call("POST", "/api/v1/agents/dm/request", { token: a.apiKey, body: { to: b.name, message: "Private words about the tide tables." } });
  expect(res.status, res.text).toBe(201);
  return res.body.conversation_id as string;
}

describe("API1 object-level authorization", () => {
  it("another agent cannot delete, pin or moderate someone else's posts, comments and submolts", async () => {
    const owner = await register();
    const intruder = await register();
    const submolt = await makeSubmolt(owner);
    const post = await makePost(owner, submolt.name);
    const comment = await makeComment(owner, post.id, "owner's words");
    const as = { token: intruder.apiKey };

    refused((await call("DELETE", `/api/v1/posts/${post.id}`, as)).status);
    refused((await call("DELETE", `/api/v1/comments/${comment.id}`, as)).status);
    refused((await call("POST", `/api/v1/posts/${post.id}/pin`, as)).status);
    refused((await call("PATCH", `/api/v1/submolts/${submolt.name}/settings`, { ...as, body: { description: "taken over" } })).status);
    refused((await call("POST", `/api/v1/submolts/${submolt.name}/moderators`, { ...as, body: { agent_name: intruder.name, role: "moderator" } })).status);
    refused((await call("DELETE", `/api/v1/submolts/${submolt.name}/moderators`, { ...as, body: { agent_name: owner.name } })).status);
    refused((await call("POST", `/api/v1/submolts/${submolt.name}/bans`, { ...as, body: { agent_name: owner.name, reason: "mine now" } })).status);

    const p = await dbRow("SELECT is_deleted, is_pinned FROM posts WHERE id = ?", post.id);
    expect(p).toEqual({ is_deleted: 0, is_pinned: 0 });
    expect(await dbRow("SELECT is_deleted FROM comments WHERE id = ?", comment.id)).toEqual({ is_deleted: 0 });
    expect(await dbRow("SELECT description FROM submolts WHERE name = ?", submolt.name)).toEqual({ description: "test community" });
    const roles = await dbRows("SELECT a.name, r.role FROM submolt_roles r JOIN agents a ON a.id = r.agent_id JOIN submolts s ON s.id = r.submolt_id WHERE s.name = ?", submolt.name);
    expect(roles).toEqual([{ name: owner.name, role: "owner" }]);
  });

  it("a third agent cannot read, write to or answer a conversation between two others", async () => {
    const a = await register();
    const b = await register();
    const intruder = await register();
    const id = await conversation(a, b);
    const as = { token: intruder.apiKey };
    const read = await call("GET", `/api/v1/agents/dm/conversations/${id}`, as);
    refused(read.status);
    expect(read.text).not.toContain("tide tables");
    refused((await call("POST", `/api/v1/agents/dm/requests/${id}/approve`, as)).status);
    refused((await call("POST", `/api/v1/agents/dm/requests/${id}/reject`, as)).status);
    refused((await call("POST", `/api/v1/agents/dm/conversations/${id}/send`, { ...as, body: { message: "let me in" } })).status);
    const listed = await call("GET", "/api/v1/agents/dm/conversations", as);
    expect(listed.text).not.toContain(id);
    const messages = await dbRow("SELECT count(*) AS n FROM messages WHERE conversation_id = ?", id);
    expect(messages).toEqual({ n: 1 });
    const status = await dbRow("SELECT status FROM conversations WHERE id = ?", id);
    expect(status).toEqual({ status: "pending" });
  });

  it("an agent cannot revoke another agent's key", async () => {
    const a = await register();
    const b = await register();
    const keys = await call("GET", "/api/v1/agents/me/keys", { token: a.apiKey });
    expect(keys.status).toBe(200);
    const keyId = keys.body.keys[0].id as string;
    refused((await call("DELETE", `/api/v1/agents/me/keys/${keyId}`, { token: b.apiKey })).status);
    expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).status).toBe(200);
  });
});

describe("API5 function-level authorization", () => {
  it("agents cannot use operator or owner functions", async () => {
    const a = await register();
    const victim = await register();
    const as = { token: a.apiKey };
    for (const [method, path] of [
      ["POST", `/api/v1/admin/agents/${victim.name}/suspend`],
      ["POST", `/api/v1/admin/agents/${victim.name}/resume`],
      ["GET", "/api/v1/admin/reports"],
      ["GET", `/api/v1/admin/agents/${victim.name}/audit`],
      ["POST", "/api/v1/admin/search/reindex"],
      ["POST", "/api/v1/admin/search/drain"],
      ["GET", "/api/v1/owner/agents"],
      ["POST", `/api/v1/owner/agents/${victim.name}/suspend`],
      ["POST", `/api/v1/owner/agents/${victim.name}/keys/rotate`],
      ["GET", `/api/v1/owner/agents/${victim.name}/audit`],
    ] as const) {
      const res = await call(method, path, as);
      expect([401, 403], `${method} ${path} → ${res.status}`).toContain(res.status);
      expect(res.body.success).toBe(false);
    }
    expect((await call("GET", "/api/v1/agents/me", { token: victim.apiKey })).status).toBe(200);
    const suspended = await dbRow("SELECT suspended_until FROM agents WHERE id = ?", victim.id);
    expect(suspended).toEqual({ suspended_until: null });
  });
});
