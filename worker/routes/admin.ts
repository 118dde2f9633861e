import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { newRouter, type AppEnv } from "../app";
import { AppError, conflict, unauthorized } from "../errors";
import { bearer } from "../middleware/auth";
import { adminToken, isAdminToken } from "../services/operator-sessions";
import { drainOutbox, queueReindex } from "../services/search-index";
import { checkBindings } from "../services/binding-checks";
import { outboxDepth, outboxState } from "../services/health";
import { lastCronRun } from "../services/server-state";
import { iso } from "../lib/encoding";
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

router.openapi(
  createRoute({
    method: "post",
    path: "/admin/search/reindex",
    tags: ["operator"],
    summary: "Queue every live post and comment for re-embedding (npm run search:reindex); with fresh=true empty the local vector index first, for another model",
    security: [{ operator: [] }],
    middleware: [requireOperator],
    request: { query: z.object({ fresh: z.enum(["true", "false"]).default("false") }) },
    responses: { 200: json(z.object({ success: z.literal(true), queued: z.number(), remaining: z.number() }), "Queued"), ...errorResponses(400, 401, 404, 409) },
    "x-tidepool": true,
  }),
  async (c) => {
    if (c.req.valid("query").fresh === "true") {
      await c.get("deps").search().index.reset().catch((err: unknown) => {
        throw conflict("This vector index cannot be emptied here", String((err as Error)?.message ?? err));
      });
    }
    const queued = await queueReindex(c.get("deps"));
    return c.json({ success: true as const, queued, remaining: await outboxDepth(c.get("deps")) }, 200);
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
      200: json(z.object({ success: z.literal(true), derived: z.number(), ranked: z.number(), indexed: z.number(), removed: z.number(), failed: z.number(), remaining: z.number() }), "Drained"),
      ...errorResponses(400, 401, 404),
    },
    "x-tidepool": true,
  }),
  async (c) => {
    const r = await drainOutbox(c.get("deps"), c.req.valid("query").batch);
    return c.json({ success: true as const, ...r, remaining: await outboxDepth(c.get("deps")) }, 200);
  },
);

const Check = z.object({ ok: z.boolean(), ms: z.number(), error: z.string().optional(), name: z.string().optional() });
const HealthSchema = z.object({
  success: z.literal(true),
  status: z.enum(["ok", "degraded"]),
  checks: z.object({ d1: Check, kv: Check, r2: Check, gate: Check, vector_index: Check, embedder: Check }),
  search_outbox: z.object({
    depth: z.number().nullable(),
    parked: z.number().nullable(),
    oldest: z.object({ target_type: z.string(), target_id: z.string(), op: z.string(), attempts: z.number(), last_error: z.string().nullable(), created_at: z.string() }).nullable(),
  }),
  cron: z.object({ started_at: z.string(), finished_at: z.string(), tasks: z.record(z.string(), z.string()) }).nullable(),
});

router.openapi(
  createRoute({
    method: "get",
    path: "/admin/health",
    tags: ["operator"],
    summary: "Checks every binding (D1, KV, R2, Gate, vector index, embedding model) and reports the search outbox and the last cron run; 503 when a check fails",
    security: [{ operator: [] }],
    middleware: [requireOperator],
    responses: { 200: json(HealthSchema, "Every check passed"), 503: json(HealthSchema, "A check failed (status: degraded)"), ...errorResponses(401, 404) },
    "x-tidepool": true,
  }),
  async (c) => {
    const deps = c.get("deps");
    const [checks, outbox, cron] = await Promise.all([
      checkBindings(deps, c.env),
      // The outbox lives in D1: when D1 is down its check says so and this part is left unknown.
      outboxState(deps).catch(() => ({ depth: null, parked: null, oldest: null })),
      lastCronRun(deps).catch(() => null),
    ]);
    const ok = Object.values(checks).every((r) => r.ok);
    c.header("Cache-Control", "no-store");
    const oldest = outbox.oldest && { ...outbox.oldest, created_at: iso(outbox.oldest.created_at)! };
    return c.json({ success: true as const, status: ok ? ("ok" as const) : ("degraded" as const), checks, search_outbox: { depth: outbox.depth, parked: outbox.parked, oldest }, cron }, ok ? 200 : 503);
  },
);

export default router;
