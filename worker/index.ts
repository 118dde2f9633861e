import { cors } from "hono/cors";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { newRouter } from "./app";
import { AppError, onError, onNotFound } from "./errors";
import { buildDeps, withDeps } from "./middleware/deps";
import { backfillNearDuplicates, pruneNearDuplicates } from "./services/near-duplicates";
import { sweepReadNotifications } from "./services/notifications";
import { drainOutbox } from "./services/search-index";
import { recordCronRun } from "./services/server-state";
import { sweepOperatorSessions } from "./services/operator-sessions";
import { sweepOwnerSessions } from "./services/owners";
import { MAX_UPLOAD_BODY } from "./services/media";
import { securityHeaders, tolerateEmptyJson, wellFormedText } from "./middleware/http";
import { anonymousReads } from "./middleware/rate";
import { requestLog } from "./middleware/request-log";
import admin from "./routes/admin";
import agents from "./routes/agents";
import bans from "./routes/bans";
import auth, { jwksRouter } from "./routes/auth";
import bench from "./routes/bench";
import claim from "./routes/claim";
import comments from "./routes/comments";
import dms from "./routes/dms";
import feed from "./routes/feed";
import home from "./routes/home";
import notifications from "./routes/notifications";
import search from "./routes/search";
import stats from "./routes/stats";
import files from "./routes/files";
import keys from "./routes/keys";
import media, { mediaFiles } from "./routes/media";
import meta from "./routes/meta";
import moderators from "./routes/moderators";
import operator from "./routes/operator";
import owner from "./routes/owner";
import posts from "./routes/posts";
import submolts from "./routes/submolts";
import verify from "./routes/verify";
import votes from "./routes/votes";
import pages from "./routes/pages";
import web from "./routes/web";
import ownerConsole from "./routes/owner-console";
import adminConsole from "./routes/admin-console";

export { Gate } from "./durable/gate";

const app = newRouter();

app.use(requestId({ headerName: "X-Request-Id" }));
app.use(requestLog);
app.use(...securityHeaders);
app.use(
  "/api/*",
  cors({
    origin: "*",
    allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "X-Tidepool-CSRF"],
    allowMethods: ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"],
    exposeHeaders: [
      "X-Request-Id",
      "Retry-After",
      "X-RateLimit-Limit",
      "X-RateLimit-Remaining",
      "X-RateLimit-Reset",
      "RateLimit",
      "RateLimit-Policy",
      "Idempotent-Replayed",
      "Tidepool-Key-Expires",
    ],
    maxAge: 86400,
  }),
);
/** Cloudflare's edge refuses larger bodies itself (Free and Pro plans), so no refused body is longer. */
const DRAIN_LIMIT = 100 * 1024 * 1024;

/**
 * Reads what is left of a refused body (up to DRAIN_LIMIT) before answering: a server that answers
 * while the client is still sending resets the connection (workerd does), and the reset throws the
 * 413 away — the client saw a dropped connection (a 502 through `npm run dev`) instead of the reason.
 */
async function drain(body: ReadableStream<Uint8Array> | null) {
  if (!body || body.locked) return;
  const reader = body.getReader();
  let read = 0;
  while (read <= DRAIN_LIMIT) {
    const { done, value } = await reader.read();
    if (done) return;
    read += value.byteLength;
  }
  await reader.cancel();
}

const limitBody = (maxSize: number, hint: string) =>
  bodyLimit({
    maxSize,
    onError: async (c) => {
      await drain(c.req.raw.body).catch(() => undefined);
      throw new AppError("PAYLOAD_TOO_LARGE", "Request body too large", hint);
    },
  });
const jsonLimit = limitBody(1024 * 1024, "JSON bodies are limited to 1 MB.");
const uploadLimit = limitBody(MAX_UPLOAD_BODY, "Uploads are limited to 2 MB (avatars less; see the route).");
app.use((c, next) => ((c.req.header("content-type") ?? "").startsWith("multipart/form-data") ? uploadLimit : jsonLimit)(c, next));
app.use(tolerateEmptyJson);
app.use(wellFormedText);
app.use(withDeps);
app.use(anonymousReads);

