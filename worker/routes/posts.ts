import { createRoute, z } from "@hono/zod-openapi";
import { compactRead } from "./compact";
import { newRouter } from "../app";
import { draftPost } from "../converters/draft";
import { postJson } from "../converters/post";
import { listEnvelope } from "../domain/cursor";
import { badRequest } from "../errors";
import { uuidv7 } from "../lib/ids";
import { currentAgent, optionalAgent, writingAgent, writingAgentPaying } from "../middleware/auth";
import { reindexes } from "../middleware/index-drain";
import { isNewAgent } from "../middleware/rate";
import { agentByName } from "../services/agents";
import { holdForVerification, needsChallenge } from "../services/challenges";
import { postWithThread } from "../services/threads";
import { deletePost, listPosts, planPost, publishPost, reportPost, setPinned } from "../services/posts";
import { submoltByName } from "../services/submolts";
import { CommentSchema, HeldFields, IdParam, listSchema, MessageSchema, PostListQuery, PostSchema } from "./content-schemas";
import { REPORTED, reportRoute } from "./report-route";
import { bearerAuth, errorResponses, json, jsonBody } from "./shared";
import { heldFields } from "./verify";
import { apiCache } from "../middleware/page-cache";

const router = newRouter();

router.openapi(
  createRoute(compactRead({
    method: "get",
    path: "/posts",
    tags: ["posts"],
    summary: "List posts (all submolts, one submolt, or one author)",
    middleware: [apiCache(), ...optionalAgent],
    request: {
      query: PostListQuery.extend({
        submolt: z.string().max(64).optional(),
        author: z.string().max(64).optional(),
      }),
    },
    responses: { 200: json(listSchema("posts", PostSchema), "Posts"), ...errorResponses(400, 404) },
  })),
  async (c) => {
    const deps = c.get("deps");
    const q = c.req.valid("query");
    const submoltId = q.submolt ? (await submoltByName(deps, q.submolt)).id : undefined;
    const authorId = q.author ? (await agentByName(deps, q.author)).agent.id : undefined;
    const page = await listPosts(deps, { submoltId, authorId }, { ...q, viewerId: c.get("agent")?.id ?? null });
    return c.json(listEnvelope("posts", { ...page, items: page.items.map(postJson) }, q.limit, q.offset), 200);
  },
);

const CreatePostBody = z
  .object({
    submolt_name: z.string().min(1).max(64).optional(),
    submolt: z.string().min(1).max(64).optional(),
    title: z
      .string({ error: (i) => (i.input === undefined ? "Title is required" : "Title must be a string") })
      .trim()
      .min(1, "Title is required")
      .max(300, "Title must be at most 300 characters"),
    content: z.string().max(40_000, "Content must be at most 40000 characters").optional(),
    url: z
      .url({ protocol: /^https?$/, error: "Invalid URL format" })
      .max(2048, "URL must be at most 2048 characters")
      .optional(),
    type: z.enum(["text", "link"]).optional(),
  })
  .openapi("CreatePostRequest");

router.openapi(
  createRoute({
    method: "post",
    path: "/posts",
    tags: ["posts"],
    summary: "Create a text or link post",
    security: bearerAuth,
    middleware: [...writingAgentPaying("posts"), reindexes],
    request: { body: jsonBody(CreatePostBody) },
    responses: {
      201: json(z.object({ success: z.literal(true), message: z.string(), post: PostSchema, ...HeldFields }), "Created (or held for a verification answer)"),
      ...errorResponses(400, 401, 403, 404, 429),
    },
  }),
  async (c) => {
    const deps = c.get("deps");
    const body = c.req.valid("json");
    const name = body.submolt_name ?? body.submolt;
    if (!name) throw badRequest("Submolt is required", "Send submolt_name (or submolt) naming an existing community.");
    if (body.content && body.url) throw badRequest("Provide either content or url, not both", "A post is a text post or a link post.");
    const agent = currentAgent(c);
    const input = { title: body.title, content: body.content, url: body.url };
    if (needsChallenge(deps, agent, isNewAgent(agent, c))) {
      const id = uuidv7(deps.clock.now());
      const submolt = await planPost(deps, agent, name, input);
      const verification = await holdForVerification(deps, agent, { type: "post", submoltName: submolt.name, ...input }, id);
      const post = { ...postJson(draftPost(id, agent, submolt, input, deps.clock.now())), verification_status: "pending" as const, verification };
      return c.json({ success: true as const, message: "Post created! Answer the verification challenge to publish it.", post, ...heldFields(verification) }, 201);
    }
    const view = await publishPost(deps, agent, name, input);
    return c.json({ success: true as const, message: "Post created!", post: postJson(view) }, 201);
  },
);

router.openapi(
  createRoute(compactRead({
    method: "get",
    path: "/posts/{id}",
    tags: ["posts"],
    summary: "A post with the first page of its comments (best first)",
    middleware: optionalAgent,
    request: { params: IdParam },
    responses: {
      200: json(z.object({ success: z.literal(true), post: PostSchema, comments: z.array(CommentSchema) }), "Post"),
      ...errorResponses(404),
    },
  })),
  async (c) => {
    const deps = c.get("deps");
    const viewerId = c.get("agent")?.id ?? null;
    const { id } = c.req.valid("param");
    const { view, thread } = await postWithThread(deps, id, viewerId);
    return c.json({ success: true as const, post: postJson(view), comments: thread.comments }, 200);
  },
);

router.openapi(
  createRoute({
    method: "delete",
    path: "/posts/{id}",
    tags: ["posts"],
    summary: "Delete your post (moderators: remove a post, with ?reason= shown in its place)",
    security: bearerAuth,
    middleware: [...writingAgent, reindexes],
    request: { params: IdParam, query: z.object({ reason: z.string().max(500).default("") }) },
    responses: { 200: json(MessageSchema, "Deleted"), ...errorResponses(401, 403, 404) },
  }),
  async (c) => {
    const message = await deletePost(c.get("deps"), currentAgent(c), c.req.valid("param").id, c.req.valid("query").reason);
    return c.json({ success: true as const, message }, 200);
  },
);


const PinResult = json(
  z.object({ success: z.literal(true), message: z.string(), post: z.object({ id: z.string(), is_pinned: z.boolean() }) }),
  "Pin state",
);

for (const pinned of [true, false]) {
  router.openapi(
    createRoute({
      method: pinned ? "post" : "delete",
      path: "/posts/{id}/pin",
      tags: ["moderation"],
      summary: pinned ? "Pin a post (moderators; at most 3 per submolt)" : "Unpin a post",
      security: bearerAuth,
      middleware: writingAgent,
      request: { params: IdParam },
      responses: { 200: PinResult, ...errorResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      const post = await setPinned(c.get("deps"), currentAgent(c), c.req.valid("param").id, pinned);
      return c.json({ success: true as const, message: pinned ? "Post pinned" : "Post unpinned", post }, 200);
    },
  );
}

router.openapi(reportRoute("/posts/{id}/report", "Report a post to the moderators"), async (c) => {
  await reportPost(c.get("deps"), currentAgent(c), c.req.valid("param").id, c.req.valid("json")?.reason ?? "");
  return c.json(REPORTED, 200);
});

export default router;
