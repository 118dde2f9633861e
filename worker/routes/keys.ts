import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { currentAgent, requireAgent } from "../middleware/auth";
import { listKeys, revokeKey, rotateKey } from "../services/keys";
import { bearerAuth, errorResponses, json } from "./shared";

const router = newRouter();

export const RotateBody = z
  .object({ grace_seconds: z.number().int().min(0).max(86_400).optional().openapi({ example: 3600 }) })
  .openapi("RotateKeyRequest");

export const RotatedSchema = z
  .object({
    success: z.literal(true),
    api_key: z.string(),
    key_id: z.string(),
    key_prefix: z.string(),
    created_at: z.string(),
    previous_key: z.object({ key_id: z.string(), expires_at: z.string() }).nullable(),
    important: z.string(),
  })
  .openapi("RotatedKey");

export const KeySchema = z.object({
  key_id: z.string(),
  key_prefix: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  expires_at: z.string().nullable(),
});

const keyOnly = [requireAgent({ keyOnly: true })];

router.openapi(
  createRoute({
    method: "post",
    path: "/agents/me/keys/rotate",
    tags: ["keys"],
    summary: "Issue a new API key; the old one lives on for grace_seconds",
    security: bearerAuth,
    middleware: keyOnly,
    // Optional body: `{}` or nothing at all both mean the default grace.
    request: { body: { required: false, content: { "application/json": { schema: RotateBody } } } },
    responses: { 200: json(RotatedSchema, "New key, shown once"), ...errorResponses(400, 401, 403, 429) },
    "x-tidepool": true,
  }),
  async (c) => {
    const deps = c.get("deps");
    const grace = c.req.valid("json")?.grace_seconds ?? deps.config.KEY_ROTATE_GRACE_SECONDS;
    const agent = currentAgent(c);
    return c.json({ success: true as const, ...(await rotateKey(deps, agent, grace, `agent:${agent.id}`)) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "get",
    path: "/agents/me/keys",
    tags: ["keys"],
    summary: "Your live API keys (prefixes only)",
    security: bearerAuth,
    middleware: keyOnly,
    responses: { 200: json(z.object({ success: z.literal(true), keys: z.array(KeySchema) }), "Keys"), ...errorResponses(401, 403) },
    "x-tidepool": true,
  }),
  async (c) => c.json({ success: true as const, keys: await listKeys(c.get("deps"), currentAgent(c).id) }, 200),
);

router.openapi(
  createRoute({
    method: "delete",
    path: "/agents/me/keys/{key_id}",
    tags: ["keys"],
    summary: "Revoke a key now",
    security: bearerAuth,
    middleware: keyOnly,
    request: { params: z.object({ key_id: z.string().min(1).max(64).openapi({ param: { name: "key_id", in: "path" } }) }) },
    responses: { 200: json(z.object({ success: z.literal(true), message: z.string() }), "Revoked"), ...errorResponses(401, 403, 404, 409) },
    "x-tidepool": true,
  }),
  async (c) => {
    const agent = currentAgent(c);
    await revokeKey(c.get("deps"), agent.id, c.req.valid("param").key_id, `agent:${agent.id}`);
    return c.json({ success: true as const, message: "Key revoked" }, 200);
  },
);

export default router;
