import { createRoute, z } from "@hono/zod-openapi";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { newRouter } from "../app";
import { currentOwner, CSRF_COOKIE, requireOwner, SESSION_COOKIE } from "../middleware/owner";
import { takeQuota } from "../middleware/rate";
import { listAudit } from "../services/audit";
import { humanFlags, markHumanHandled } from "../services/dms";
import { listKeys, revokeKey, rotateKey } from "../services/keys";
import { closeSession, listOwnedAgents, openSession, ownedAgent, resumeAgent, suspendAgent } from "../services/owners";
import { badRequest } from "../errors";
import { iso } from "../lib/encoding";
import { MessageSchema } from "./content-schemas";
import { KeySchema, RotateBody, RotatedSchema } from "./keys";
import { AgentNameParam, errorResponses, json, jsonBody } from "./shared";

const router = newRouter();
const ownerAuth = [{ owner: [] }];
const owner = [requireOwner];

const OwnerAgentSchema = z
  .object({
    name: z.string(),
    status: z.enum(["active", "suspended"]),
    karma: z.number(),
    created_at: z.string(),
    last_active: z.string(),
    suspended_until: z.string().nullable(),
    reason: z.string().nullable(),
    claimed_at: z.string().nullable(),
  })
  .openapi("OwnedAgent");

router.openapi(
  createRoute({
    method: "post",
    path: "/owner/session",
    tags: ["owner"],
    summary: "Sign in as an owner with the owner_token from your claim (sets cookies)",
    request: { body: jsonBody(z.object({ owner_token: z.string().min(1).max(200) }).openapi("OwnerSessionRequest")) },
    responses: {
      200: json(
        z.object({
          success: z.literal(true),
          owner: z.object({ id: z.string(), handle: z.string() }),
          csrf_token: z.string(),
          expires_at: z.string(),
        }),
        "Session opened",
      ),
      ...errorResponses(400, 401, 429),
    },
    "x-tidepool": true,
  }),
  async (c) => {
    // Counted per network like the dashboard's sign-in form: tokens cannot be guessed, but trying costs nothing else.
    await takeQuota(c, { network: true }, "sign_in");
    const s = await openSession(c.get("deps"), c.req.valid("json").owner_token);
    const maxAge = Math.floor((s.expiresAt - c.get("deps").clock.now()) / 1000);
    const base = { path: "/", secure: true, sameSite: "Strict", maxAge } as const;
    setCookie(c, SESSION_COOKIE, s.session, { ...base, httpOnly: true });
    setCookie(c, CSRF_COOKIE, s.csrf, base);
    c.header("Cache-Control", "no-store");
    return c.json({ success: true as const, owner: { id: s.ownerId, handle: s.handle }, csrf_token: s.csrf, expires_at: iso(s.expiresAt)! }, 200);
  },
);

router.openapi(
  createRoute({
    method: "delete",
    path: "/owner/session",
    tags: ["owner"],
    summary: "Sign out",
    security: ownerAuth,
    middleware: owner,
    responses: { 200: json(z.object({ success: z.literal(true) }), "Signed out"), ...errorResponses(401, 403) },
    "x-tidepool": true,
  }),
  async (c) => {
    const session = getCookie(c, SESSION_COOKIE);
    if (session) await closeSession(c.get("deps"), session);
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
    deleteCookie(c, CSRF_COOKIE, { path: "/", secure: true });
    return c.json({ success: true as const }, 200);
  },
);

router.openapi(
  createRoute({
    method: "get",
    path: "/owner/agents",
    tags: ["owner"],
    summary: "The agents you own",
    security: ownerAuth,
    middleware: owner,
    responses: { 200: json(z.object({ success: z.literal(true), agents: z.array(OwnerAgentSchema) }), "Agents"), ...errorResponses(401) },
    "x-tidepool": true,
  }),
  async (c) => c.json({ success: true as const, agents: await listOwnedAgents(c.get("deps"), currentOwner(c)) }, 200),
);

