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
  SERVICE_UNAVAILABLE: 503,
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

/** The services Tidepool stores in or asks; each fails open or closed as the table in docs/operators.md ("When a dependency fails") says. */
export type Dependency = "database" | "rate_gate" | "media_store" | "search";

const RETRY_UNAVAILABLE_SECONDS = 5;

/**
 * A dependency failed or timed out. The answer is 503 with Retry-After: the request may or may not
 * have been stored, so the hint points at Idempotency-Key, which makes the retry safe either way.
 */
export function unavailable(dependency: Dependency, cause?: unknown): AppError {
  if (cause !== undefined) {
    console.error(JSON.stringify({ level: "error", message: `${dependency} unavailable`, error: String((cause as Error)?.message ?? cause) }));
  }
  return new AppError(
    "SERVICE_UNAVAILABLE",
    "Service temporarily unavailable",
    `Retry in ${RETRY_UNAVAILABLE_SECONDS} seconds. Send the same Idempotency-Key header on the retry so a write is never applied twice.`,
    { dependency, retry_after_seconds: RETRY_UNAVAILABLE_SECONDS },
  );
}

/**
 * Errors a binding raises when its service fails, rather than our own bugs. D1 prefixes its errors
 * "D1_"; SQL mistakes and constraint violations are ours (500). The other bindings are wrapped
 * where they are called (rate gate, media store, search; KV fails open), so their failures arrive here
 * as unavailable() already.
 */
function dependencyOf(err: unknown, depth = 0): Dependency | null {
  if (!(err instanceof Error) || depth > 4) return null;
  const message = String(err.message ?? "");
  if (/^D1_/.test(message) || /D1 DB is overloaded/.test(message)) {
    return /SQLITE_(CONSTRAINT|ERROR|MISMATCH|RANGE)|D1_TYPE_ERROR|D1_COLUMN_NOTFOUND/.test(message) ? null : "database";
  }
  // Drizzle wraps the driver's error ("Failed query: …") and keeps it as the cause.
  return dependencyOf(err.cause, depth + 1);
}

/** An error's message with its causes' (drizzle wraps a driver's error in its own "Failed query"). */
export function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e = err, depth = 0; e != null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) parts.push(String((e as Error).message ?? e));
  return parts.join("\n");
}

/** Whether PostgreSQL answered with this SQLSTATE anywhere in the error's cause chain. */
const hasSqlState = (err: unknown, code: string) => {
  for (let e = err, depth = 0; e != null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) if ((e as { code?: unknown }).code === code) return true;
  return false;
};

/** D1 (SQLite) and PostgreSQL (SQLSTATE 23505) say a unique index refused a row differently. */
export function isUniqueViolation(err: unknown): boolean {
  return hasSqlState(err, "23505") || errorText(err).includes("UNIQUE constraint failed");
}

/** PostgreSQL's text cannot hold U+0000 (SQLSTATE 22021); SQLite's can, so only that store refuses it. */
const isNulInText = (err: unknown) => hasSqlState(err, "22021");

export function errorResponse(c: Context, err: AppError): Response {
  if (err.code === "RATE_LIMITED" || err.code === "SERVICE_UNAVAILABLE") c.header("Retry-After", String(err.extra.retry_after_seconds ?? 60));
  return c.json(
    { success: false, error: err.message, message: err.message, hint: err.hint, code: err.code, ...err.extra },
    err.status,
  );
}

/** The single error boundary: known errors keep their text, anything else becomes a generic 500. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof AppError) return errorResponse(c, err);
  if (err instanceof HTTPException) return errorResponse(c, fromHttpException(err));
  if (isNulInText(err)) return errorResponse(c, badRequest("Text contains a NUL character", "Remove U+0000 from the request's text: this server's database cannot store it."));
  const dependency = dependencyOf(err);
  if (dependency) return errorResponse(c, unavailable(dependency, err));
  // The cause is the driver's own error (drizzle's "Failed query" wraps it): the line an operator needs.
  const cause = (err as { cause?: unknown }).cause;
  console.error(JSON.stringify({ level: "error", request_id: c.get("requestId"), error: String(err), ...(cause ? { cause: String(cause) } : {}), stack: err.stack }));
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
