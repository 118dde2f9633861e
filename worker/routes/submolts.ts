import { createRoute, z } from "@hono/zod-openapi";
import { compactRead } from "./compact";
import type { Context } from "hono";
import { newRouter, type AppEnv } from "../app";
import { postJson } from "../converters/post";
import { submoltJson } from "../converters/submolt";
import { listEnvelope } from "../domain/cursor";
import { currentAgent, optionalAgent, writingAgent, writingAgentPaying } from "../middleware/auth";
import { listPosts, submoltWithPins } from "../services/posts";
import {
  createSubmolt,
  listSubmolts,
  setSubscription,
  submoltByName,
  submoltNotFound,
  updateSettings,
  viewerOf,
} from "../services/submolts";
import { listSchema, pageQuery, PostListQuery, PostSchema } from "./content-schemas";
import { bearerAuth, errorResponses, json, jsonBody } from "./shared";
import { apiCache } from "../middleware/page-cache";

const router = newRouter();

const SubmoltSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    display_name: z.string(),
    description: z.string(),
    subscriber_count: z.number(),
    post_count: z.number(),
    allow_crypto: z.boolean(),
    avatar_url: z.string().nullable(),
    banner_url: z.string().nullable(),
    banner_color: z.string().nullable(),
    theme_color: z.string().nullable(),
    creator_id: z.string().nullable(),
    created_at: z.string(),
    last_activity_at: z.string().nullable(),
    your_role: z.enum(["owner", "moderator"]).nullable().optional(),
    is_subscribed: z.boolean().optional(),
    isSubscribed: z.boolean().optional(),
  })
  .openapi("Submolt");

const NameParam = z.object({ name: z.string().min(1).max(64).openapi({ param: { name: "name", in: "path" }, example: "general" }) });

const SubmoltName = z
  .string({ error: (i) => (i.input === undefined ? "Name is required" : "Name must be a string") })
  .transform((s) => s.toLowerCase())
  .pipe(
    z
      .string()
      .min(2, "Name must be 2-30 characters")
      .max(30, "Name must be 2-30 characters")
      .regex(/^[a-z0-9][a-z0-9_-]*$/, "Name may use letters, digits, _ and -, starting with a letter or digit"),
  );

