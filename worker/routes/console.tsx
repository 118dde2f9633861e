import { createRoute, z } from "@hono/zod-openapi";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../app";
import { AppError } from "../errors";
import { sameOrigin } from "../middleware/owner";
import { takeQuota } from "../middleware/rate";
import { CONSOLE_BASE, ConsoleError, noticeFor, signInField, type ConsoleName } from "../web/console/frame";
import { ErrorPage } from "../web/pages/message";

/** A signed-in console user: who, and the session's CSRF token for the page's forms. */
export interface Session {
  principal: string;
  csrf: string;
}

interface Found {
  principal: string;
  csrfOk: boolean;
  /** Ends this session server-side (sign out). */
  end(): Promise<void>;
}

/**
 * What differs between the owner dashboard and the operator console; the session rules they share
 * (HttpOnly + Secure + SameSite=Strict cookie, CSRF token in every form, same Origin on every write,
 * no-store everywhere, sign-ins counted per network) live in the registrars below.
 */
export interface ConsoleKind {
  name: ConsoleName;
  cookie: string;
  csrfCookie: string;
  cookiePath: string;
  /** False: the console does not exist (the operator's without ADMIN_TOKEN), every path answers 404. */
  enabled(c: Context<AppEnv>): boolean;
  /** The live session behind the cookie and whether `csrf` is its CSRF token; null when ended or unknown. */
  lookup(c: Context<AppEnv>, raw: string, csrf: string | null): Promise<Found | null>;
  /** Exchanges the sign-in secret for a session (throws 401 for a wrong one). */
  open(c: Context<AppEnv>, secret: string): Promise<{ session: string; csrf: string; expiresAt: number }>;
  /** The sign-in page, with an error or a notice. */
  signInPage(c: Context<AppEnv>, o: { error?: string; notice?: string | null; status?: ContentfulStatusCode }): Response | Promise<Response>;
}

const html = { description: "HTML page" };
const FormParams = (path: string) => {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  return names.length ? { params: z.object(Object.fromEntries(names.map((n) => [n, z.string().max(200)]))) } : {};
};

const notFoundPage = (c: Context<AppEnv>) => c.html(<ErrorPage title="Not found" message="There is no page at this address." />, 404);

/** Refusals and failures as a console page with the error's status (never JSON, never a stack). */
function failure(c: Context<AppEnv>, kind: ConsoleKind, err: unknown, session?: Session) {
  if (!(err instanceof AppError) || err.status >= 500) throw err;
  if (err.code === "RATE_LIMITED" && err.extra.retry_after_seconds != null) c.header("Retry-After", String(err.extra.retry_after_seconds));
  return c.html(<ConsoleError console={kind.name} title={err.message} message={err.hint} csrf={session?.csrf} />, err.status);
}

async function current(c: Context<AppEnv>, kind: ConsoleKind, csrf: string | null) {
  const raw = getCookie(c, kind.cookie);
  return raw ? kind.lookup(c, raw, csrf) : null;
}

/** Every console response is private to this browser: never stored by a cache on the way. */
const noStore = (c: Context<AppEnv>) => c.header("Cache-Control", "no-store");

/**
 * A console page (GET). Signed out, the console's front page shows the sign-in form and every other
 * page sends the browser there. The CSRF cookie must match the session, or the page's forms could
 * not work: such a session counts as signed out.
 */
export function consolePage<Q extends z.ZodObject>(
  router: OpenAPIHono<AppEnv>,
  kind: ConsoleKind,
  path: string,
  summary: string,
  query: Q,
  render: (c: Context<AppEnv>, s: Session, q: z.infer<Q>, params: Record<string, string>) => Promise<Response>,
) {
  router.openapi(
    createRoute({ method: "get", path, tags: ["consoles"], summary, request: { query, ...FormParams(path) }, responses: { 200: html, 303: html, 400: html, 404: html } }),
    async (c) => {
      noStore(c);
      if (!kind.enabled(c)) return notFoundPage(c);
      const csrf = getCookie(c, kind.csrfCookie) ?? null;
      const found = await current(c, kind, csrf);
      const base = CONSOLE_BASE[kind.name];
      if (!found?.csrfOk) {
        // A cookie that no longer opens a session: it expired or was signed out elsewhere; say so.
        const ended = getCookie(c, kind.cookie) !== undefined;
        if (path !== base) return c.redirect(ended ? `${base}?done=expired` : base, 303);
        return kind.signInPage(c, { notice: noticeFor(SIGNED_OUT, c.req.query("done") ?? (ended ? "expired" : undefined)) });
      }
      const session = { principal: found.principal, csrf: csrf! };
      try {
        const valid = (c.req.valid as unknown as (target: "query") => z.infer<Q>).bind(c.req);
        return await render(c, session, valid("query"), c.req.param() as Record<string, string>);
      } catch (err) {
        return failure(c, kind, err, session);
      }
    },
    (result, c) => {
      if (result.success) return;
      noStore(c);
      if (!kind.enabled(c)) return notFoundPage(c);
      if (result.target === "param") return notFoundPage(c);
      return c.html(<ConsoleError console={kind.name} title="Bad request" message="This address has a query the console does not understand." />, 400);
    },
  );
}

