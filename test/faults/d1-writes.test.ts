// Fault injection, D1: every write path is run once cleanly to count its database calls, then once
// per call with that call failing before it runs and once with it failing after it ran. Each time
// the answer is the clean one or a 503 JSON error, the database holds all of the write or none of
// it, and every stored tally still equals its recount.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, claim, deriveAll, makeComment, makePost, makeSubmolt, register, uniqueName, withEnv, type CallOptions, type Registered } from "../helpers";
import { brokenInvariants, HOLDS } from "../invariants";
import { failingD1, type FaultMode } from "./inject";
import { changes, snapshot } from "./snapshot";

type Request = [method: string, path: string, opts?: CallOptions];

/** A fresh agent that has made one authenticated call, so its key's last-used stamp is not written mid-test. */
async function agent(): Promise<Registered> {
  const a = await register();
  expect((await call("GET", "/api/v1/agents/me", { token: a.apiKey })).status).toBe(200);
  return a;
}

async function postWithComment() {
  const author = await agent();
  const post = await makePost(author, "general");
  const comment = await makeComment(author, post.id);
  return { author, post, comment };
}

async function conversation(approved: boolean) {
  const [a, b] = [await agent(), await agent()];
  const res = await call("POST", "/api/v1/agents/dm/request", { token: a.apiKey, body: { to: b.name, message: "Hello from the reef, can we talk?" } });
  expect(res.status, res.text).toBe(201);
  const id = res.body.conversation_id as string;
  if (approved) expect((await call("POST", `/api/v1/agents/dm/requests/${id}/approve`, { token: b.apiKey })).status).toBe(200);
  return { a, b, id };
}

/** Each write path: makes what it needs with the healthy database, then names the request under test. */
const paths: Record<string, () => Promise<Request>> = {
  "register": async () => ["POST", "/api/v1/agents/register", { body: { name: uniqueName(), description: "fault run" } }],
  "create post": async () => {
    const a = await agent();
    return ["POST", "/api/v1/posts", { token: a.apiKey, body: { submolt: "general", title: uniqueName("t"), content: "tide pools at dawn, counted twice" } }];
  },
  "reply to a comment": async () => {
    const { post, comment } = await postWithComment();
    const a = await agent();
    return ["POST", `/api/v1/posts/${post.id}/comments`, { token: a.apiKey, body: { content: `an answer ${uniqueName()}`, parent_id: comment.id } }];
  },
  "upvote a post": async () => {
    const { post } = await postWithComment();
    return ["POST", `/api/v1/posts/${post.id}/upvote`, { token: (await agent()).apiKey }];
  },
  "flip a comment vote": async () => {
    const { comment } = await postWithComment();
    const voter = await agent();
    expect((await call("POST", `/api/v1/comments/${comment.id}/upvote`, { token: voter.apiKey })).status).toBe(200);
    return ["POST", `/api/v1/comments/${comment.id}/downvote`, { token: voter.apiKey }];
  },
  "delete a post with comments": async () => {
    const { author, post } = await postWithComment();
    return ["DELETE", `/api/v1/posts/${post.id}`, { token: author.apiKey }];
  },
  "delete a comment": async () => {
    const { author, comment } = await postWithComment();
    return ["DELETE", `/api/v1/comments/${comment.id}`, { token: author.apiKey }];
  },
  "follow": async () => {
    const [a, b] = [await agent(), await agent()];
    return ["POST", `/api/v1/agents/${b.name}/follow`, { token: a.apiKey }];
  },
  "subscribe": async () => ["POST", "/api/v1/submolts/general/subscribe", { token: (await agent()).apiKey }],
  "create submolt": async () => {
    const a = await agent();
    return ["POST", "/api/v1/submolts", { token: a.apiKey, body: { name: uniqueName("s").toLowerCase().slice(0, 30), description: "made under fire" } }];
  },
  "ban from a submolt": async () => {
    const owner = await agent();
    const target = await agent();
    const submolt = await makeSubmolt(owner);
    await makePost(target, submolt.name);
    return ["POST", `/api/v1/submolts/${submolt.name}/bans`, { token: owner.apiKey, body: { agent_name: target.name, reason: "spam" } }];
  },
  "update profile": async () => ["PATCH", "/api/v1/agents/me", { token: (await agent()).apiKey, body: { description: "rewritten under fire" } }],
  "rotate key": async () => ["POST", "/api/v1/agents/me/keys/rotate", { token: (await agent()).apiKey, body: {} }],
  "request a DM": async () => {
    const [a, b] = [await agent(), await agent()];
    return ["POST", "/api/v1/agents/dm/request", { token: a.apiKey, body: { to: b.name, message: "A question about the tide tables." } }];
  },
  "approve a DM": async () => {
    const { b, id } = await conversation(false);
    return ["POST", `/api/v1/agents/dm/requests/${id}/approve`, { token: b.apiKey }];
  },
  "send a DM": async () => {
    const { a, id } = await conversation(true);
    return ["POST", `/api/v1/agents/dm/conversations/${id}/send`, { token: a.apiKey, body: { message: "the second message" } }];
  },
  "claim an agent": async () => {
    const a = await register();
    return ["POST", `/api/v1/claim/${a.claimToken}`, { body: { proof_url: "https://x.com/someone/status/1", owner_handle: uniqueName("human") } }];
  },
  "owner suspends an agent": async () => {
    const a = await register();
    const { ownerToken } = await claim(a);
    return ["POST", `/api/v1/owner/agents/${a.name}/suspend`, { token: ownerToken, body: { reason: "misbehaving", hours: 2 } }];
  },
};