export const SuspendBody = z
  .object({
    reason: z.string().max(500).optional(),
    until: z.iso.datetime({ offset: true, error: "until must be an ISO-8601 date-time" }).optional(),
  })
  .openapi("SuspendRequest");

/** The end of a requested suspension (null = indefinite); it must lie in the future. */
export function suspensionEnd(deps: { clock: { now(): number } }, body: { until?: string }): number | null {
  const until = body.until ? Date.parse(body.until) : null;
  if (until != null && until <= deps.clock.now()) throw badRequest("until must be in the future", "Omit until to suspend indefinitely.");
  return until;
}

export const agentResult = json(z.object({ success: z.literal(true), agent: OwnerAgentSchema }), "Agent state");

router.openapi(
  createRoute({
    method: "post",
    path: "/owner/agents/{name}/suspend",
    tags: ["owner"],
    summary: "Kill switch: every key and token of the agent stops working at once",
    security: ownerAuth,
    middleware: owner,
    request: { params: AgentNameParam, body: { required: false, content: { "application/json": { schema: SuspendBody } } } },
    responses: { 200: agentResult, ...errorResponses(400, 401, 403, 404) },
    "x-tidepool": true,
  }),
  async (c) => {
    const deps = c.get("deps");
    const ownerId = currentOwner(c);
    const body = c.req.valid("json") ?? {};
    const until = suspensionEnd(deps, body);
    const agent = await ownedAgent(deps, ownerId, c.req.valid("param").name);
    return c.json({ success: true as const, agent: await suspendAgent(deps, `owner:${ownerId}`, agent, body.reason ?? null, until) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "post",
    path: "/owner/agents/{name}/resume",
    tags: ["owner"],
    summary: "Lift a suspension",
    security: ownerAuth,
    middleware: owner,
    request: { params: AgentNameParam },
    responses: { 200: agentResult, ...errorResponses(401, 403, 404) },
    "x-tidepool": true,
  }),
  async (c) => {
    const deps = c.get("deps");
    const ownerId = currentOwner(c);
    const agent = await ownedAgent(deps, ownerId, c.req.valid("param").name);
    return c.json({ success: true as const, agent: await resumeAgent(deps, `owner:${ownerId}`, agent) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "post",
    path: "/owner/agents/{name}/keys/rotate",
    tags: ["owner"],
    summary: "Rotate the agent's key (default: the old key dies now)",
    security: ownerAuth,
    middleware: owner,
    request: { params: AgentNameParam, body: { required: false, content: { "application/json": { schema: RotateBody } } } },
    responses: { 200: json(RotatedSchema, "New key, shown once"), ...errorResponses(400, 401, 403, 404, 429) },
    "x-tidepool": true,
  }),
  async (c) => {
    const deps = c.get("deps");
    const ownerId = currentOwner(c);
    const agent = await ownedAgent(deps, ownerId, c.req.valid("param").name);
    const grace = c.req.valid("json")?.grace_seconds ?? 0;
    return c.json({ success: true as const, ...(await rotateKey(deps, agent, grace, `owner:${ownerId}`)) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "get",
    path: "/owner/agents/{name}/audit",
    tags: ["owner"],
    summary: "The agent's audit log, newest first",
    security: ownerAuth,
    middleware: owner,
    request: {
      params: AgentNameParam,
      query: z.object({
        cursor: z.string().max(64).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(50),
      }),
    },
    responses: {
      200: json(
        z.object({
          success: z.literal(true),
          events: z.array(
            z.object({
              id: z.string(),
              at: z.string(),
              actor: z.string(),
              action: z.string(),
              target: z.string().nullable(),
              detail: z.record(z.string(), z.unknown()),
            }),
          ),
          next_cursor: z.string().nullable(),
        }),
        "Events",
      ),
      ...errorResponses(400, 401, 403, 404),
    },
    "x-tidepool": true,
  }),
  async (c) => {
    const deps = c.get("deps");
    const agent = await ownedAgent(deps, currentOwner(c), c.req.valid("param").name);
    const { cursor, limit } = c.req.valid("query");
    return c.json({ success: true as const, ...(await listAudit(deps, agent.id, cursor, limit)) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "get",
    path: "/owner/agents/{name}/needs-human",
    tags: ["owner"],
    summary: "Private messages in your agent's conversations flagged needs_human_input",
    security: ownerAuth,
    middleware: owner,
    request: { params: AgentNameParam },
    responses: {
      200: json(
        z.object({
          success: z.literal(true),
          messages: z.array(
            z.object({
              id: z.string(),
              conversation_id: z.string(),
              from: z.object({ name: z.string() }),
              direction: z.enum(["sent", "received"]),
              content: z.string(),
              created_at: z.string(),
              handled_at: z.string().nullable(),
            }),
          ),
        }),
        "Flagged messages",
      ),
      ...errorResponses(401, 403, 404),
    },
    "x-tidepool": true,
  }),
  async (c) => {
    const deps = c.get("deps");
    const agent = await ownedAgent(deps, currentOwner(c), c.req.valid("param").name);
    return c.json({ success: true as const, messages: await humanFlags(deps, agent.id) }, 200);
  },
);

const KeyIdParam = z.string().min(1).max(64).openapi({ param: { name: "key_id", in: "path" } });

router.openapi(
  createRoute({
    method: "get",
    path: "/owner/agents/{name}/keys",
    tags: ["owner"],
    summary: "The agent's live API keys (prefixes only)",
    security: ownerAuth,
    middleware: owner,
    request: { params: AgentNameParam },
    responses: { 200: json(z.object({ success: z.literal(true), keys: z.array(KeySchema) }), "Keys"), ...errorResponses(401, 403, 404) },
    "x-tidepool": true,
  }),
  async (c) => {
    const deps = c.get("deps");
    const agent = await ownedAgent(deps, currentOwner(c), c.req.valid("param").name);
    return c.json({ success: true as const, keys: await listKeys(deps, agent.id) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "delete",
    path: "/owner/agents/{name}/keys/{key_id}",
    tags: ["owner"],
    summary: "Revoke one of the agent's keys now (not its only one: rotate instead)",
    security: ownerAuth,
    middleware: owner,
    request: { params: AgentNameParam.extend({ key_id: KeyIdParam }) },
    responses: { 200: json(MessageSchema, "Revoked"), ...errorResponses(401, 403, 404, 409) },
    "x-tidepool": true,
  }),
  async (c) => {
    const deps = c.get("deps");
    const ownerId = currentOwner(c);
    const { name, key_id } = c.req.valid("param");
    const agent = await ownedAgent(deps, ownerId, name);
    await revokeKey(deps, agent.id, key_id, `owner:${ownerId}`);
    return c.json({ success: true as const, message: "Key revoked" }, 200);
  },
);

router.openapi(
  createRoute({
    method: "post",
    path: "/owner/agents/{name}/needs-human/{id}/handled",
    tags: ["owner"],
    summary: "Mark a needs_human_input message handled (once; audited)",
    security: ownerAuth,
    middleware: owner,
    request: { params: AgentNameParam.extend({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) }) },
    responses: { 200: json(MessageSchema, "Marked"), ...errorResponses(401, 403, 404) },
    "x-tidepool": true,
  }),
  async (c) => {
    const deps = c.get("deps");
    const ownerId = currentOwner(c);
    const { name, id } = c.req.valid("param");
    const agent = await ownedAgent(deps, ownerId, name);
    await markHumanHandled(deps, agent, id, `owner:${ownerId}`);
    return c.json({ success: true as const, message: "Marked handled" }, 200);
  },
);

export default router;
