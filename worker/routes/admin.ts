import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { newRouter, type AppEnv } from "../app";
import { AppError, unauthorized } from "../errors";
import { bearer } from "../middleware/auth";
import { adminToken, isAdminToken } from "../services/operator-sessions";
import { drainOutbox, queueReindex } from "../services/search-index";
import { errorResponses, json } from "./shared";

const router = newRouter();

/** Operator routes take the ADMIN_TOKEN secret; without one configured they do not exist. */
export const requireOperator = createMiddleware<AppEnv>(async (c, next) => {
  const expected = adminToken(c.env);
  if (!expected) throw new AppError("NOT_FOUND", "Endpoint not found", "Operator routes are disabled until ADMIN_TOKEN is set.");
  if (!(await isAdminToken(c.get("deps"), expected, bearer(c) ?? ""))) {
    throw unauthorized("Invalid or expired token", "Send Authorization: Bearer <ADMIN_TOKEN>.");
  }
  await next();
});

const remaining = (d1: D1Database) => d1.prepare("SELECT count(*) AS n FROM search_outbox").first<{ n: number }>();

router.openapi(
  createRoute({
    method: "post",
    path: "/admin/search/reindex",
    tags: ["operator"],
    summary: "Queue every live post and comment for re-embedding (npm run search:reindex)",
    security: [{ operator: [] }],
    middleware: [requireOperator],
    responses: { 200: json(z.object({ success: z.literal(true), queued: z.number(), remaining: z.number() }), "Queued"), ...errorResponses(401, 404) },
    "x-tidepool": true,
  }),
  async (c) => {
    const queued = await queueReindex(c.get("deps"));
    return c.json({ success: true as const, queued, remaining: (await remaining(c.env.DB))?.n ?? 0 }, 200);
  },
);

router.openapi(
  createRoute({
    method: "post",
    path: "/admin/search/drain",
    tags: ["operator"],
    summary: "Process one batch of the search outbox now",
    security: [{ operator: [] }],
    middleware: [requireOperator],
    request: { query: z.object({ batch: z.coerce.number().int().min(1).max(500).default(100) }) },
    responses: {
      200: json(z.object({ success: z.literal(true), indexed: z.number(), removed: z.number(), failed: z.number(), remaining: z.number() }), "Drained"),
      ...errorResponses(400, 401, 404),
    },
    "x-tidepool": true,
  }),
  async (c) => {
    const r = await drainOutbox(c.get("deps"), c.req.valid("query").batch);
    return c.json({ success: true as const, ...r, remaining: (await remaining(c.env.DB))?.n ?? 0 }, 200);
  },
);

export default router;
