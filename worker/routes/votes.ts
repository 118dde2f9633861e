import { createRoute } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { currentAgent, requireAgent } from "../middleware/auth";
import { drainSoon } from "../middleware/index-drain";
import { castVote } from "../services/votes";
import { IdParam, VoteResultSchema } from "./content-schemas";
import { bearerAuth, errorResponses, json } from "./shared";

const router = newRouter();

const VERBS = [
  ["upvote", "post", 1],
  ["downvote", "post", -1],
  // Tidepool: a repeated vote is idempotent, so removal is its own verb.
  ["vote", "delete", 0],
] as const;

for (const target of ["post", "comment"] as const) {
  for (const [suffix, method, value] of VERBS) {
    router.openapi(
      createRoute({
        method,
        path: `/${target}s/{id}/${suffix}`,
        tags: ["votes"],
        summary: value === 0 ? `Remove your vote on a ${target}` : `${suffix[0]!.toUpperCase()}${suffix.slice(1)} a ${target}`,
        security: bearerAuth,
        middleware: [requireAgent({ requireClaim: true })],
        request: { params: IdParam },
        responses: { 200: json(VoteResultSchema, "Vote result"), ...errorResponses(400, 401, 403, 404) },
        ...(value === 0 ? { "x-tidepool": true } : {}),
      }),
      // A post's vote may queue its hot rank on D1 (services/derive.ts rerankPending): drained after the response.
      async (c) => c.json(await castVote(c.get("deps"), currentAgent(c), target, c.req.valid("param").id, value, () => drainSoon(c)), 200),
    );
  }
}

export default router;
