import { describe, expect, it } from "vitest";
import { row as dbRow, rows as dbRows } from "../db";
import { call, claim, register, uniqueName, withEnv, type Registered } from "../helpers";

async function request(from: Registered, to: Registered, message = "Hello there, shall we talk about tides?") {
  const res = await call("POST", "/api/v1/agents/dm/request", { token: from.apiKey, body: { to: to.name, message } });
  expect(res.status, res.text).toBe(201);
  return res.body.conversation_id as string;
}

async function openConversation(a: Registered, b: Registered) {
  const id = await request(a, b);
  expect((await call("POST", `/api/v1/agents/dm/requests/${id}/approve`, { token: b.apiKey })).status).toBe(200);
  return id;
}

const send = (who: Registered, id: string, message: string, extra: Record<string, unknown> = {}) =>
  call("POST", `/api/v1/agents/dm/conversations/${id}/send`, { token: who.apiKey, body: { message, ...extra } });

const unreadOf = async (who: Registered, id: string) =>
  ((await call("GET", "/api/v1/agents/dm/conversations", { token: who.apiKey })).body.conversations.items as { conversation_id: string; unread_count: number }[]).find(
    (c) => c.conversation_id === id,
  )?.unread_count;

describe("direct messages", () => {
  it("runs the whole flow between two agents", async () => {
    const a = await register();
    const b = await register();
    const id = await request(a, b, "Hi B, I liked your post about kelp forests.");

    const check = await call("GET", "/api/v1/agents/dm/check", { token: b.apiKey });
    expect(check.body).toMatchObject({ has_activity: true, requests: { count: 1 }, messages: { total_unread: 0 } });
    const reqs = await call("GET", "/api/v1/agents/dm/requests", { token: b.apiKey });
    expect(reqs.body.requests.items[0]).toMatchObject({ conversation_id: id, from: { name: a.name }, message: "Hi B, I liked your post about kelp forests." });
    expect((await call("POST", `/api/v1/agents/dm/conversations/${id}/send`, { token: a.apiKey, body: { message: "too early" } })).status).toBe(403);

    const approve = await call("POST", `/api/v1/agents/dm/requests/${id}/approve`, { token: b.apiKey });
    expect(approve.body).toMatchObject({ success: true, conversation_id: id });
    expect(await unreadOf(b, id)).toBe(1);

    const sent = await send(b, id, "Thanks! What would you like to know?");
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ success: true, sent: { content: "Thanks! What would you like to know?", needs_human_input: false } });
    const listA = await call("GET", "/api/v1/agents/dm/conversations", { token: a.apiKey });
    expect(listA.body).toMatchObject({ inbox: "main", total_unread: 1 });
    expect(listA.body.conversations.items[0]).toMatchObject({ conversation_id: id, with_agent: { name: b.name }, unread_count: 1, you_initiated: true, status: "approved" });

    const read = await call("GET", `/api/v1/agents/dm/conversations/${id}`, { token: a.apiKey });
    expect(read.body.messages.map((m: { sender: { name: string }; content: string }) => [m.sender.name, m.content])).toEqual([
      [a.name, "Hi B, I liked your post about kelp forests."],
      [b.name, "Thanks! What would you like to know?"],
    ]);
    // One name per field: a serde client with aliases refuses sender beside from_agent, content beside message.
    expect(Object.keys(read.body.messages[1]).sort()).toEqual(["content", "created_at", "id", "needs_human_input", "sender"]);
    expect(await unreadOf(a, id)).toBe(0);
    expect((await call("GET", "/api/v1/agents/dm/check", { token: a.apiKey })).body.has_activity).toBe(false);
  });

  it("keeps unread counts exact through interleaved sends and reads", async () => {
    const a = await register();
    const b = await register();
    const id = await openConversation(a, b);
    await call("GET", `/api/v1/agents/dm/conversations/${id}`, { token: b.apiKey });
    expect(await unreadOf(b, id)).toBe(0);
    await send(a, id, "one");
    await send(b, id, "reply");
    await send(a, id, "two");
    expect(await unreadOf(b, id)).toBe(2);
    expect(await unreadOf(a, id)).toBe(1);
    await call("GET", `/api/v1/agents/dm/conversations/${id}`, { token: b.apiKey });
    expect(await unreadOf(b, id)).toBe(0);
    await Promise.all([send(a, id, "three"), send(a, id, "four"), send(a, id, "five")]);
    expect(await unreadOf(b, id)).toBe(3);
    expect(await unreadOf(a, id)).toBe(1);
    const seqs = await dbRows<{ seq: number }>("SELECT seq FROM messages WHERE conversation_id = ? ORDER BY seq", id);
    expect(seqs.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("answers 404 to a third agent on every endpoint, and shows it nothing", async () => {
    const a = await register();
    const b = await register();
    const c = await register();
    const pending = await request(a, b);
    const id = await openConversation(a, await register());
    for (const target of [pending, id]) {
      const probes = [
        call("POST", `/api/v1/agents/dm/requests/${target}/approve`, { token: c.apiKey }),
        call("POST", `/api/v1/agents/dm/requests/${target}/reject`, { token: c.apiKey, body: { block: true } }),
        call("GET", `/api/v1/agents/dm/conversations/${target}`, { token: c.apiKey }),
        call("POST", `/api/v1/agents/dm/conversations/${target}/send`, { token: c.apiKey, body: { message: "let me in" } }),
      ];
      for (const res of await Promise.all(probes)) {
        expect(res.status).toBe(404);
        expect(res.body.success).toBe(false);
      }
    }
    // The initiator cannot approve their own request either.
    expect((await call("POST", `/api/v1/agents/dm/requests/${pending}/approve`, { token: a.apiKey })).status).toBe(404);
    for (const path of ["/api/v1/agents/dm/requests", "/api/v1/agents/dm/conversations", "/api/v1/agents/dm/check"]) {
      const res = await call("GET", path, { token: c.apiKey });
      expect(res.text).not.toContain(pending);
      expect(res.text).not.toContain(id);
    }
    const row = await dbRow("SELECT status FROM conversations WHERE id = ?", pending);
    expect(row).toEqual({ status: "pending" });
    expect(await dbRow("SELECT count(*) AS n FROM messages WHERE content = 'let me in'")).toEqual({ n: 0 });
  });

  it("refuses requests from a blocked sender; a plain rejection can be asked again", async () => {
    const a = await register();
    const b = await register();
    const c = await register();
    const first = await request(a, b);
    const rejected = await call("POST", `/api/v1/agents/dm/requests/${first}/reject`, { token: b.apiKey, body: { block: true } });
    expect(rejected.body).toMatchObject({ success: true, blocked: true });
    const again = await call("POST", "/api/v1/agents/dm/request", { token: a.apiKey, body: { to: b.name, message: "Please, one more time?" } });
    expect(again.status).toBe(403);
    expect(again.body.error).toBe("You are blocked by this agent");

    const second = await request(c, b);
    expect((await call("POST", `/api/v1/agents/dm/requests/${second}/reject`, { token: b.apiKey })).body.blocked).toBe(false);
    expect((await call("GET", `/api/v1/agents/dm/conversations/${second}`, { token: c.apiKey })).status).toBe(404);
    const retry = await request(c, b, "Sorry to bother you again, quick question.");
    expect(retry).toBe(second);
    expect((await call("GET", "/api/v1/agents/dm/requests", { token: b.apiKey })).body.requests.items[0].message).toBe("Sorry to bother you again, quick question.");
  });

  it("validates requests and messages", async () => {
    const a = await register();
    const b = await register();
    const bad = async (body: unknown, status: number, error: string) => {
      const res = await call("POST", "/api/v1/agents/dm/request", { token: a.apiKey, body });
      expect(res.status).toBe(status);
      expect(res.body.error).toContain(error);
    };
    await bad({ to: b.name, message: "short" }, 400, "10-1000");
    await bad({ to: b.name, message: "x".repeat(1001) }, 400, "10-1000");
    await bad({ message: "long enough message" }, 400, "exactly one of to or to_owner");
    await bad({ to: "nobody_here_123", message: "long enough message" }, 404, "Agent not found");
    await bad({ to: a.name, message: "long enough message" }, 400, "Cannot message yourself");
    await request(a, b);
    await bad({ to: b.name, message: "long enough message" }, 409, "already exists");
    const id = await openConversation(b, await register());
    const long = await send(b, id, "x".repeat(5001));
    expect(long.status).toBe(400);
  });

  it("reaches a human's agent by owner handle", async () => {
    const a = await register();
    const b = await register();
    const { handle } = await claim(b, uniqueName("Human"));
    const res = await call("POST", "/api/v1/agents/dm/request", { token: a.apiKey, body: { to_owner: `@${handle}`, message: "Hello to your agent!" } });
    expect(res.status).toBe(201);
    expect((await call("GET", "/api/v1/agents/dm/requests", { token: b.apiKey })).body.requests.count).toBe(1);
  });

  it("bounds open requests per sender", async () => {
    const a = await register();
    for (let i = 0; i < 10; i++) await request(a, await register());
    const res = await call("POST", "/api/v1/agents/dm/request", { token: a.apiKey, body: { to: (await register()).name, message: "one request too many" } });
    expect(res.status).toBe(429);
    expect(res.body.error).toBe("Too many pending requests");
  });

  it("neither lets a suspended agent send nor lets anyone reach it", async () => {
    const a = await register();
    const b = await register();
    const id = await openConversation(a, b);
    const { ownerToken } = await claim(b);
    await call("POST", `/api/v1/owner/agents/${b.name}/suspend`, { token: ownerToken });
    expect((await send(b, id, "from a suspended agent")).status).toBe(403);
    expect((await send(a, id, "to a suspended agent")).status).toBe(403);
    const req = await call("POST", "/api/v1/agents/dm/request", { token: (await register()).apiKey, body: { to: b.name, message: "can you hear me?" } });
    expect(req.status).toBe(403);
  });

  it("blocks requests from agents younger than NEW_AGENT_HOURS", async () => {
    const limited = withEnv({ NEW_AGENT_HOURS: "24" });
    const a = await register();
    const b = await register();
    const res = await limited("POST", "/api/v1/agents/dm/request", { token: a.apiKey, body: { to: b.name, message: "hello from a newcomer" } });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe("New agents cannot send message requests yet");
  });

  it("surfaces needs_human_input messages to the owner, and never in public responses", async () => {
    const a = await register();
    const b = await register();
    const { ownerToken } = await claim(b);
    const id = await openConversation(a, b);
    const secret = `private-${crypto.randomUUID()}`;
    await send(a, id, `Can your human approve ${secret}?`, { needs_human_input: true });
    const flags = await call("GET", `/api/v1/owner/agents/${b.name}/needs-human`, { token: ownerToken });
    expect(flags.status).toBe(200);
    expect(flags.body.messages[0]).toMatchObject({ conversation_id: id, from: { name: a.name }, direction: "received", content: `Can your human approve ${secret}?` });
    const publicPaths = [
      "/api/v1/posts?sort=new&limit=100",
      `/api/v1/agents/profile?name=${a.name}`,
      `/api/v1/agents/profile?name=${b.name}`,
      "/api/v1/submolts",
      "/api/v1/openapi.json",
      `/u/${a.name}`,
      "/",
    ];
    for (const path of publicPaths) expect((await call("GET", path)).text).not.toContain(secret);
    for (const path of ["/api/v1/feed", "/api/v1/agents/me", "/api/v1/posts"]) {
      expect((await call("GET", path, { token: b.apiKey })).text).not.toContain(secret);
    }
  });
});
