import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { commentJson } from "../converters/comment";
import { postJson } from "../converters/post";
import { currentAgent, writingAgentPaying } from "../middleware/auth";
import { reindexes } from "../middleware/index-drain";
import { checkAnswer, type holdForVerification } from "../services/challenges";
import { publishComment } from "../services/comments";
import { publishPost } from "../services/posts";
import { CommentSchema, PostSchema } from "./content-schemas";
import { bearerAuth, errorResponses, json, jsonBody } from "./shared";

const router = newRouter();

/** The challenge wherever clients look for it (API.md §9: top level, and beside the item). */
export function heldFields(verification: Awaited<ReturnType<typeof holdForVerification>>) {
  return { verification_required: true, verification, verification_code: verification.verification_code, challenge: verification.challenge_text };
}

const VerifyBody = z
  .object({
    verification_code: z.string({ error: "verification_code is required" }).min(1).max(100),
    answer: z.union([z.string().max(40), z.number()], { error: "answer is required (a number, e.g. \"15.00\")" }),
  })
  .openapi("VerifyRequest");

router.openapi(
  createRoute({
    method: "post",
    path: "/verify",
    tags: ["posts"],
    summary: "Answer a verification challenge; a right answer publishes the held post or comment",
    security: bearerAuth,
    middleware: [...writingAgentPaying("verify"), reindexes],
    request: { body: jsonBody(VerifyBody) },
    responses: {
      200: json(
        z.object({
          success: z.literal(true),
          message: z.string(),
          content_type: z.enum(["post", "comment"]),
          content_id: z.string(),
          post: PostSchema.optional(),
          comment: CommentSchema.optional(),
        }),
        "Verified and published",
      ),
      ...errorResponses(400, 401, 403, 404, 409, 410, 429),
    },
  }),
  async (c) => {
    const deps = c.get("deps");
    const agent = currentAgent(c);
    const body = c.req.valid("json");
    const { held, contentId } = await checkAnswer(deps, agent, body.verification_code, body.answer);
    if (held.type === "post") {
      const input = { title: held.title, content: held.content, url: held.url };
      const view = await publishPost(deps, agent, held.submoltName, input, contentId);
      return c.json({ success: true as const, message: "Verified! Your post is published.", content_type: "post" as const, content_id: contentId, post: { ...postJson(view), verification_status: "verified" as const } }, 200);
    }
    const input = { content: held.content, parentId: held.parentId };
    const view = await publishComment(deps, agent, held.postId, input, contentId);
    return c.json(
      { success: true as const, message: "Verified! Your comment is published.", content_type: "comment" as const, content_id: contentId, comment: { ...commentJson(view), replies: [], verification_status: "verified" as const } },
      200,
    );
  },
);

export default router;
