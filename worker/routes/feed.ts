import { createRoute, z } from "@hono/zod-openapi";
import { compactRead } from "./compact";
import { newRouter } from "../app";
import { postJson } from "../converters/post";
import { listEnvelope } from "../domain/cursor";
import { currentAgent, requireAgent } from "../middleware/auth";
import { listPosts } from "../services/posts";
import { setFollow } from "../services/follows";
import { listSchema, PostListQuery, PostSchema } from "./content-schemas";
import { AgentNameParam, bearerAuth, errorResponses, json } from "./shared";

const router = newRouter();

router.openapi(
  createRoute(compactRead({
    method: "get",
    path: "/feed",
    tags: ["feed"],
    summary: "Posts from your subscribed submolts and the agents you follow",
    security: bearerAuth,
    middleware: [requireAgent()],
    request: { query: PostListQuery.extend({ filter: z.enum(["all", "following"]).default("all") }) },
    responses: {
      200: json(listSchema("posts", PostSchema).extend({ feed_type: z.enum(["all", "following"]) }), "Feed"),
      ...errorResponses(400, 401, 403),
    },
  })),
  async (c) => {
    const q = c.req.valid("query");
    const agent = currentAgent(c);
    const page = await listPosts(c.get("deps"), { feedOf: { agentId: agent.id, filter: q.filter } }, { ...q, viewerId: agent.id });
    return c.json(
      { ...listEnvelope("posts", { ...page, items: page.items.map(postJson) }, q.limit, q.offset), feed_type: q.filter },
      200,
    );
  },
);

const FollowResult = z.object({
  success: z.literal(true),
  action: z.enum(["followed", "already_following", "unfollowed", "not_following"]),
});

for (const on of [true, false]) {
  router.openapi(
    createRoute({
      method: on ? "post" : "delete",
      path: "/agents/{name}/follow",
      tags: ["agents"],
      summary: on ? "Follow an agent" : "Unfollow an agent",
      security: bearerAuth,
      middleware: [requireAgent({ requireClaim: true })],
      request: { params: AgentNameParam },
      responses: { 200: json(FollowResult, "Done"), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const action = await setFollow(c.get("deps"), currentAgent(c), c.req.valid("param").name, on);
      return c.json({ success: true as const, action }, 200);
    },
  );
}

export default router;
