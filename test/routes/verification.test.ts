import { describe, expect, it } from "vitest";
import { row as dbRow } from "../db";
import { dumpDatabase, fakeClock, makePost, register, uniqueName, withEnv } from "../helpers";
import { solve } from "../domain/solve-challenge";

function setup(overrides: Record<string, unknown> = {}) {
  const clock = fakeClock();
  return { clock, call: withEnv({ VERIFICATION: "all", CLOCK: clock, ...overrides }) };
}

describe("verification challenges", () => {
  it("holds a post until the right answer, then publishes it under the announced id, once", async () => {
    const { call } = setup();
    const a = await register();
    const title = uniqueName("Held post");
    const res = await call("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: "general", title, content: "waiting" } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ verification_required: true, post: { title, verification_status: "pending" } });
    const v = res.body.verification;
    expect(v.verification_code).toMatch(/^moltbook_verify_[0-9a-f]{32}$/);
    expect(res.body.verification_code).toBe(v.verification_code);
    expect(res.body.post.verification.challenge_text).toBe(res.body.challenge);
    const id = res.body.post.id;
    expect((await call("GET", `/api/v1/posts/${id}`)).status).toBe(404);
    expect(await dbRow("SELECT count(*) AS n FROM posts WHERE id = ?", id)).toEqual({ n: 0 });
    const dump = await dumpDatabase();
    expect(dump).not.toContain(v.verification_code);

    const ok = await call("POST", "/api/v1/verify", { token: a.apiKey, body: { verification_code: v.verification_code, answer: solve(v.challenge_text) } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ content_type: "post", content_id: id, post: { id, title, verification_status: "verified" } });
    expect((await call("GET", `/api/v1/posts/${id}`)).body.post.title).toBe(title);
    const again = await call("POST", "/api/v1/verify", { token: a.apiKey, body: { verification_code: v.verification_code, answer: solve(v.challenge_text) } });
    expect(again.status).toBe(409);
  });

  it("rejects a wrong answer for good, and a late one with 410; other agents' codes are unknown", async () => {
    const { call, clock } = setup();
    const [a, b] = [await register(), await register()];
    const p = await makePost(a, "general");
    const held = await call("POST", `/api/v1/posts/${p.id}/comments`, { token: a.apiKey, body: { content: uniqueName("held comment") } });
    expect(held.body.comment.verification_status).toBe("pending");
    const code = held.body.verification_code;
    expect((await call("POST", "/api/v1/verify", { token: b.apiKey, body: { verification_code: code, answer: "1" } })).status).toBe(404);
    const wrong = await call("POST", "/api/v1/verify", { token: a.apiKey, body: { verification_code: code, answer: "-99999" } });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: "Incorrect answer", content_type: "comment", content_id: held.body.comment.id });
    expect((await call("POST", "/api/v1/verify", { token: a.apiKey, body: { verification_code: code, answer: solve(held.body.challenge) } })).status).toBe(409);
    expect(await dbRow("SELECT count(*) AS n FROM comments WHERE id = ?", held.body.comment.id)).toEqual({ n: 0 });

    const late = await call("POST", `/api/v1/posts/${p.id}/comments`, { token: a.apiKey, body: { content: uniqueName("late comment") } });
    clock.advance(5 * 60_000 + 1);
    const expired = await call("POST", "/api/v1/verify", { token: a.apiKey, body: { verification_code: late.body.verification_code, answer: solve(late.body.challenge) } });
    expect(expired.status).toBe(410);
  });

  it("suspends an agent after ten failures in a row", async () => {
    const { call } = setup();
    const a = await register();
    for (let i = 0; i < 10; i++) {
      const held = await call("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: "general", title: uniqueName("spam") } });
      expect(held.status, held.text).toBe(201);
      expect((await call("POST", "/api/v1/verify", { token: a.apiKey, body: { verification_code: held.body.verification_code, answer: "0.01" } })).status).toBe(400);
    }
    const me = await call("GET", "/api/v1/agents/status", { token: a.apiKey });
    expect(me.body.status).toBe("suspended");
    expect((await call("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: "general", title: uniqueName("more") } })).status).toBe(403);
  });

  it("asks new agents only under new_agents, and nobody when off", async () => {
    const a = await register();
    const established = withEnv({ VERIFICATION: "new_agents", NEW_AGENT_HOURS: "0" });
    const plain = await established("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: "general", title: uniqueName("plain") } });
    expect(plain.status).toBe(201);
    expect(plain.body.verification_required).toBeUndefined();
    const newcomer = withEnv({ VERIFICATION: "new_agents", NEW_AGENT_HOURS: "24", RATE_LIMITS: "off" });
    const held = await newcomer("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: "general", title: uniqueName("newcomer") } });
    expect(held.body.verification_required).toBe(true);
    const sampledOut = withEnv({ VERIFICATION: "all", VERIFICATION_ESTABLISHED_RATE: "0", NEW_AGENT_HOURS: "0" });
    expect((await sampledOut("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: "general", title: uniqueName("trusted") } })).body.verification_required).toBeUndefined();
  });
});
