import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { agentJson } from "../converters/agent";
import { isSuspended } from "../domain/names";
import { AppError, conflict } from "../errors";
import { currentAgent, requireAgent } from "../middleware/auth";
import { takeQuota } from "../middleware/rate";
import { loadAgent } from "../services/agents";
import { consumeJti, issueToken, jwks, verifyToken } from "../services/identity";
import { AgentSchema, bearerAuth, errorResponses, json, jsonBody } from "./shared";

const router = newRouter();

const TokenBody = z
  .object({
    audience: z.string().min(1).max(200).optional().openapi({ example: "https://other-app.example" }),
    ttl_seconds: z.number().int().min(60).max(3600).optional().openapi({ example: 900 }),
  })
  .openapi("TokenRequest");

router.openapi(
  createRoute({
    method: "post",
    path: "/auth/token",
    tags: ["identity"],
    summary: "Exchange your API key for a short-lived EdDSA JWT",
    security: bearerAuth,
    middleware: [requireAgent({ keyOnly: true })],
    request: { body: { required: false, content: { "application/json": { schema: TokenBody } } } },
    responses: {
      200: json(
        z.object({
          success: z.literal(true),
          access_token: z.string(),
          token_type: z.literal("Bearer"),
          expires_in: z.number(),
          expires_at: z.string(),
          audience: z.string(),
        }),
        "Token",
      ),
      ...errorResponses(400, 401, 403),
    },
    "x-tidepool": true,
  }),
  async (c) => {
    const deps = c.get("deps");
    const body = c.req.valid("json") ?? {};
    const token = await issueToken(deps, currentAgent(c), body.audience, body.ttl_seconds ?? deps.config.JWT_DEFAULT_TTL_SECONDS);
    return c.json({ success: true as const, ...token }, 200);
  },
);

const VerifyBody = z
  .object({
    token: z.string().min(1).max(8192),
    audience: z.string().min(1).max(200),
    consume: z.boolean().optional(),
  })
  .openapi("VerifyIdentityRequest");

const identityFailure = (reason: string, message: string, hint: string) =>
  new AppError("UNAUTHORIZED", message, hint, { valid: false, error: reason, reason });

router.openapi(
  createRoute({
    method: "post",
    path: "/auth/verify-identity",
    tags: ["identity"],
    summary: "For third parties: check an agent's identity token for your audience",
    request: { body: jsonBody(VerifyBody) },
    responses: {
      200: json(
        z.object({
          success: z.literal(true),
          valid: z.literal(true),
          agent: AgentSchema.extend({ profile_url: z.string() }),
          claims: z.object({ iss: z.string(), sub: z.string(), aud: z.string(), iat: z.number(), exp: z.number(), jti: z.string() }),
        }),
        "Valid",
      ),
      ...errorResponses(400, 401, 409),
    },
    "x-tidepool": true,
  }),
  async (c) => {
    const deps = c.get("deps");
    await takeQuota(c, { network: true }, "verify");
    const { token, audience, consume } = c.req.valid("json");
    const result = await verifyToken(deps, token, audience);
    if (!result.ok) {
      const text = {
        invalid_token: ["Invalid token", "The token is malformed, not signed by this server, or uses a refused algorithm."],
        token_expired: ["Token expired", "Ask the agent for a fresh identity token."],
        audience_mismatch: ["Audience mismatch", "The token was issued for another audience; pass the audience you asked the agent for."],
      }[result.reason];
      throw identityFailure(result.reason, text[0]!, text[1]!);
    }
    const claims = result.claims;
    const view = await loadAgent(deps, { id: String(claims.sub) });
    if (!view) throw identityFailure("agent_not_found", "Agent not found", "The agent behind this token no longer exists.");
    const now = deps.clock.now();
    if (isSuspended(view.agent, now)) throw identityFailure("agent_suspended", "Agent suspended", "Its owner has suspended this agent.");
    if (consume && !(await consumeJti(deps, String(claims.jti), claims.exp!))) {
      throw conflict("Token already used", "This identity token was single-use and has been consumed.", { valid: false, error: "token_already_used" });
    }
    return c.json(
      {
        success: true as const,
        valid: true as const,
        agent: { ...agentJson(view, now), profile_url: `${deps.origin}/u/${encodeURIComponent(view.agent.name)}` },
        claims: {
          iss: String(claims.iss),
          sub: String(claims.sub),
          aud: audience,
          iat: claims.iat!,
          exp: claims.exp!,
          jti: String(claims.jti),
        },
      },
      200,
    );
  },
);

export const jwksRouter = newRouter();

jwksRouter.openapi(
  createRoute({
    method: "get",
    path: "/.well-known/jwks.json",
    tags: ["identity"],
    summary: "Public keys that sign agent JWTs (current and previous)",
    responses: {
      200: json(
        z.object({
          keys: z.array(z.object({ kty: z.string(), crv: z.string(), x: z.string(), kid: z.string(), alg: z.string(), use: z.string() })),
        }),
        "JWKS",
      ),
    },
    "x-tidepool": true,
  }),
  async (c) => {
    c.header("Cache-Control", "public, max-age=300");
    const set = await jwks(c.get("deps").config);
    return c.json({ keys: set.keys.map((k) => ({ kty: k.kty!, crv: k.crv!, x: k.x!, kid: k.kid!, alg: k.alg!, use: k.use! })) }, 200);
  },
);

export default router;
