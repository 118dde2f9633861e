import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../app";

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
