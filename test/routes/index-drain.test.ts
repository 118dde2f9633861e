// The search outbox is drained after writes that change what the index holds, and by one drain at a
// time per isolate (issue 27): votes, pins and reports schedule nothing.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../worker/index";
import { interceptD1 } from "../../worker/lib/intercept-d1";
import { ORIGIN, makeSubmolt, register, uniqueName, withEnv } from "../helpers";

// A drain begins with the derive pass's read of new items (services/derive.ts).
const isDrain = (sql: string) => /from "search_outbox" left join "comments"/i.test(sql);

describe("post-response index drains", () => {
  it("follow posts, comments, their deletions and votes on posts; not comment votes, pins or reports", async () => {
    let drains = 0;
    const counted = withEnv({ DB: interceptD1(env.DB, { prepared: (sql) => void (isDrain(sql) && drains++) }) });
    const [a, b] = [await register(), await register()];
    const own = await makeSubmolt(a);
    const made = await counted("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: own.name, title: uniqueName("indexed") } });
    expect(made.status, made.text).toBe(201);
    expect(drains).toBe(1);
    const post = made.body.post.id as string;
    // A post's votes queue its hot rank (D1 sets it after the response): one drain each.
    for (const [method, path] of [["POST", `/api/v1/posts/${post}/upvote`], ["POST", `/api/v1/posts/${post}/downvote`], ["DELETE", `/api/v1/posts/${post}/vote`]] as const) {
      expect((await counted(method, path, { token: b.apiKey })).status).toBe(200);
    }
    expect(drains).toBe(4);
    drains = 1;
    const quiet: [string, string][] = [["POST", `/api/v1/posts/${post}/report`]];
    for (const [method, path] of quiet) {
      const res = await counted(method, path, { token: b.apiKey, body: method === "POST" ? { reason: "checking" } : undefined });
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(200);
    }
    for (const method of ["POST", "DELETE"]) expect((await counted(method, `/api/v1/posts/${post}/pin`, { token: a.apiKey })).status).toBe(200);
    expect(drains).toBe(1);
    const comment = await counted("POST", `/api/v1/posts/${post}/comments`, { token: b.apiKey, body: { content: uniqueName("an indexed reply") } });
    expect(comment.status).toBe(201);
    expect(drains).toBe(2);
    expect((await counted("POST", `/api/v1/comments/${comment.body.comment.id}/upvote`, { token: a.apiKey })).status).toBe(200);
    expect(drains).toBe(2);
    expect((await counted("DELETE", `/api/v1/comments/${comment.body.comment.id}`, { token: b.apiKey })).status).toBe(200);
    expect((await counted("DELETE", `/api/v1/posts/${post}`, { token: a.apiKey })).status).toBe(200);
    expect(drains).toBe(4);
    // A refused write changes nothing and drains nothing.
    expect((await counted("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: "no_such_submolt", title: "x" } })).status).toBe(404);
    expect(drains).toBe(4);
  });

  it("runs one drain at a time: writes during a drain get one more pass, not a second drain", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen = { calls: 0, active: 0, most: 0, texts: [] as string[][] };
    const ai = {
      async run(_model: string, input: { text: string[] }) {
        seen.calls++;
        seen.most = Math.max(seen.most, ++seen.active);
        seen.texts.push(input.text);
        await gate;
        seen.active--;
        return { data: input.text.map((_, k) => Array.from({ length: 768 }, (_, i) => ((i * (k + 3)) % 11) + 1)) };
      },
    };
    const vectors = { upsert: async () => ({}), deleteByIds: async () => ({}), query: async () => ({ matches: [] }) };
    const bindings = { ...env, SEARCH_ADAPTER: "cloudflare", AI: ai, VECTORS: vectors } as unknown as Cloudflare.Env;
    const a = await register();
    // Leftovers from other tests would be indexed by the first pass too: start from an empty outbox.
    await env.DB.prepare("DELETE FROM search_outbox").run();
    const send = (title: string) => {
      const ctx = createExecutionContext();
      const req = new Request(`${ORIGIN}/api/v1/posts`, {
        method: "POST",
        headers: { authorization: `Bearer ${a.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ submolt_name: "general", title }),
      });
      const res = Promise.resolve(worker.fetch(req, bindings, ctx));
      return { res, settled: res.then(() => waitOnExecutionContext(ctx)) };
    };
    const titles = [uniqueName("first"), uniqueName("second"), uniqueName("third")];
    const first = send(titles[0]!);
    expect((await first.res).status).toBe(201);
    await vi.waitFor(() => expect(seen.calls).toBe(1));
    const later = [send(titles[1]!), send(titles[2]!)];
    for (const w of later) expect((await w.res).status).toBe(201);
    // Both answered while the first drain is still embedding: neither started a drain of its own.
    expect(seen).toMatchObject({ calls: 1, active: 1 });
    release();
    await Promise.all([first.settled, ...later.map((w) => w.settled)]);
    expect(seen.most).toBe(1);
    expect(seen.calls).toBe(2);
    expect(seen.texts[0]!.join()).toContain(titles[0]);
    expect(seen.texts[1]!.join()).toContain(titles[1]);
    expect(seen.texts[1]!.join()).toContain(titles[2]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM search_outbox").first()).toEqual({ n: 0 });
  });
});
