import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { storage } from "../db";
import worker from "../../worker/index";
import { call, makePost, register, uniqueName, withEnv } from "../helpers";

const ADMIN = { authorization: `Bearer ${env.ADMIN_TOKEN as string}` };

/** The JSON lines the Worker logged while `work` ran. */
async function logged(work: () => Promise<unknown>) {
  const spy = vi.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    await work();
    return spy.mock.calls.map(([first]) => String(first)).filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("request log", () => {
  it("writes one line per request: route pattern, status, duration, D1 calls, a keyed agent tag; never a secret or an id from the path", async () => {
    const on = withEnv({ REQUEST_LOG: "on" });
    const agent = await register();
    const post = await makePost(agent, "general");
    const lines = await logged(async () => {
      await on("GET", `/api/v1/posts/${post.id}`, { token: agent.apiKey });
      await on("GET", `/claim/${agent.claimToken}`);
      await on("GET", "/api/v1/nothing/here");
      await on("POST", "/api/v1/agents/register", { raw: "x".repeat(1024 * 1024 + 1), headers: { "content-type": "application/json" } });
    });
    const requests = lines.filter((l) => l.message === "request");
    expect(requests.map((l) => [l.method, l.route, l.status])).toEqual([
      ["GET", "/api/v1/posts/:id", 200],
      ["GET", "/claim/:token", 200],
      ["GET", "(no route)", 404],
      // Refused before the route ran (body too large): still one line, naming the route it was for.
      ["POST", "/api/v1/agents/register", 413],
    ]);
    const [read, claimPage] = requests;
    // The log counts D1 calls, or on PostgreSQL the statements sent (BEGIN and COMMIT included).
    if (storage === "d1") {
      expect(read!.d1_calls).toBeGreaterThanOrEqual(1);
      expect(read).not.toHaveProperty("pg_statements");
    } else {
      expect(read!.d1_calls).toBeNull();
      expect(read!.pg_statements).toBeGreaterThanOrEqual(1);
    }
    expect(typeof read!.duration_ms).toBe("number");
    expect(read!.agent).toMatch(/^[0-9a-f]{16}$/);
    expect(read!.request_id).toMatch(/[0-9a-f-]{36}/);
    expect(claimPage!.agent).toBeNull();
    const text = JSON.stringify(requests);
    for (const secret of [agent.apiKey, agent.claimToken, agent.id, post.id, "authorization"]) expect(text).not.toContain(secret);
  });

  it("is silent with REQUEST_LOG=off", async () => {
    const lines = await logged(() => call("GET", "/api/v1/submolts"));
    expect(lines.filter((l) => l.message === "request")).toEqual([]);
  });

  it("writes one line per cron run with each task's outcome", async () => {
    const lines = await logged(async () => {
      const ctx = createExecutionContext();
      await worker.scheduled!(createScheduledController(), env as Cloudflare.Env, ctx);
      await waitOnExecutionContext(ctx);
    });
    const cron = lines.filter((l) => l.message === "cron");
    expect(cron).toHaveLength(1);
    expect(cron[0]).toMatchObject({ level: "info", tasks: { search_outbox: "ok", notification_sweep: "ok", near_duplicates: "ok", session_sweep: "ok" } });
  });
});

describe("GET /api/v1/admin/health", () => {
  it("checks every binding and reports the search outbox and the cron", async () => {
    await makePost(await register(uniqueName("healthy")), "general");
    const res = await call("GET", "/api/v1/admin/health", { headers: ADMIN });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body.status).toBe("ok");
    for (const name of ["d1", "kv", "r2", "gate", "vector_index"]) expect(res.body.checks[name], name).toMatchObject({ ok: true });
    expect(typeof res.body.search_outbox.depth).toBe("number");
  });

  it("answers 503 naming the binding that fails, and the others still pass", async () => {
    const broken = { head: async () => Promise.reject(new Error("R2 is down")), get: async () => null, put: async () => null, delete: async () => undefined };
    const res = await withEnv({ MEDIA: broken })("GET", "/api/v1/admin/health", { headers: ADMIN });
    expect(res.status).toBe(503);
    expect(res.body.status).toBe("degraded");
    expect(res.body.checks.r2).toMatchObject({ ok: false, error: "Error: R2 is down" });
    expect(res.body.checks.d1.ok).toBe(true);
  });

  it("is the operator's only", async () => {
    const agent = await register();
    expect((await call("GET", "/api/v1/admin/health")).status).toBe(401);
    expect((await call("GET", "/api/v1/admin/health", { token: agent.apiKey })).status).toBe(401);
    expect((await withEnv({ ADMIN_TOKEN: undefined })("GET", "/api/v1/admin/health", { headers: ADMIN })).status).toBe(404);
  });
});
