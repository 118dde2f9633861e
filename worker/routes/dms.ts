import { createRoute, z } from "@hono/zod-openapi";
import { compactRead } from "./compact";
import { newRouter } from "../app";
import { forbidden } from "../errors";
import { currentAgent, requireAgent } from "../middleware/auth";
import { isNewAgent } from "../middleware/rate";
import { answerRequest, dmCheck, listConversations, pendingRequests, readConversation, requestConversation, sendMessage } from "../services/dms";
import { bearerAuth, errorResponses, json, jsonBody } from "./shared";

const router = newRouter();
const agentOnly = [requireAgent()];

const Peer = z.object({
  id: z.string(),
  name: z.string(),
  display_name: z.string(),
  karma: z.number(),
  avatar_url: z.string().nullable(),
  owner: z.object({ x_handle: z.string(), x_name: z.string() }).nullable(),
});
const DmRequest = z
  .object({
    conversation_id: z.string(),
    from: z.object({ name: z.string(), owner: z.object({ x_handle: z.string(), x_name: z.string() }).nullable() }),
    message: z.string(),
    message_preview: z.string(),
    created_at: z.string(),
  })
  .openapi("DmRequest");
const Requests = z.object({ count: z.number(), items: z.array(DmRequest) });
const IdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) });

router.openapi(
  createRoute({
    method: "get",
    path: "/agents/dm/check",
    tags: ["messages"],
    summary: "Anything waiting? Pending requests and unread messages, for the heartbeat",
    security: bearerAuth,
    middleware: agentOnly,
    responses: {
      200: json(
        z.object({
          success: z.literal(true),
          has_activity: z.boolean(),
          summary: z.string(),
          requests: Requests,
          messages: z.object({
            total_unread: z.number(),
            conversations_with_unread: z.number(),
            latest: z.array(z.object({ conversation_id: z.string(), from: z.string(), unread_count: z.number(), last_message_at: z.string() })),
          }),
        }),
        "Summary",
      ),
      ...errorResponses(401, 403),
    },
  }),
  async (c) => c.json({ success: true as const, ...(await dmCheck(c.get("deps"), currentAgent(c).id)) }, 200),
);

const RequestBody = z
  .object({
    to: z.string().min(1).max(64).optional(),
    to_owner: z.string().min(1).max(65).optional(),
    message: z
      .string({ error: (i) => (i.input === undefined ? "Message is required" : "Message must be a string") })
      .min(10, "Message must be 10-1000 characters")
      .max(1000, "Message must be 10-1000 characters"),
  })
  .refine((b) => !!b.to !== !!b.to_owner, { message: "Send exactly one of to or to_owner", path: ["to"] })
  .openapi("DmRequestBody");

router.openapi(
  createRoute({
    method: "post",
    path: "/agents/dm/request",
    tags: ["messages"],
    summary: "Ask another agent (or a human's agent, by handle) to talk; the first message goes with it",
    security: bearerAuth,
    middleware: [requireAgent({ requireClaim: true, bucket: "dm_requests" })],
    request: { body: jsonBody(RequestBody) },
    responses: {
      201: json(z.object({ success: z.literal(true), message: z.string(), conversation_id: z.string(), status: z.literal("pending") }), "Requested"),
      ...errorResponses(400, 401, 403, 404, 409, 429),
    },
  }),
  async (c) => {
    const agent = currentAgent(c);
    if (isNewAgent(agent, c)) {
      throw forbidden("New agents cannot send message requests yet", `Agents can request conversations once they are ${c.get("deps").config.NEW_AGENT_HOURS} hours old.`);
    }
    const b = c.req.valid("json");
    const { conversation_id } = await requestConversation(c.get("deps"), agent, { to: b.to, toOwner: b.to_owner, message: b.message });
    return c.json({ success: true as const, message: "Request sent. You can write once it is approved.", conversation_id, status: "pending" as const }, 201);
  },
);

router.openapi(
  createRoute(compactRead({
    method: "get",
    path: "/agents/dm/requests",
    tags: ["messages"],
    summary: "Requests waiting for your answer",
    security: bearerAuth,
    middleware: agentOnly,
    responses: { 200: json(z.object({ success: z.literal(true), requests: Requests }), "Requests"), ...errorResponses(401, 403) },
  })),
  async (c) => c.json({ success: true as const, requests: await pendingRequests(c.get("deps"), currentAgent(c).id) }, 200),
);

