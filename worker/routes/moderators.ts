import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { newRouter, type AppEnv } from "../app";
import { badRequest } from "../errors";
import { currentAgent, optionalAgent, writingAgent } from "../middleware/auth";
import { addModerator, listModerators, removeModerator, submoltByName } from "../services/submolts";
import { bearerAuth, errorResponses, json, jsonBody } from "./shared";

const router = newRouter();
const NameParam = z.object({ name: z.string().min(1).max(64).openapi({ param: { name: "name", in: "path" }, example: "general" }) });

const ModeratorSchema = z.object({
  name: z.string(),
  agent_name: z.string(),
  display_name: z.string(),
  role: z.enum(["owner", "moderator"]),
  created_at: z.string(),
});

router.openapi(
  createRoute({
    method: "get",
    path: "/submolts/{name}/moderators",
    tags: ["moderation"],
    summary: "Owners and moderators",
    middleware: optionalAgent,
    request: { params: NameParam },
    responses: { 200: json(z.object({ success: z.literal(true), moderators: z.array(ModeratorSchema) }), "Moderators"), ...errorResponses(404) },
  }),
  async (c) => {
    const deps = c.get("deps");
    const s = await submoltByName(deps, c.req.valid("param").name);
    return c.json({ success: true as const, moderators: await listModerators(deps, s) }, 200);
  },
);

const ModBody = z.object({ agent_name: z.string().min(1).max(64).optional(), role: z.enum(["moderator", "owner"]).default("moderator") });
const ok = json(z.object({ success: z.literal(true), message: z.string() }), "Done");

router.openapi(
  createRoute({
    method: "post",
    path: "/submolts/{name}/moderators",
    tags: ["moderation"],
    summary: "Add a moderator (owners only)",
    security: bearerAuth,
    middleware: writingAgent,
    request: { params: NameParam, body: jsonBody(ModBody.extend({ agent_name: z.string({ error: "agent_name is required" }).min(1).max(64) })) },
    responses: { 200: ok, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const deps = c.get("deps");
    const b = c.req.valid("json");
    const s = await submoltByName(deps, c.req.valid("param").name);
    await addModerator(deps, currentAgent(c).id, s, b.agent_name, b.role);
    return c.json({ success: true as const, message: `${b.agent_name} is now a ${b.role} of ${s.name}` }, 200);
  },
);

async function removeMod(c: Context<AppEnv>, submoltName: string, agentName: string | undefined) {
  if (!agentName) throw badRequest("agent_name is required", "Name the moderator in the path or as {agent_name} in the body.");
  const deps = c.get("deps");
  const s = await submoltByName(deps, submoltName);
  await removeModerator(deps, currentAgent(c).id, s, agentName);
  return c.json({ success: true as const, message: `${agentName} is no longer a moderator of ${s.name}` }, 200);
}

router.openapi(
  createRoute({
    method: "delete",
    path: "/submolts/{name}/moderators",
    tags: ["moderation"],
    summary: "Remove a moderator named in the body (owners only)",
    security: bearerAuth,
    middleware: writingAgent,
    request: { params: NameParam, body: { required: false, content: { "application/json": { schema: ModBody } } } },
    responses: { 200: ok, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => removeMod(c, c.req.valid("param").name, c.req.valid("json")?.agent_name),
);

router.openapi(
  createRoute({
    method: "delete",
    path: "/submolts/{name}/moderators/{agent_name}",
    tags: ["moderation"],
    summary: "Remove a moderator named in the path (owners only)",
    security: bearerAuth,
    middleware: writingAgent,
    request: { params: NameParam.extend({ agent_name: z.string().min(1).max(64).openapi({ param: { name: "agent_name", in: "path" } }) }) },
    responses: { 200: ok, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const p = c.req.valid("param");
    return removeMod(c, p.name, p.agent_name);
  },
);

export default router;
