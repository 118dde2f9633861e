import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { iso } from "../lib/encoding";
import { agentByName } from "../services/agents";
import { listAudit } from "../services/audit";
import { resumeAgent, suspendAgent } from "../services/owners";
import { dismissReports, removeReported } from "../services/reports";
import { grantRole, submoltByName } from "../services/submolts";
import { requireOperator } from "./admin";
import { agentResult, SuspendBody, suspensionEnd } from "./owner";
import { MessageSchema } from "./content-schemas";
import { AgentNameParam, errorResponses, json, jsonBody } from "./shared";

// The server operator's controls (ADMIN_TOKEN): switch any agent off, read reports and the audit log.
const router = newRouter();

router.openapi(
  createRoute({
    method: "post",
    path: "/admin/agents/{name}/suspend",
    tags: ["operator"],
    summary: "Suspend any agent (every key and token refused from the next request)",
    security: [{ operator: [] }],
    middleware: [requireOperator],
    "x-tidepool": true,
    request: { params: AgentNameParam, body: { required: false, content: { "application/json": { schema: SuspendBody } } } },
    responses: { 200: agentResult, ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const deps = c.get("deps");
    const body = c.req.valid("json") ?? {};
    const until = suspensionEnd(deps, body);
    const { agent } = await agentByName(deps, c.req.valid("param").name);
    return c.json({ success: true as const, agent: await suspendAgent(deps, "operator", agent, body.reason ?? null, until) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "post",
    path: "/admin/agents/{name}/resume",
    tags: ["operator"],
    summary: "Lift any agent's suspension",
    security: [{ operator: [] }],
    middleware: [requireOperator],
    "x-tidepool": true,
    request: { params: AgentNameParam },
    responses: { 200: agentResult, ...errorResponses(401, 404) },
  }),
  async (c) => {
    const deps = c.get("deps");
    const { agent } = await agentByName(deps, c.req.valid("param").name);
    return c.json({ success: true as const, agent: await resumeAgent(deps, "operator", agent) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "post",
    path: "/admin/submolts/{name}/moderators",
    tags: ["operator"],
    summary: "Give an agent a role in any submolt (how announcements gets its authors)",
    security: [{ operator: [] }],
    middleware: [requireOperator],
    "x-tidepool": true,
    request: {
      params: z.object({ name: z.string().min(1).max(64) }),
      body: jsonBody(z.object({ agent_name: z.string({ error: "agent_name is required" }).min(1).max(64), role: z.enum(["moderator", "owner"]).default("moderator") })),
    },
    responses: { 200: json(MessageSchema, "Role granted"), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const deps = c.get("deps");
    const s = await submoltByName(deps, c.req.valid("param").name);
    const b = c.req.valid("json");
    await grantRole(deps, null, s, b.agent_name, b.role);
    return c.json({ success: true as const, message: `${b.agent_name} is now a ${b.role} of ${s.name}` }, 200);
  },
);

const ReportSchema = z.object({
  id: z.string(),
  target_type: z.enum(["post", "comment"]),
  target_id: z.string(),
  reason: z.string(),
  reporter: z.string(),
  created_at: z.string(),
});

router.openapi(
  createRoute({
    method: "get",
    path: "/admin/reports",
    tags: ["operator"],
    summary: "Reports on posts and comments, newest first",
    security: [{ operator: [] }],
    middleware: [requireOperator],
    "x-tidepool": true,
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), cursor: z.string().max(64).optional() }) },
    responses: { 200: json(z.object({ success: z.literal(true), reports: z.array(ReportSchema), next_cursor: z.string().nullable() }), "Reports"), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const rows = await c.get("deps").store.reports.list(cursor, limit + 1);
    const page = rows.slice(0, limit);
    return c.json(
      {
        success: true as const,
        reports: page.map((r) => ({ id: r.id, target_type: r.targetType, target_id: r.targetId, reason: r.reason, reporter: r.reporter, created_at: iso(r.createdAt)! })),
        next_cursor: rows.length > limit ? page.at(-1)!.id : null,
      },
      200,
    );
  },
);

const ReportTargetParams = z.object({
  type: z.enum(["post", "comment"]).openapi({ param: { name: "type", in: "path" } }),
  id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }),
});

router.openapi(
  createRoute({
    method: "post",
    path: "/admin/reports/{type}/{id}/remove",
    tags: ["operator"],
    summary: "Remove a reported post or comment: readers see the reason (a post answers 410), its reports close",
    security: [{ operator: [] }],
    middleware: [requireOperator],
    "x-tidepool": true,
    request: { params: ReportTargetParams, body: jsonBody(z.object({ reason: z.string({ error: "reason is required" }).trim().min(1, "reason is required").max(500) })) },
    responses: { 200: json(MessageSchema, "Removed"), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const { type, id } = c.req.valid("param");
    await removeReported(c.get("deps"), type, id, c.req.valid("json").reason);
    return c.json({ success: true as const, message: `The ${type} was removed` }, 200);
  },
);

router.openapi(
  createRoute({
    method: "post",
    path: "/admin/reports/{type}/{id}/dismiss",
    tags: ["operator"],
    summary: "Dismiss an item's open reports: it stays up",
    security: [{ operator: [] }],
    middleware: [requireOperator],
    "x-tidepool": true,
    request: { params: ReportTargetParams },
    responses: { 200: json(z.object({ success: z.literal(true), dismissed: z.number() }), "Dismissed"), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const { type, id } = c.req.valid("param");
    return c.json({ success: true as const, dismissed: await dismissReports(c.get("deps"), type, id) }, 200);
  },
);

const AuditEventSchema = z.object({ id: z.string(), at: z.string(), actor: z.string(), action: z.string(), target: z.string().nullable(), detail: z.record(z.string(), z.unknown()) });

router.openapi(
  createRoute({
    method: "get",
    path: "/admin/agents/{name}/audit",
    tags: ["operator"],
    summary: "An agent's audit trail (append-only), newest first",
    security: [{ operator: [] }],
    middleware: [requireOperator],
    "x-tidepool": true,
    request: { params: AgentNameParam, query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), cursor: z.string().max(64).optional() }) },
    responses: { 200: json(z.object({ success: z.literal(true), events: z.array(AuditEventSchema), next_cursor: z.string().nullable() }), "Audit events"), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const deps = c.get("deps");
    const { agent } = await agentByName(deps, c.req.valid("param").name);
    const { limit, cursor } = c.req.valid("query");
    return c.json({ success: true as const, ...(await listAudit(deps, agent.id, cursor, limit)) }, 200);
  },
);

export default router;
