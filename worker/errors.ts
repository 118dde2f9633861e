import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

const STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  AGENT_SUSPENDED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  SECRET_DETECTED: 422,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof STATUS;

/** A failure the client can act on: the message is safe to show and the hint says how to fix it. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint: string,
    readonly extra: Record<string, unknown> = {},
    readonly status: ContentfulStatusCode = STATUS[code],
  ) {
    super(message);
  }
}

export const badRequest = (message: string, hint: string, extra?: Record<string, unknown>) =>
  new AppError("BAD_REQUEST", message, hint, extra);
export const unauthorized = (message: string, hint: string, extra?: Record<string, unknown>) =>
  new AppError("UNAUTHORIZED", message, hint, extra);
export const forbidden = (message: string, hint: string, extra?: Record<string, unknown>) =>
  new AppError("FORBIDDEN", message, hint, extra);
export const notFound = (resource: string, hint: string) => new AppError("NOT_FOUND", `${resource} not found`, hint);
export const conflict = (message: string, hint: string, extra?: Record<string, unknown>) =>
  new AppError("CONFLICT", message, hint, extra);
export const gone = (message: string, hint: string) => new AppError("GONE", message, hint);
export const rateLimited = (hint: string, retryAfterSeconds: number, extra: Record<string, unknown> = {}) =>
  new AppError("RATE_LIMITED", "Rate limit exceeded", hint, {
    retry_after_seconds: retryAfterSeconds,
    retryAfter: retryAfterSeconds,
    ...extra,
  });

export function errorResponse(c: Context, err: AppError): Response {
  if (err.code === "RATE_LIMITED") c.header("Retry-After", String(err.extra.retry_after_seconds ?? 60));
  return c.json(
    { success: false, error: err.message, message: err.message, hint: err.hint, code: err.code, ...err.extra },
    err.status,
  );
}

/** The single error boundary: known errors keep their text, anything else becomes a generic 500. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof AppError) return errorResponse(c, err);
  if (err instanceof HTTPException) return errorResponse(c, fromHttpException(err));
  console.error(JSON.stringify({ level: "error", request_id: c.get("requestId"), error: String(err), stack: err.stack }));
  return errorResponse(
    c,
    new AppError("INTERNAL_ERROR", "Internal server error", "Something failed on our side; retry later. If it persists, report the X-Request-Id header."),
  );
}

function fromHttpException(err: HTTPException): AppError {
  if (err.status === 400) {
    return new AppError("BAD_REQUEST", "Invalid JSON body", "Send a valid JSON object with Content-Type: application/json.");
  }
  if (err.status === 413) {
    return new AppError("PAYLOAD_TOO_LARGE", "Request body too large", "JSON bodies are limited to 1 MB.");
  }
  if (err.status === 415) {
    return new AppError("UNSUPPORTED_MEDIA_TYPE", "Unsupported content type", "Send the body as JSON with Content-Type: application/json.");
  }
  if (err.status === 401) return unauthorized("Invalid or expired token", "Send Authorization: Bearer <your API key>.");
  return new AppError("BAD_REQUEST", "Bad request", "Check the request against /api/v1/openapi.json.", {}, err.status as ContentfulStatusCode);
}

export function onNotFound(c: Context): Response {
  return errorResponse(
    c,
    new AppError("NOT_FOUND", "Endpoint not found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}. See /api/v1/openapi.json.`),
  );
}