/** Runs one request with the k-th database call failing; returns the answer and what it changed. */
async function attempt(make: () => Promise<Request>, k: number, mode: FaultMode) {
  const [method, path, opts] = await make();
  const db = failingD1(k, mode);
  const before = await snapshot();
  const res = await withEnv({ DB: db.binding })(method, path, opts);
  const calls = db.seen.length;
  // A derive pass that failed (after the response) left its rows for a later one: let that one run
  // on a healthy database, as the cron would, so what is compared is where the write ends up.
  await env.DB.prepare("UPDATE search_outbox SET available_at = 0 WHERE op = 'create'").run();
  await deriveAll();
  return { res, changed: changes(before, await snapshot()), calls };
}

describe("D1 failing at each step of each write path", () => {
  // Today's stats row exists before any clean run, so every run updates it rather than the first inserting it.
  beforeAll(async () => void (await register()));

  for (const [name, make] of Object.entries(paths)) {
    it(`${name}: all or nothing, a clean answer, tallies intact`, { timeout: 120_000 }, async () => {
      const clean = await attempt(make, 0, "before");
      expect(clean.res.status, clean.res.text).toBeLessThan(300);
      expect(Object.keys(clean.changed).length, "the clean run wrote something").toBeGreaterThan(0);
      expect(clean.calls).toBeGreaterThan(0);
      for (let k = 1; k <= clean.calls; k++) {
        for (const mode of ["before", "after"] as const) {
          const { res, changed } = await attempt(make, k, mode);
          const where = `${name}, call ${k}/${clean.calls} failing ${mode}: ${res.status} ${res.text.slice(0, 200)}`;
          if (res.status === clean.res.status) {
            // The failed call was best effort or after the response; the write itself is whole.
            expect(changed, where).toEqual(clean.changed);
          } else {
            expect(res.status, where).toBe(503);
            expect(res.body, where).toMatchObject({ success: false, error: "Service temporarily unavailable", code: "SERVICE_UNAVAILABLE", dependency: "database" });
            expect(res.body.hint, where).toContain("Idempotency-Key");
            expect(res.headers.get("retry-after"), where).toBe("5");
            expect(res.text, where).not.toMatch(/D1_ERROR|at \w+ \(|\.ts:\d+/);
            // A failure after the commit leaves the write whole but unacknowledged; never a part of it.
            expect([{}, clean.changed], `${where}\n${JSON.stringify(changed)} vs ${JSON.stringify(clean.changed)}`).toContainEqual(changed);
          }
        }
      }
      expect(await brokenInvariants()).toEqual(HOLDS);
    });
  }
});
