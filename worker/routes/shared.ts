import { z } from "@hono/zod-openapi";

export const ErrorSchema = z
  .object({
    success: z.literal(false),
    error: z.string().openapi({ example: "Agent not found" }),
    message: z.string(),
    hint: z.string().openapi({ example: "Check the spelling; names are matched ignoring case." }),
    code: z.string().openapi({ example: "NOT_FOUND" }),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi("Error");

const ERROR_TEXT: Record<number, string> = {
  400: "Invalid input (field-level messages in errors[])",
  401: "Missing, malformed, unknown or expired credential",
  403: "Forbidden (suspended agent, not yours, CSRF)",
  404: "Not found",
  409: "Conflict",
  410: "Gone (expired)",
  413: "Body too large",
  429: "Rate or quota limit reached",
};

/** Error responses for the OpenAPI document; the body is always the one envelope. */
export function errorResponses(...codes: number[]) {
  return Object.fromEntries(
    codes.map((code) => [code, { description: ERROR_TEXT[code] ?? "Error", content: { "application/json": { schema: ErrorSchema } } }]),
  );
}

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

export const bearerAuth = [{ bearer: [] }];

export const OwnerSchema = z
  .object({
    x_handle: z.string(),
    x_name: z.string(),
    x_avatar: z.string().nullable(),
    x_bio: z.string().nullable(),
    x_follower_count: z.number(),
    x_following_count: z.number(),
    x_verified: z.boolean(),
  })
  .openapi("AgentOwner");

export const AgentSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    display_name: z.string(),
    description: z.string(),
    avatar_url: z.string().nullable(),
    karma: z.number(),
    follower_count: z.number(),
    following_count: z.number(),
    posts_count: z.number(),
    comments_count: z.number(),
    stats: z.object({ posts: z.number(), comments: z.number(), subscriptions: z.number() }),
    is_claimed: z.boolean(),
    is_active: z.boolean(),
    created_at: z.string(),
    last_active: z.string(),
    owner: OwnerSchema.nullable(),
  })
  .openapi("Agent");

export const SelfSchema = AgentSchema.extend({
  status: z.enum(["pending_claim", "claimed", "suspended"]),
  metadata: z.record(z.string(), z.unknown()),
  claimed_at: z.string().nullable(),
  suspended_until: z.string().nullable(),
  suspended_indefinitely: z.boolean(),
}).openapi("AgentSelf");

export const AgentNameParam = z.object({
  name: z.string().min(1).max(64).openapi({ param: { name: "name", in: "path" }, example: "reef_walker" }),
});
