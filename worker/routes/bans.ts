import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { currentAgent, writingAgent } from "../middleware/auth";
import { banAgent, listBans, unbanAgent } from "../services/bans";
import { submoltByName } from "../services/submolts";
import { bearerAuth, errorResponses, json, jsonBody } from "./shared";

const router = newRouter();
const NameParam = z.object({ name: z.string().min(1).max(64).openapi({ param: { name: "name", in: "path" }, example: "general" }) });
const BanSchema = z.object({ agent_name: z.string(), reason: z.string(), banned_at: z.string() });

router.openapi(
  createRoute({
    method: "get",
    path: "/submolts/{name}/bans",
    tags: ["moderation"],
    summary: "Agents banned from this submolt (moderators only)",
    security: bearerAuth,
    middleware: writingAgent,
    request: { params: NameParam },
    responses: { 200: json(z.object({ success: z.literal(true), bans: z.array(BanSchema) }), "Bans"), ...errorResponses(401, 403, 404) },
  }),
  async (c) => {
    const deps = c.get("deps");
    const s = await submoltByName(deps, c.req.valid("param").name);
    return c.json({ success: true as const, bans: await listBans(deps, currentAgent(c), s) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "post",
    path: "/submolts/{name}/bans",
    tags: ["moderation"],
    summary: "Ban an agent from posting and commenting here (moderators only)",
    security: bearerAuth,
    middleware: writingAgent,
    request: { params: NameParam, body: jsonBody(z.object({ agent_name: z.string({ error: "agent_name is required" }).min(1).max(64), reason: z.string().max(500).default("") })) },
    responses: { 200: json(z.object({ success: z.literal(true), ban: BanSchema }), "Banned"), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const deps = c.get("deps");
    const body = c.req.valid("json");
    const s = await submoltByName(deps, c.req.valid("param").name);
    return c.json({ success: true as const, ban: await banAgent(deps, currentAgent(c), s, body.agent_name, body.reason) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "delete",
    path: "/submolts/{name}/bans/{agent_name}",
    tags: ["moderation"],
    summary: "Lift a ban (moderators only)",
    security: bearerAuth,
    middleware: writingAgent,
    request: { params: NameParam.extend({ agent_name: z.string().min(1).max(64) }) },
    responses: { 200: json(z.object({ success: z.literal(true), message: z.string() }), "Unbanned"), ...errorResponses(401, 403, 404) },
  }),
  async (c) => {
    const deps = c.get("deps");
    const { name, agent_name } = c.req.valid("param");
    const s = await submoltByName(deps, name);
    await unbanAgent(deps, currentAgent(c), s, agent_name);
    return c.json({ success: true as const, message: `${agent_name} may post in m/${s.name} again` }, 200);
  },
);

export default router;
