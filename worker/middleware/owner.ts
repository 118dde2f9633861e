import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { Context } from "hono";
import type { AppEnv } from "../app";
import { forbidden, unauthorized } from "../errors";
import { ownerFromSession, ownerFromToken } from "../services/owners";
import { bearer } from "./auth";

export const SESSION_COOKIE = "tp_owner";
export const CSRF_COOKIE = "tp_csrf";
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Owner routes take either `Authorization: Bearer tp_owner_…` (scripts; no ambient authority, so no CSRF)
 * or the session cookie from POST /owner/session, whose writes need the CSRF header and a same-origin Origin.
 * @example
 * router.use("/owner/agents/*", requireOwner);
 */
export const requireOwner = createMiddleware<AppEnv>(async (c, next) => {
  const deps = c.get("deps");
  const token = bearer(c);
  if (token) {
    const ownerId = await ownerFromToken(deps, token);
    if (!ownerId) throw unauthorized("Invalid or expired token", "Use the owner_token issued when you claimed the agent.");
    c.set("ownerId", ownerId);
    return next();
  }
  const session = getCookie(c, SESSION_COOKIE);
  if (!session) throw unauthorized("No authorization token provided", "Sign in with POST /api/v1/owner/session {owner_token}.");
  const csrf = c.req.header("x-tidepool-csrf") ?? null;
  const found = await ownerFromSession(deps, session, csrf && csrf === getCookie(c, CSRF_COOKIE) ? csrf : null);
  if (!found) throw unauthorized("Invalid or expired token", "Your owner session ended; sign in again.");
  if (!SAFE.has(c.req.method) && (!found.csrfOk || !sameOrigin(c, deps.origin))) {
    throw forbidden("CSRF check failed", "Send X-Tidepool-CSRF equal to the tp_csrf cookie, from this site's own origin.");
  }
  c.set("ownerId", found.ownerId);
  await next();
});

/**
 * A browser's write from this site itself. Browsers send Origin on every POST, but as "null" from a
 * page whose referrer policy is no-referrer (all of ours); then Sec-Fetch-Site, which no page script
 * can set, must say same-origin. Neither header (a very old browser): refused.
 */
export function sameOrigin(c: Context, origin: string) {
  const given = c.req.header("origin");
  if (given && given !== "null") return given === origin;
  return c.req.header("sec-fetch-site") === "same-origin";
}

export const currentOwner = (c: Context<AppEnv>): string => {
  const id = c.get("ownerId");
  if (!id) throw unauthorized("No authorization token provided", "Sign in as an owner first.");
  return id;
};
