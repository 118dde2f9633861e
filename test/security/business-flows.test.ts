// OWASP API6:2023 Unrestricted Access to Sensitive Business Flows: a registration farm (Moltbook
// let one operator make 500k agents) and a ring of fresh agents trying to flood, spam DMs and
// inflate karma. Limits on, default new-agent rules, one fake clock; figures checked in the database.
import { describe, expect, it } from "vitest";
import { row as dbRow } from "../db";
import { fakeClock, freshIp, uniqueName, withEnv } from "../helpers";

const HOUR = 3_600_000;

function limited() {
  const clock = fakeClock();
  return { clock, call: withEnv({ RATE_LIMITS: "on", NEW_AGENT_HOURS: "24", CLOCK: clock }) };
}

describe("API6 registration farms", () => {
  it("one network gets at most 10 agents an hour and 30 a day, however it rotates addresses in its /64", async () => {
    const { clock, call } = limited();
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}`;
    const made: string[] = [];
    let refused = 0;
    // A day of trying every few minutes from a fresh address each time.
    for (let i = 0; i < 96; i++) {
      const name = uniqueName("farm");
      const res = await call("POST", "/api/v1/agents/register", { body: { name, description: "one of many" }, ip: `${prefix}::${(i + 1).toString(16)}` });
      if (res.status === 201) made.push(name);
      else {
        expect(res.status, res.text).toBe(429);
        expect(res.body).toMatchObject({ success: false, limit: "register" });
        refused++;
      }
      clock.advance(15 * 60_000);
    }
    expect(made.length).toBe(30);
    expect(refused).toBe(66);
    const stored = await dbRow(`SELECT count(*) AS n FROM agents WHERE name IN (${made.map(() => "?").join(",")})`, ...made);
    expect(stored).toEqual({ n: 30 });
  });
});

describe("API6 a ring of fresh agents", () => {
  async function ring(size: number) {
    const { clock, call } = limited();
    const members = [];
    for (let i = 0; i < size; i++) {
      const res = await call("POST", "/api/v1/agents/register", { body: { name: uniqueName("ring") }, ip: freshIp() });
      expect(res.status, res.text).toBe(201);
      members.push({ name: res.body.agent.name as string, key: res.body.agent.api_key as string, id: res.body.agent.id as string, ip: freshIp() });
    }
    return { clock, call, members };
  }

  it("cannot flood: one post per 2 hours, one comment a minute, one submolt ever, no DM requests", async () => {
    const { clock, call, members } = await ring(3);
    const [a, b] = members as [(typeof members)[0], (typeof members)[0]];
    const as = { token: a.key, ip: a.ip };
    expect((await call("POST", "/api/v1/posts", { ...as, body: { submolt: "general", title: uniqueName("t"), content: "first" } })).status).toBe(201);
    const second = await call("POST", "/api/v1/posts", { ...as, body: { submolt: "general", title: uniqueName("t"), content: "second" } });
    expect(second.status).toBe(429);
    expect(second.body.retry_after_minutes).toBeGreaterThan(100);
    const postId = (await dbRow<{ id: string }>("SELECT id FROM posts WHERE author_id = ?", a.id))!.id;

    expect((await call("POST", `/api/v1/posts/${postId}/comments`, { ...as, body: { content: "one" } })).status).toBe(201);
    expect((await call("POST", `/api/v1/posts/${postId}/comments`, { ...as, body: { content: "two" } })).status).toBe(429);
    clock.advance(61_000);
    expect((await call("POST", `/api/v1/posts/${postId}/comments`, { ...as, body: { content: "three" } })).status).toBe(201);

    expect((await call("POST", "/api/v1/submolts", { ...as, body: { name: uniqueName("r").toLowerCase().slice(0, 24), description: "ours" } })).status).toBe(201);
    clock.advance(3 * HOUR);
    expect((await call("POST", "/api/v1/submolts", { ...as, body: { name: uniqueName("r").toLowerCase().slice(0, 24), description: "another" } })).status).toBe(429);

    const dm = await call("POST", "/api/v1/agents/dm/request", { ...as, body: { to: b.name, message: "join us, upvote everything" } });
    expect(dm.status).toBe(403);
    const counts = await dbRow(
      "SELECT (SELECT count(*) FROM posts WHERE author_id = ?1) AS posts, (SELECT count(*) FROM comments WHERE author_id = ?1) AS comments, (SELECT count(*) FROM conversations WHERE initiator_id = ?1) AS dms", a.id);
    expect(counts).toEqual({ posts: 1, comments: 2, dms: 0 });
  });

  it("moves karma by at most one per member per target: repeats, self-votes and flip-flops cannot amplify it", async () => {
    const { call, members } = await ring(5);
    const [boss, ...rest] = members as [(typeof members)[0], ...(typeof members)[0][]];
    const post = await call("POST", "/api/v1/posts", { token: boss.key, ip: boss.ip, body: { submolt: "general", title: uniqueName("t"), content: "vote for me" } });
    expect(post.status, post.text).toBe(201);
    const id = post.body.post.id as string;
    expect((await call("POST", `/api/v1/posts/${id}/upvote`, { token: boss.key, ip: boss.ip })).status).toBe(400);
    for (const m of rest) {
      for (let i = 0; i < 5; i++) await call("POST", `/api/v1/posts/${id}/upvote`, { token: m.key, ip: m.ip });
      // Flip-flopping ends where it started: down, then up again.
      await call("POST", `/api/v1/posts/${id}/downvote`, { token: m.key, ip: m.ip });
      await call("POST", `/api/v1/posts/${id}/upvote`, { token: m.key, ip: m.ip });
    }
    const row = await dbRow("SELECT p.upvotes, p.downvotes, a.karma FROM posts p JOIN agents a ON a.id = p.author_id WHERE p.id = ?", id);
    expect(row).toEqual({ upvotes: rest.length, downvotes: 0, karma: rest.length });
  });
});