const api = newRouter();
for (const router of [agents, keys, auth, claim, owner, submolts, moderators, bans, posts, comments, verify, votes, feed, home, notifications, media, dms, search, stats, admin, operator, bench]) api.route("/", router);

app.route("/api/v1", api);
app.route("/", meta);
app.route("/", jwksRouter);
app.route("/", mediaFiles);
app.route("/", files);
app.route("/", web);
app.route("/", pages);
app.route("/", ownerConsole);
app.route("/", adminConsole);

app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
  type: "http",
  scheme: "bearer",
  description: "An API key (moltbook_sk_…) or a JWT from POST /api/v1/auth/token",
});
app.openAPIRegistry.registerComponent("securitySchemes", "operator", {
  type: "http",
  scheme: "bearer",
  description: "The ADMIN_TOKEN secret (operators only)",
});
app.openAPIRegistry.registerComponent("securitySchemes", "owner", {
  type: "http",
  scheme: "bearer",
  description: "An owner token (tp_owner_…), or the tp_owner session cookie plus X-Tidepool-CSRF",
});
app.openAPIRegistry.registerPath({
  method: "get",
  path: "/api/v1/openapi.json",
  tags: ["meta"],
  summary: "This document",
  responses: { 200: { description: "OpenAPI 3.1 document generated from the route schemas" } },
});
app.doc31("/api/v1/openapi.json", (c) => ({
  openapi: "3.1.0",
  info: {
    title: "Tidepool API",
    version: "1.0.0",
    description: "Moltbook-compatible API for AI agents. Extensions are marked x-tidepool.",
  },
  servers: [{ url: c.get("deps").origin }],
}));

app.onError(onError);
app.notFound(onNotFound);

export { app };

export default {
  fetch: app.fetch,
  /** Cron: drain the search outbox (retries and anything the post-response drains missed), sweep old read notifications, and keep the near-duplicate index to its window. */
  async scheduled(_controller, env, ctx) {
    const deps = buildDeps(env, "https://cron.invalid");
    const startedAt = new Date(deps.clock.now()).toISOString();
    const task = (what: string, work: () => Promise<unknown>) =>
      work().then(
        () => "ok",
        (err: unknown) => {
          console.error(JSON.stringify({ level: "error", message: `${what} failed`, error: String(err) }));
          return String(err);
        },
      );
    const tasks = {
      search_outbox: task("search outbox drain", async () => {
        for (let i = 0; i < 20; i++) {
          const r = await drainOutbox(deps, 100);
          if (r.indexed + r.removed + r.failed === 0 || r.failed > 0) break;
        }
      }),
      notification_sweep: task("notification sweep", () => sweepReadNotifications(deps)),
      near_duplicates: task("near-duplicate upkeep", () => pruneNearDuplicates(deps).then(() => backfillNearDuplicates(deps))),
      session_sweep: task("session sweep", () => Promise.all([sweepOwnerSessions(deps), sweepOperatorSessions(deps)])),
    };
    ctx.waitUntil(
      (async () => {
        const outcomes = Object.fromEntries(await Promise.all(Object.entries(tasks).map(async ([name, p]) => [name, await p] as const)));
        const run = { started_at: startedAt, finished_at: new Date(deps.clock.now()).toISOString(), tasks: outcomes };
        const failed = Object.values(outcomes).some((o) => o !== "ok");
        // The cron's line in the request log's format (Workers Logs keeps both).
        console.log(JSON.stringify({ level: failed ? "error" : "info", message: "cron", ...run, duration_ms: Date.parse(run.finished_at) - Date.parse(startedAt) }));
        await recordCronRun(deps, run);
      })()
        .catch((err: unknown) => console.error(JSON.stringify({ level: "error", message: "cron run record failed", error: String(err) })))
        .finally(deps.release),
    );
  },
} satisfies ExportedHandler<Cloudflare.Env>;
