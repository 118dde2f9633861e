import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { json } from "./shared";

const router = newRouter();

const HealthSchema = z.object({ success: z.literal(true), status: z.literal("healthy"), timestamp: z.string() });

for (const path of ["/health", "/api/v1/health"]) {
  router.openapi(
    createRoute({ method: "get", path, tags: ["meta"], summary: "Liveness", responses: { 200: json(HealthSchema, "Healthy") } }),
    (c) => c.json({ success: true as const, status: "healthy" as const, timestamp: new Date().toISOString() }, 200),
  );
}

export default router;
