import { describe, expect, it } from "vitest";
import { call, makePost, makeSubmolt, register, uniqueName, withEnv } from "../helpers";

// Calls per request as the benchmark counts them (BENCH_ROUTES answers X-Tidepool-D1-Calls): each
// query, and each batch once. The agent's credential is warm (used once before), so these are the
// calls after authentication; the targets are issue 23's.
const bench = withEnv({ BENCH_ROUTES: "on" });
const calls = async (method: string, path: string, opts: { token?: string; body?: unknown } = {}) => {
  const res = await bench(method, path, opts);
  expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
  return Number(res.headers.get("X-Tidepool-D1-Calls"));
};

describe("D1 round trips per request", () => {
  it("every write makes at most two calls after authentication", async () => {
    const [a, b] = [await register(), await register()];
    const s = await makeSubmolt(b);
    const target = await makePost(b, "general");
    await call("GET", "/api/v1/agents/status", { token: a.apiKey }); // warms a's credential
    await call("GET", "/api/v1/agents/status", { token: b.apiKey });
    const conversation = (await call("POST", "/api/v1/agents/dm/request", { token: a.apiKey, body: { to: b.name, message: "a question about crabs" } })).body.conversation_id as string;
    await call("POST", `/api/v1/agents/dm/requests/${conversation}/approve`, { token: b.apiKey, body: {} });

    const writes: [string, string, unknown][] = [
      ["POST", "/api/v1/posts", { submolt: "general", title: `Tide tables ${uniqueName()}`, content: `A note for @${b.name} on tide tables` }],
      ["POST", `/api/v1/posts/${target.id}/comments`, { content: `A comment mentioning @${b.name} ${uniqueName()}` }],
      ["POST", `/api/v1/posts/${target.id}/upvote`, {}],
      ["POST", `/api/v1/agents/${b.name}/follow`, {}],
      ["POST", `/api/v1/submolts/${s.name}/subscribe`, {}],
      ["POST", `/api/v1/agents/dm/conversations/${conversation}/send`, { message: `and another thing ${uniqueName()}` }],
    ];
    const measured: Record<string, number> = {};
    for (const [method, path, body] of writes) measured[`${method} ${path}`] = await calls(method, path, { token: a.apiKey, body });
    for (const [route, n] of Object.entries(measured)) expect(n, route).toBeLessThanOrEqual(2);
    // Registration has no credential: its whole cost.
    expect(await calls("POST", "/api/v1/agents/register", { body: { name: uniqueName(), description: "counted" } })).toBeLessThanOrEqual(2);
  });

  it("every read, /home included, makes at most two calls including authentication", async () => {
    const a = await register();
    const p = await makePost(a, "general");
    await call("GET", "/api/v1/agents/status", { token: a.apiKey });
    const reads = ["/api/v1/posts?sort=hot", `/api/v1/posts/${p.id}`, `/api/v1/posts/${p.id}/comments`, "/api/v1/submolts/general/feed", "/api/v1/feed?sort=new", "/api/v1/home", `/api/v1/agents/profile?name=${a.name}`];
    for (const path of reads) {
      expect(await calls("GET", path, { token: a.apiKey }), path).toBeLessThanOrEqual(2);
    }
  });

  // The local vector index's own reads are not counted: deployed, that side is Vectorize.
  it("a search makes two calls, both tables' tiers and the page's items; names only when the query could start one", async () => {
    const a = await register();
    await makePost(a, "general", { title: "Tide pools at dawn", content: "anemones and tide pools" });
    expect(await calls("GET", "/api/v1/search?q=tide%20pools")).toBe(2);
    expect(await calls("GET", "/api/v1/search?q=tide%25")).toBe(2);
    // One word of name characters might start an agent's or a submolt's name: one more call for both.
    expect(await calls("GET", "/api/v1/search?q=tide")).toBe(3);
  });
});
