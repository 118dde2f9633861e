import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { newRouter, type AppEnv } from "../app";
import { AppError } from "../errors";
import { pageCache } from "../middleware/page-cache";
import { agentByName } from "../services/agents";
import { commentsByAuthor, getCommentView } from "../services/comments";
import { commentJson } from "../converters/comment";
import { listThread } from "../services/threads";
import { listPosts, readPost, submoltWithPins } from "../services/posts";
import { search } from "../services/search";
import { networkStats } from "../services/stats";
import { listModerators, listSubmolts, submoltNotFound } from "../services/submolts";
import type { CommentJson } from "../converters/comment";
import { AgentPage } from "../web/pages/agent";
import { HomePage } from "../web/pages/home";
import { ErrorPage } from "../web/pages/message";
import { PostPage } from "../web/pages/post";
import { SearchPage } from "../web/pages/search";
import { StatsPage } from "../web/pages/stats";
import { SubmoltDirectory, SubmoltPage } from "../web/pages/submolts";

const router = newRouter();

const PER_PAGE = 25;
/** Deep offsets cost a scan each; 40 pages of 25 is what a reader pages through, search covers the rest. */
const MAX_PAGE = 40;
const Page = z.coerce.number().int().min(1).max(MAX_PAGE).default(1);

const html = { description: "HTML page" };

/**
 * Registers a public page (documented in the OpenAPI document under "pages"). Bad query strings
 * get a 400 page, missing things a 404 page; anything else is a real error for the error boundary.
 */
function page<Q extends z.ZodObject>(
  path: string,
  summary: string,
  query: Q,
  render: (c: Context<AppEnv>, q: z.infer<Q>, params: Record<string, string>) => Promise<Response>,
) {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const params = names.length ? z.object(Object.fromEntries(names.map((n) => [n, z.string().max(200)]))) : undefined;
  router.openapi(
    createRoute({
      method: "get",
      path,
      tags: ["pages"],
      summary,
      // Per route, not router-wide: the cache must never see API or owner responses.
      middleware: [pageCache] as const,
      request: { query, ...(params ? { params } : {}) },
      responses: { 200: html, 400: html, 404: html },
    }),
    async (c) => {
      try {
        // The generic route type hides the validated query's shape; it is Q's output by construction.
        const valid = (c.req.valid as unknown as (target: "query") => z.infer<Q>).bind(c.req);
        return await render(c, valid("query"), c.req.param() as Record<string, string>);
      } catch (err) {
        if (err instanceof AppError && err.status < 500) {
          return c.html(<ErrorPage title={err.message} message={err.hint} />, err.status as ContentfulStatusCode);
        }
        throw err;
      }
    },
    (result, c) => {
      if (result.success) return;
      const detail = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      return c.html(<ErrorPage title="Bad request" message={`This address has a query the site does not understand (${detail}).`} />, 400);
    },
  );
}

const now = (c: Context<AppEnv>) => c.get("deps").clock.now();

page(
  "/",
  "Front page: posts across submolts",
  z.object({ sort: z.enum(["hot", "new", "top"]).default("hot"), page: Page }),
  async (c, q) => {
    const list = await listPosts(c.get("deps"), {}, { sort: q.sort, t: "all", limit: PER_PAGE, offset: (q.page - 1) * PER_PAGE, viewerId: null });
    return c.html(<HomePage items={list.items} sort={q.sort} page={q.page} hasMore={list.hasMore && q.page < MAX_PAGE} now={now(c)} />);
  },
);

page(
  "/m",
  "Submolt directory",
  z.object({ page: Page }),
  async (c, q) => {
    const list = await listSubmolts(c.get("deps"), "popular", PER_PAGE, (q.page - 1) * PER_PAGE);
    return c.html(<SubmoltDirectory items={list.items} page={q.page} hasMore={list.hasMore && q.page < MAX_PAGE} />);
  },
);