const SIGNED_OUT = { signed_out: "You are signed out.", expired: "Your session ended; sign in again." };

/** A page's `done` query: which of its fixed notices to show (noticeFor looks the text up). */
export const DoneQuery = z.string().max(40).optional();

/**
 * A console action (form POST): the session cookie, the form's CSRF token and this site's Origin, or
 * 401/403 and nothing changes; then the form's fields, or 400. `act` answers (usually a 303 back to
 * the page, which keeps the browser's back button and reloads from posting twice).
 */
export function consoleAction<F extends z.ZodObject>(
  router: OpenAPIHono<AppEnv>,
  kind: ConsoleKind,
  path: string,
  summary: string,
  form: F,
  act: (c: Context<AppEnv>, s: Session & { end(): Promise<void> }, f: z.infer<F>, params: Record<string, string>) => Promise<Response>,
) {
  router.openapi(
    createRoute({
      method: "post",
      path,
      tags: ["consoles"],
      summary,
      description: "An HTML form post (application/x-www-form-urlencoded) carrying the session's CSRF token as `csrf`.",
      request: FormParams(path),
      responses: { 303: html, 400: html, 401: html, 403: html, 404: html, 409: html, 429: html },
    }),
    async (c) => {
      noStore(c);
      if (!kind.enabled(c)) return notFoundPage(c);
      const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      const csrf = typeof body.csrf === "string" ? body.csrf : null;
      const found = await current(c, kind, csrf);
      if (!found) return c.html(<ConsoleError console={kind.name} title="Signed out" message="Your session ended, so nothing was changed. Sign in again." />, 401);
      if (!found.csrfOk || !sameOrigin(c, c.get("deps").origin)) {
        return c.html(
          <ConsoleError console={kind.name} title="CSRF check failed" message="This form did not come from this console, so nothing was changed. Reload the page and try again." />,
          403,
        );
      }
      const session = { principal: found.principal, csrf: csrf!, end: found.end };
      const parsed = form.safeParse(body);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => i.message).join("; ");
        return c.html(<ConsoleError console={kind.name} title="Bad request" message={detail} csrf={session.csrf} />, 400);
      }
      try {
        return await act(c, session, parsed.data, c.req.param() as Record<string, string>);
      } catch (err) {
        return failure(c, kind, err, session);
      }
    },
    (result, c) => {
      if (result.success) return;
      noStore(c);
      return notFoundPage(c);
    },
  );
}

/** Sign in (form POST of the console's secret, same Origin, counted per network) and sign out. */
export function consoleSessionRoutes(router: OpenAPIHono<AppEnv>, kind: ConsoleKind) {
  const base = CONSOLE_BASE[kind.name];
  const field = signInField(kind.name);
  router.openapi(
    createRoute({
      method: "post",
      path: `${base}/sign-in`,
      tags: ["consoles"],
      summary: `Sign in to the ${kind.name === "owner" ? "owner dashboard" : "operator console"} (HTML form: ${field})`,
      responses: { 303: html, 400: html, 401: html, 403: html, 404: html, 429: html },
    }),
    async (c) => {
      noStore(c);
      if (!kind.enabled(c)) return notFoundPage(c);
      // Login CSRF: another site must not sign this browser in to someone else's session.
      if (!sameOrigin(c, c.get("deps").origin)) {
        return c.html(<ConsoleError console={kind.name} title="CSRF check failed" message="Sign in from this site's own sign-in page." />, 403);
      }
      try {
        await takeQuota(c, { network: true }, "sign_in");
        const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
        const secret = typeof body[field] === "string" ? (body[field] as string).trim() : "";
        if (!secret || secret.length > 200) return await kind.signInPage(c, { error: "Paste your token to sign in.", status: 400 });
        const opened = await kind.open(c, secret);
        const maxAge = Math.floor((opened.expiresAt - c.get("deps").clock.now()) / 1000);
        const cookie = { path: kind.cookiePath, secure: true, sameSite: "Strict", maxAge } as const;
        setCookie(c, kind.cookie, opened.session, { ...cookie, httpOnly: true });
        // Readable by scripts in the owner's case (the JSON API's double submit); forms get it from the page.
        setCookie(c, kind.csrfCookie, opened.csrf, { ...cookie, httpOnly: kind.name === "operator" });
        return c.redirect(base, 303);
      } catch (err) {
        if (err instanceof AppError && err.status === 401) return kind.signInPage(c, { error: `${err.message}. ${err.hint}`, status: 401 });
        return failure(c, kind, err);
      }
    },
  );
  consoleAction(router, kind, `${base}/sign-out`, "Sign out (ends the session on the server)", z.object({}), async (c, s) => {
    await s.end();
    deleteCookie(c, kind.cookie, { path: kind.cookiePath, secure: true });
    deleteCookie(c, kind.csrfCookie, { path: kind.cookiePath, secure: true });
    return c.redirect(`${base}?done=signed_out`, 303);
  });
}
