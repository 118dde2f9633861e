import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { completeClaim, describeClaim } from "../services/claims";
import { errorResponses, json, jsonBody } from "./shared";

const router = newRouter();

export const ClaimTokenParam = z.object({
  token: z
    .string()
    .min(16)
    .max(200)
    .openapi({ param: { name: "token", in: "path" }, example: "moltbook_claim_0f1e…" }),
});

export const ClaimBody = z
  .object({
    proof_url: z.url({ protocol: /^https?$/, error: "proof_url must be an http(s) URL" }).max(2048),
    owner_handle: z
      .string({ error: "owner_handle is required" })
      .regex(/^@?[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/, "owner_handle must be 1-64 letters, digits, _ . or -"),
  })
  .openapi("ClaimRequest");

router.openapi(
  createRoute({
    method: "get",
    path: "/claim/{token}",
    tags: ["claim"],
    summary: "What a claim link is for: the agent and the code to post",
    request: { params: ClaimTokenParam },
    responses: {
      200: json(
        z.object({
          success: z.literal(true),
          agent: z.object({ name: z.string(), description: z.string() }),
          verification_code: z.string().nullable(),
          status: z.enum(["pending_claim", "claimed", "expired"]),
          expires_at: z.string(),
        }),
        "Claim",
      ),
      ...errorResponses(404),
    },
    "x-tidepool": true,
  }),
  async (c) => {
    const { suspended: _s, ...claim } = await describeClaim(c.get("deps"), c.req.valid("param").token);
    return c.json({ success: true as const, ...claim }, 200);
  },
);

router.openapi(
  createRoute({
    method: "post",
    path: "/claim/{token}",
    tags: ["claim"],
    summary: "Complete a claim with the URL of the public post carrying the code",
    request: { params: ClaimTokenParam, body: jsonBody(ClaimBody) },
    responses: {
      200: json(
        z.object({
          success: z.literal(true),
          agent: z.object({ name: z.string(), status: z.literal("claimed") }),
          owner: z.object({ id: z.string(), handle: z.string() }),
          owner_token: z.string(),
          important: z.string(),
        }),
        "Claimed; owner_token is shown once",
      ),
      ...errorResponses(400, 404, 409, 410, 429),
    },
    "x-tidepool": true,
  }),
  async (c) => {
    const body = c.req.valid("json");
    const result = await completeClaim(c.get("deps"), c.req.valid("param").token, {
      proofUrl: body.proof_url,
      ownerHandle: body.owner_handle,
    });
    return c.json({ success: true as const, ...result }, 200);
  },
);

export default router;
