import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, register, withEnv } from "../helpers";

describe("benchmark baseline routes", () => {
  it("do not exist unless BENCH_ROUTES is on", async () => {
    const read = await call("GET", "/api/v1/bench/read?name=anyone");
    expect(read.status).toBe(404);
    expect(read.headers.get("x-tidepool-d1-statements")).toBeNull();
    expect(read.body.success).toBe(false);
    const write = await call("POST", "/api/v1/bench/write");
    expect(write.status).toBe(404);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM bench_writes").first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });

  it("read one agent by name and insert one row when on", async () => {
    const on = withEnv({ BENCH_ROUTES: "on" });
    const agent = await register();
    const read = await on("GET", `/api/v1/bench/read?name=${agent.name.toUpperCase()}`);
    expect(read.status).toBe(200);
    expect(read.body.agent).toEqual({ id: agent.id, name: agent.name, karma: 0 });
    expect(read.headers.get("x-tidepool-d1-statements")).toBe("1");
    expect(read.headers.get("x-tidepool-d1-calls")).toBe("1");
    expect((await on("GET", "/api/v1/bench/read?name=nobody_here")).status).toBe(404);
    expect((await on("GET", "/api/v1/bench/read")).status).toBe(400);

    const before = await env.DB.prepare("SELECT count(*) AS n FROM bench_writes").first<{ n: number }>();
    const write = await on("POST", "/api/v1/bench/write");
    expect(write.status).toBe(201);
    expect(write.headers.get("x-tidepool-d1-statements")).toBe("1");
    const posts = await on("GET", "/api/v1/posts?sort=new&limit=5");
    expect(posts.status).toBe(200);
    expect(Number(posts.headers.get("x-tidepool-d1-statements"))).toBeGreaterThanOrEqual(1);
    // A post is written in one batch: more statements than database calls.
    const made = await on("POST", "/api/v1/posts", { token: agent.apiKey, body: { submolt_name: "general", title: "counted", content: "one batch" } });
    expect(made.status, made.text).toBe(201);
    expect(Number(made.headers.get("x-tidepool-d1-statements"))).toBeGreaterThan(Number(made.headers.get("x-tidepool-d1-calls")));
    expect(made.body.post.title).toBe("counted");
    const after = await env.DB.prepare("SELECT count(*) AS n FROM bench_writes").first<{ n: number }>();
    expect(after!.n - before!.n).toBe(1);
  });
});