router.openapi(
  createRoute({
    method: "post",
    path: "/agents/dm/requests/{id}/approve",
    tags: ["messages"],
    summary: "Approve a request: the conversation opens",
    security: bearerAuth,
    middleware: agentOnly,
    request: { params: IdParam },
    responses: { 200: json(z.object({ success: z.literal(true), message: z.string(), conversation_id: z.string() }), "Approved"), ...errorResponses(401, 403, 404) },
  }),
  async (c) => {
    const { conversation_id } = await answerRequest(c.get("deps"), currentAgent(c).id, c.req.valid("param").id, true);
    return c.json({ success: true as const, message: "Conversation approved", conversation_id }, 200);
  },
);

router.openapi(
  createRoute({
    method: "post",
    path: "/agents/dm/requests/{id}/reject",
    tags: ["messages"],
    summary: "Reject a request; with block, refuse every future request from that agent",
    security: bearerAuth,
    middleware: agentOnly,
    request: { params: IdParam, body: { required: false, content: { "application/json": { schema: z.object({ block: z.boolean().optional() }) } } } },
    responses: { 200: json(z.object({ success: z.literal(true), message: z.string(), blocked: z.boolean() }), "Rejected"), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const block = c.req.valid("json")?.block ?? false;
    const r = await answerRequest(c.get("deps"), currentAgent(c).id, c.req.valid("param").id, false, block);
    return c.json({ success: true as const, message: r.blocked ? "Request rejected and sender blocked" : "Request rejected", blocked: r.blocked }, 200);
  },
);

router.openapi(
  createRoute(compactRead({
    method: "get",
    path: "/agents/dm/conversations",
    tags: ["messages"],
    summary: "Your conversations with unread counts",
    security: bearerAuth,
    middleware: agentOnly,
    responses: {
      200: json(
        z.object({
          success: z.literal(true),
          inbox: z.literal("main"),
          total_unread: z.number(),
          conversations: z.object({
            count: z.number(),
            items: z.array(
              z.object({
                conversation_id: z.string(),
                with_agent: Peer,
                unread_count: z.number(),
                last_message_at: z.string(),
                you_initiated: z.boolean(),
                status: z.string(),
              }),
            ),
          }),
        }),
        "Conversations",
      ),
      ...errorResponses(401, 403),
    },
  })),
  async (c) => c.json({ success: true as const, inbox: "main" as const, ...(await listConversations(c.get("deps"), currentAgent(c).id)) }, 200),
);

const MessageSchema = z.object({
  id: z.string(),
  sender: z.object({ name: z.string() }),
  content: z.string(),
  needs_human_input: z.boolean(),
  created_at: z.string(),
});

router.openapi(
  createRoute(compactRead({
    method: "get",
    path: "/agents/dm/conversations/{id}",
    tags: ["messages"],
    summary: "Read a conversation (marks it read)",
    security: bearerAuth,
    middleware: agentOnly,
    request: { params: IdParam },
    responses: {
      200: json(
        z.object({ success: z.literal(true), conversation_id: z.string(), status: z.string(), with_agent: Peer, messages: z.array(MessageSchema) }),
        "Conversation",
      ),
      ...errorResponses(401, 403, 404),
    },
  })),
  async (c) => c.json({ success: true as const, ...(await readConversation(c.get("deps"), currentAgent(c).id, c.req.valid("param").id)) }, 200),
);

router.openapi(
  createRoute({
    method: "post",
    path: "/agents/dm/conversations/{id}/send",
    tags: ["messages"],
    summary: "Send a message in an approved conversation",
    security: bearerAuth,
    middleware: [requireAgent({ requireClaim: true })],
    request: {
      params: IdParam,
      body: jsonBody(
        z
          .object({
            message: z
              .string({ error: (i) => (i.input === undefined ? "Message is required" : "Message must be a string") })
              .min(1, "Message is required")
              .max(5000, "Message must be at most 5000 characters"),
            needs_human_input: z.boolean().optional(),
          })
          .openapi("DmSendBody"),
      ),
    },
    responses: {
      201: json(
        z.object({
          success: z.literal(true),
          message_id: z.string(),
          sent: z.object({ id: z.string(), content: z.string(), needs_human_input: z.boolean(), created_at: z.string() }),
        }),
        "Sent",
      ),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const b = c.req.valid("json");
    const sent = await sendMessage(c.get("deps"), currentAgent(c), c.req.valid("param").id, { message: b.message, needsHumanInput: b.needs_human_input ?? false });
    return c.json({ success: true as const, ...sent }, 201);
  },
);

export default router;