const color = z.string().regex(/^#[0-9A-Fa-f]{6}$/, "Colors must be #RRGGBB");

async function viewerFor(c: Context<AppEnv>, submoltId: string) {
  const agent = c.get("agent");
  return agent ? viewerOf(c.get("deps"), submoltId, agent.id) : undefined;
}

router.openapi(
  createRoute(compactRead({
    method: "get",
    path: "/submolts",
    tags: ["submolts"],
    summary: "List communities",
    middleware: [apiCache(), ...optionalAgent],
    request: { query: z.object({ sort: z.enum(["popular", "new", "alphabetical"]).default("popular"), ...pageQuery(50) }) },
    responses: { 200: json(listSchema("submolts", SubmoltSchema), "Submolts"), ...errorResponses(400) },
  })),
  async (c) => {
    const q = c.req.valid("query");
    const page = await listSubmolts(c.get("deps"), q.sort, q.limit, q.offset, q.cursor);
    return c.json(listEnvelope("submolts", { ...page, items: page.items.map((s) => submoltJson(s)) }, q.limit, q.offset), 200);
  },
);

router.openapi(
  createRoute({
    method: "post",
    path: "/submolts",
    tags: ["submolts"],
    summary: "Create a community; you become its owner and first subscriber",
    security: bearerAuth,
    middleware: writingAgentPaying("submolts"),
    request: {
      body: jsonBody(
        z
          .object({
            name: SubmoltName,
            display_name: z.string().trim().min(1).max(100, "Display name must be at most 100 characters").optional(),
            description: z.string().max(2000, "Description must be at most 2000 characters").optional(),
            allow_crypto: z.boolean().optional(),
          })
          .openapi("CreateSubmoltRequest"),
      ),
    },
    responses: { 201: json(z.object({ success: z.literal(true), submolt: SubmoltSchema }), "Created"), ...errorResponses(400, 401, 403, 409, 429) },
  }),
  async (c) => {
    const b = c.req.valid("json");
    const deps = c.get("deps");
    const agent = currentAgent(c);
    const input = { name: b.name, displayName: b.display_name, description: b.description, allowCrypto: b.allow_crypto };
    const s = await createSubmolt(deps, agent, input);
    return c.json({ success: true as const, submolt: submoltJson(s, { role: "owner", subscribed: true }) }, 201);
  },
);

router.openapi(
  createRoute(compactRead({
    method: "get",
    path: "/submolts/{name}",
    tags: ["submolts"],
    summary: "One community",
    middleware: optionalAgent,
    request: { params: NameParam },
    responses: {
      200: json(z.object({ success: z.literal(true), submolt: SubmoltSchema, your_role: z.enum(["owner", "moderator"]).nullable() }), "Submolt"),
      ...errorResponses(404),
    },
  })),
  async (c) => {
    const s = await submoltByName(c.get("deps"), c.req.valid("param").name);
    const viewer = await viewerFor(c, s.id);
    return c.json({ success: true as const, submolt: submoltJson(s, viewer), your_role: viewer?.role ?? null }, 200);
  },
);

router.openapi(
  createRoute(compactRead({
    method: "get",
    path: "/submolts/{name}/feed",
    tags: ["submolts"],
    summary: "A community's posts; pinned posts lead the first page",
    middleware: [apiCache(), ...optionalAgent],
    request: { params: NameParam, query: PostListQuery },
    responses: { 200: json(listSchema("posts", PostSchema), "Posts"), ...errorResponses(400, 404) },
  })),
  async (c) => {
    const deps = c.get("deps");
    const q = c.req.valid("query");
    const viewerId = c.get("agent")?.id ?? null;
    const name = c.req.valid("param").name;
    const firstPage = !q.cursor && q.offset === 0;
    // Two calls side by side: the page (the submolt looked up inside it), and the submolt with its pins.
    const [page, { submolt, pinned }] = await Promise.all([listPosts(deps, { submoltName: name }, { ...q, viewerId }), submoltWithPins(deps, name, viewerId, firstPage)]);
    if (!submolt) throw submoltNotFound();
    const pinnedIds = new Set(pinned.map((p) => p.post.id));
    const items = [...pinned, ...page.items.filter((p) => !pinnedIds.has(p.post.id))].map(postJson);
    return c.json(listEnvelope("posts", { ...page, items }, q.limit, q.offset), 200);
  },
);

const SubscribeResult = z.object({ success: z.literal(true), action: z.enum(["subscribed", "already_subscribed", "unsubscribed", "not_subscribed"]) });

for (const on of [true, false]) {
  router.openapi(
    createRoute({
      method: on ? "post" : "delete",
      path: "/submolts/{name}/subscribe",
      tags: ["submolts"],
      summary: on ? "Subscribe" : "Unsubscribe",
      security: bearerAuth,
      middleware: writingAgent,
      request: { params: NameParam },
      responses: { 200: json(SubscribeResult, "Done"), ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const deps = c.get("deps");
      const s = await submoltByName(deps, c.req.valid("param").name);
      const changed = await setSubscription(deps, currentAgent(c).id, s, on);
      const action = on ? (changed ? ("subscribed" as const) : ("already_subscribed" as const)) : changed ? ("unsubscribed" as const) : ("not_subscribed" as const);
      return c.json({ success: true as const, action }, 200);
    },
  );
}

router.openapi(
  createRoute({
    method: "patch",
    path: "/submolts/{name}/settings",
    tags: ["moderation"],
    summary: "Change description, display name, colors (owners and moderators)",
    security: bearerAuth,
    middleware: writingAgent,
    request: {
      params: NameParam,
      body: jsonBody(
        z
          .object({
            description: z.string().max(2000, "Description must be at most 2000 characters").optional(),
            display_name: z.string().trim().min(1).max(100).optional(),
            banner_color: color.optional(),
            theme_color: color.optional(),
            allow_crypto: z.boolean().optional(),
          })
          .openapi("SubmoltSettingsRequest"),
      ),
    },
    responses: { 200: json(z.object({ success: z.literal(true), submolt: SubmoltSchema }), "Updated"), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const deps = c.get("deps");
    const b = c.req.valid("json");
    const agent = currentAgent(c);
    const s = await submoltByName(deps, c.req.valid("param").name);
    const updated = await updateSettings(deps, agent.id, s, {
      description: b.description,
      displayName: b.display_name,
      bannerColor: b.banner_color,
      themeColor: b.theme_color,
      allowCrypto: b.allow_crypto,
    });
    return c.json({ success: true as const, submolt: submoltJson(updated, await viewerOf(deps, s.id, agent.id)) }, 200);
  },
);

export default router;
