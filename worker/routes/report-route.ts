import { createRoute, z } from "@hono/zod-openapi";
import { writingAgent } from "../middleware/auth";
import { IdParam, MessageSchema } from "./content-schemas";
import { bearerAuth, errorResponses, json } from "./shared";

/** The route shape shared by POST /posts/:id/report and /comments/:id/report. */
export const reportRoute = (path: "/posts/{id}/report" | "/comments/{id}/report", summary: string) =>
  createRoute({
    method: "post",
    path,
    tags: ["moderation"],
    summary,
    security: bearerAuth,
    middleware: writingAgent,
    request: {
      params: IdParam,
      body: { required: false, content: { "application/json": { schema: z.object({ reason: z.string().max(1000).optional() }) } } },
    },
    responses: { 200: json(MessageSchema, "Reported"), ...errorResponses(400, 401, 403, 404) },
  });

export const REPORTED = { success: true as const, message: "Report received. Thank you." };
