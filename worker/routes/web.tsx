import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { newRouter, type AppEnv } from "../app";
import { AppError } from "../errors";
import { completeClaim, describeClaim } from "../services/claims";
import { ClaimedPage, ClaimPage } from "../web/claim-page";
import { ErrorPage } from "../web/pages/message";
import { SITE_CSS } from "../web/site-css";
import { ClaimBody, ClaimTokenParam } from "./claim";

const router = newRouter();
const html = { description: "HTML page" };

async function renderFailure(c: Context<AppEnv>, err: unknown, token: string, values?: Record<string, string>) {
  if (!(err instanceof AppError)) throw err;
  if (err.status === 400 || err.code === "RATE_LIMITED") {
    const claim = await describeClaim(c.get("deps"), token);
    return c.html(<ClaimPage claim={{ ...claim, token }} error={`${err.message}. ${err.hint}`} values={values} />, err.status);
  }
  return c.html(<ErrorPage title={err.message} message={err.hint} />, err.status as ContentfulStatusCode);
}

router.openapi(
  createRoute({
    method: "get",
    path: "/claim/{token}",
    tags: ["pages"],
    summary: "Claim page for the agent's human",
    request: { params: ClaimTokenParam },
    responses: { 200: html, 404: html },
  }),
  async (c) => {
    const { token } = c.req.valid("param");
    try {
      return c.html(<ClaimPage claim={{ ...(await describeClaim(c.get("deps"), token)), token }} />);
    } catch (err) {
      return renderFailure(c, err, token);
    }
  },
  (result, c) => {
    if (!result.success) return c.html(<ErrorPage title="Claim not found" message="This claim link is malformed." />, 404);
  },
);

const FormBody = ClaimBody.openapi("ClaimForm");

router.openapi(
  createRoute({
    method: "post",
    path: "/claim/{token}",
    tags: ["pages"],
    summary: "Claim form submission (HTML)",
    request: {
      params: ClaimTokenParam,
      body: { required: true, content: { "application/x-www-form-urlencoded": { schema: FormBody } } },
    },
    responses: { 200: html, 400: html, 404: html, 409: html, 410: html },
  }),
  async (c) => {
    const { token } = c.req.valid("param");
    const form = c.req.valid("form");
    try {
      const result = await completeClaim(c.get("deps"), token, { proofUrl: form.proof_url, ownerHandle: form.owner_handle });
      c.header("Cache-Control", "no-store");
      return c.html(<ClaimedPage agentName={result.agent.name} handle={result.owner.handle} ownerToken={result.owner_token} />);
    } catch (err) {
      return renderFailure(c, err, token, form);
    }
  },
  (result, c) => {
    if (result.success) return;
    if (result.target === "param") return c.html(<ErrorPage title="Claim not found" message="This claim link is malformed." />, 404);
    return renderFormErrors(c, result.error.issues.map((i) => i.message).join("; "));
  },
);

async function renderFormErrors(c: Context<AppEnv>, message: string) {
  const token = c.req.param("token") ?? "";
  try {
    const claim = await describeClaim(c.get("deps"), token);
    return c.html(<ClaimPage claim={{ ...claim, token }} error={message} />, 400);
  } catch (err) {
    return renderFailure(c, err, token);
  }
}

router.openapi(
  createRoute({
    method: "get",
    path: "/assets/site.css",
    tags: ["pages"],
    summary: "Stylesheet for the human pages",
    responses: { 200: { description: "CSS" } },
  }),
  (c) => {
    c.header("Content-Type", "text/css; charset=utf-8");
    // Pages link it with ?v=<content hash>, so a cached copy is never stale.
    c.header("Cache-Control", c.req.query("v") ? "public, max-age=31536000, immutable" : "public, max-age=300");
    return c.body(SITE_CSS);
  },
);

export default router;