page(
  "/m/{name}",
  "A submolt: about, moderators, pinned and posts",
  z.object({ sort: z.enum(["hot", "new", "top", "rising"]).default("hot"), page: Page }),
  async (c, q, params) => {
    const deps = c.get("deps");
    const [{ submolt, pinned }, list] = await Promise.all([
      submoltWithPins(deps, params.name!, null, true),
      listPosts(deps, { submoltName: params.name! }, { sort: q.sort, t: "all", limit: PER_PAGE, offset: (q.page - 1) * PER_PAGE, viewerId: null }),
    ]);
    if (!submolt) throw submoltNotFound();
    const moderators = await listModerators(deps, submolt);
    return c.html(
      <SubmoltPage
        submolt={submolt}
        moderators={moderators}
        pinned={pinned}
        items={list.items}
        sort={q.sort}
        page={q.page}
        hasMore={list.hasMore && q.page < MAX_PAGE}
        now={now(c)}
      />,
    );
  },
);

const ROOTS_PER_PAGE = 50;

page(
  "/post/{id}",
  "A post with its comment tree, or (parent) a page of one comment's replies",
  z.object({ page: Page, parent: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a comment id").optional() }),
  async (c, q, params) => {
    const deps = c.get("deps");
    const id = params.id!;
    // The post first: a removed post answers 410 with the moderators' reason.
    const view = await readPost(deps, id, null);
    const offset = (q.page - 1) * ROOTS_PER_PAGE;
    const [thread, parent] = await Promise.all([
      listThread(deps, id, { sort: "best", limit: ROOTS_PER_PAGE, offset, viewerId: null, parentId: q.parent }),
      q.parent ? getCommentView(deps, q.parent, null) : undefined,
    ]);
    return c.html(
      <PostPage
        view={view}
        comments={thread.comments as CommentJson[]}
        total={thread.count}
        page={q.page}
        hasMore={thread.hasMore}
        now={now(c)}
        parent={parent ? { ...commentJson(parent), replies: [] } : undefined}
      />,
    );
  },
);

page(
  "/u/{name}",
  "An agent's profile, posts and comments",
  z.object({ tab: z.enum(["posts", "comments"]).default("posts"), page: Page }),
  async (c, q, params) => {
    const deps = c.get("deps");
    const view = await agentByName(deps, params.name!);
    const offset = (q.page - 1) * PER_PAGE;
    const posts = q.tab === "posts" ? await listPosts(deps, { authorId: view.agent.id }, { sort: "new", t: "all", limit: PER_PAGE, offset, viewerId: null }) : null;
    const comments = q.tab === "comments" ? await commentsByAuthor(deps, view.agent.id, PER_PAGE, offset) : null;
    const hasMore = (posts ?? comments)!.hasMore;
    return c.html(
      <AgentPage
        view={view}
        tab={q.tab}
        posts={posts?.items ?? []}
        comments={comments?.items ?? []}
        page={q.page}
        hasMore={hasMore && q.page < MAX_PAGE}
        now={now(c)}
      />,
    );
  },
);

page(
  "/search",
  "Search results",
  z.object({ q: z.string().trim().max(500, "at most 500 characters").default(""), page: Page }),
  async (c, q) => {
    if (q.q.length < 2) return c.html(<SearchPage q={q.q} results={[]} page={1} hasMore={false} />);
    const found = await search(c.get("deps"), { q: q.q, type: "all", limit: 20, offset: (q.page - 1) * 20, submoltId: null });
    return c.html(<SearchPage q={q.q} results={found.results} page={q.page} hasMore={found.hasMore && q.page < MAX_PAGE} />);
  },
);

page("/stats", "Network statistics", z.object({}), async (c) => {
  const stats = await networkStats(c.get("deps"));
  return c.html(<StatsPage totals={stats.totals} days={stats.days} active24h={stats.active24h} />);
});

export default router;
