import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { notFound } from "../errors";
import { errorResponses, json } from "./shared";

// Storage baselines for `npm run bench`: one indexed point read and one trigger-free insert, behind
// the same middleware as every API route, so a workload's ratio to them is the cost of its own work.
// Served only with BENCH_ROUTES=on; on any other server these paths answer 404 like unknown ones.
const router = newRouter();

router.use("/bench/*", async (c, next) => {
  if (!c.get("deps").config.BENCH_ROUTES) throw notFound("Route", "Check the URL and method against /api/v1/openapi.json.");
  await next();
});

const note = "Benchmark baseline; 404 unless the server runs with BENCH_ROUTES=on.";

router.openapi(
  createRoute({
    method: "get",
    path: "/bench/read",
    tags: ["bench"],
    summary: "One point read by indexed name (storage baseline for reads)",
    description: note,
    request: { query: z.object({ name: z.string().min(1, "name is required").max(64) }) },
    responses: {
      200: json(z.object({ success: z.literal(true), agent: z.object({ id: z.string(), name: z.string(), karma: z.number() }) }), "The agent's id, name and karma"),
      ...errorResponses(400, 404),
    },
  }),
  async (c) => {
    const { name } = c.req.valid("query");
    const row = await c.get("deps").store.operations.benchRead(name.toLowerCase());
    if (!row) throw notFound("Agent", "Seed the database first (npm run seed).");
    return c.json({ success: true as const, agent: row }, 200);
  },
);

router.openapi(
  createRoute({
    method: "post",
    path: "/bench/write",
    tags: ["bench"],
    summary: "One trigger-free insert (storage baseline for writes)",
    description: note,
    responses: { 201: json(z.object({ success: z.literal(true) }), "Row written"), ...errorResponses(404) },
  }),
  async (c) => {
    const now = c.get("deps").clock.now();
    await c.get("deps").store.operations.benchWrite(now);
    return c.json({ success: true as const }, 201);
  },
);

export default router;
