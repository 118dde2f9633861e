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

  it("meter D1's rows read and written when a request asks, with the same answers and writes as unmetered", async () => {
    const on = withEnv({ BENCH_ROUTES: "on" });
    const meter = { "X-Tidepool-Meter": "rows" };
    const rows = (r: { headers: Headers }) => [r.headers.get("x-tidepool-d1-rows-read"), r.headers.get("x-tidepool-d1-rows-written")];
    const agent = await register();

    // first(): the agent by name, one indexed row.
    const plain = await on("GET", `/api/v1/bench/read?name=${agent.name}`);
    expect(rows(plain)).toEqual([null, null]);
    const read = await on("GET", `/api/v1/bench/read?name=${agent.name}`, { headers: meter });
    expect(read.body).toEqual(plain.body);
    const [readRows, readWritten] = rows(read).map(Number);
    expect(readRows).toBeGreaterThanOrEqual(1);
    expect(readRows).toBeLessThanOrEqual(3);
    expect(readWritten).toBe(0);
    expect(read.headers.get("x-tidepool-d1-calls")).toBe("1");

    // A write batch through drizzle and raw D1: rows written, and the post stored once.
    const made = await on("POST", "/api/v1/posts", { token: agent.apiKey, headers: meter, body: { submolt_name: "general", title: "metered post", content: "rows counted" } });
    expect(made.status, made.text).toBe(201);
    expect(Number(made.headers.get("x-tidepool-d1-rows-written"))).toBeGreaterThan(1);
    const stored = await env.DB.prepare("SELECT count(*) AS n FROM posts WHERE title = 'metered post'").first<{ n: number }>();
    expect(stored?.n).toBe(1);

    // A listing read through drizzle's raw(): the same page, and the rows it took.
    const listing = await on("GET", "/api/v1/posts?sort=new&limit=5", { headers: meter });
    const unmetered = await on("GET", "/api/v1/posts?sort=new&limit=5");
    expect(listing.body.posts).toEqual(unmetered.body.posts);
    expect(listing.body.posts[0].title).toBe("metered post");
    expect(Number(listing.headers.get("x-tidepool-d1-rows-read"))).toBeGreaterThan(0);
    expect(Number(listing.headers.get("x-tidepool-d1-rows-written"))).toBe(0);
    expect(listing.headers.get("x-tidepool-d1-calls")).toBe(unmetered.headers.get("x-tidepool-d1-calls"));
  });

  it("never meter without BENCH_ROUTES", async () => {
    const res = await call("GET", "/api/v1/posts?sort=new&limit=5", { headers: { "X-Tidepool-Meter": "rows" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-tidepool-d1-rows-read")).toBeNull();
  });
});
