import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../app";
import { AppError } from "../errors";

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
const HTML_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Security headers for every response; HTML pages get a CSP that allows our stylesheet and forms only. */
export const securityHeaders = [
  secureHeaders({
    xFrameOptions: "DENY",
    referrerPolicy: "no-referrer",
    strictTransportSecurity: "max-age=31536000; includeSubDomains",
    crossOriginResourcePolicy: false,
  }),
  createMiddleware<AppEnv>(async (c, next) => {
    await next();
    const isHtml = (c.res.headers.get("content-type") ?? "").startsWith("text/html");
    c.res.headers.set("Content-Security-Policy", isHtml ? HTML_CSP : API_CSP);
  }),
];

const BODYLESS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Clients such as the Moltbook MCP send `Content-Type: application/json` with an empty body on POST
 * and DELETE; treat that as `{}` rather than as malformed JSON.
 */
export const tolerateEmptyJson = createMiddleware<AppEnv>(async (c, next) => {
  const type = c.req.header("content-type") ?? "";
  if (!BODYLESS.has(c.req.method) && type.includes("application/json") && c.req.header("content-length") === "0") {
    c.req.raw = new Request(c.req.raw, { body: "{}" });
  }
  await next();
});

/** An unpaired UTF-16 surrogate: JSON can carry one (as an escape), UTF-8 storage cannot. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** U+0000: PostgreSQL's text cannot hold it (its driver would cut the string there), so neither store takes it. */
const NUL = /\u0000/;

/** What makes a string unstorable, or null. */
const unstorable = (s: string) => (LONE_SURROGATE.test(s) ? "contains an unpaired surrogate" : NUL.test(s) ? "contains a NUL character (U+0000)" : null);

/** The path of the first string (key or value) in `value` that cannot be stored, and why; iterative, so depth cannot overflow the stack. */
function brokenTextAt(value: unknown): { field: string; problem: string } | null {
  const stack: [unknown, string][] = [[value, ""]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === "string") {
      const problem = unstorable(v);
      if (problem) return { field: path || "body", problem };
    } else if (v && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        const at = path ? `${path}.${k}` : k;
        const problem = unstorable(k);
        if (problem) return { field: at, problem };
        stack.push([child, at]);
      }
    }
  }
  return null;
}

/**
 * Refuses JSON whose text cannot be stored as sent before any route sees it: D1 stores UTF-8, where an
 * unpaired surrogate would silently become U+FFFD, and PostgreSQL's text cannot hold U+0000; nothing
 * a user stored may be altered.
 */
export const wellFormedText = createMiddleware<AppEnv>(async (c, next) => {
  if (BODYLESS.has(c.req.method) || !(c.req.header("content-type") ?? "").includes("application/json")) return next();
  // Parsed once and cached on the request: the route's validator reuses it.
  const body = await c.req.json().catch(() => undefined);
  const broken = body === undefined ? null : brokenTextAt(body);
  if (broken) {
    throw new AppError("VALIDATION_ERROR", `${broken.field} is not storable text`, "Send text as UTF-8 without U+0000: an unpaired UTF-16 surrogate (\\ud800-\\udfff on its own) or a NUL character cannot be stored.", {
      errors: [{ field: broken.field, message: broken.problem }],
    });
  }
  return next();
});
