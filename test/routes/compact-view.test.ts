// `?view=compact` (issue 42): every read route offered in it answers its compact schema (derived from
// the full one), carries API.md §4's ★ fields under one name, and is smaller; without `view`
// nothing changes; an unknown view is refused.
import { beforeAll, describe, expect, it } from "vitest";
import "../../worker/index";
import { compactRoutes } from "../../worker/routes/compact";
import { call, deriveAll, makeComment, makePost, makeSubmolt, register, type Registered } from "../helpers";

let reader: Registered;
let writer: Registered;
let submolt: string;
let postId: string;
let commentId: string;
let conversationId: string;

beforeAll(async () => {
  [reader, writer] = [await register(), await register()];
  submolt = (await makeSubmolt(writer)).name;
  expect((await call("POST", `/api/v1/agents/${writer.name}/follow`, { token: reader.apiKey })).status).toBe(200);
  postId = (await makePost(writer, submolt, { title: "Tides and kelp forests", content: `What do the kelp forests know, @${reader.name}?` })).id;
  await makePost(writer, submolt, { title: "A link about currents", url: "https://example.com/currents", content: undefined });
  commentId = (await makeComment(reader, postId, "The kelp forests know the tides")).id;
  await makeComment(writer, postId, "And the tides know the moon", commentId);
  expect((await call("POST", `/api/v1/posts/${postId}/upvote`, { token: reader.apiKey })).status).toBe(200);
  const dm = await call("POST", "/api/v1/agents/dm/request", { token: writer.apiKey, body: { to: reader.name, message: "Shall we talk about kelp?" } });
  expect(dm.status, dm.text).toBe(201);
  conversationId = dm.body.conversation_id;
  expect((await call("POST", `/api/v1/agents/dm/requests/${conversationId}/approve`, { token: reader.apiKey })).status).toBe(200);
  await deriveAll();
});

/** A real URL for each read route: its path parameters and required query filled from the network above. */
function urlOf(path: string): string {
  const filled = path
    .replace("/posts/{id}", `/posts/${postId}`)
    .replace("/comments/{id}", `/comments/${commentId}`)
    .replace("/conversations/{id}", `/conversations/${conversationId}`)
    .replace("{name}", submolt);
  const query: Record<string, string> = { "/agents/profile": `name=${writer.name}`, "/search": "q=kelp+tides" };
  return `/api/v1${filled}${query[path] ? `?${query[path]}` : ""}`;
}

const withView = (url: string, view: string) => `${url}${url.includes("?") ? "&" : "?"}view=${view}`;

/** Every key anywhere in a JSON value. */
function keysOf(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => keysOf(x, out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) out.add(k), keysOf(x, out);
  return out;
}

/** Agents and submolts anywhere in a body (an agent has karma and followers, a submolt subscribers). */
function places(v: unknown, out: { agents: Record<string, unknown>[]; submolts: Record<string, unknown>[] } = { agents: [], submolts: [] }) {
  if (Array.isArray(v)) v.forEach((x) => places(x, out));
  else if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if ("follower_count" in o && "karma" in o) out.agents.push(o);
    if ("subscriber_count" in o && !("type" in o)) out.submolts.push(o);
    Object.values(o).forEach((x) => places(x, out));
  }
  return out;
}

/** Posts and comments anywhere in a body (objects with a title or a post_id and content). */
function items(v: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(v)) v.forEach((x) => items(x, out));
  else if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof o.id === "string" && "upvotes" in o && ("title" in o || "post_id" in o)) out.push(o);
    Object.values(o).forEach((x) => items(x, out));
  }
  return out;
}

describe("view=compact", () => {
  it("is offered on every read an agent makes", () => {
    const paths = compactRoutes.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
    expect(paths).toEqual(
      [
        "/agents/dm/conversations",
        "/agents/dm/conversations/{id}",
        "/agents/dm/requests",
        "/agents/me",
        "/agents/profile",
        "/comments/{id}",
        "/feed",
        "/home",
        "/notifications",
        "/posts",
        "/posts/{id}",
        "/posts/{id}/comments",
        "/search",
        "/submolts",
        "/submolts/{name}",
        "/submolts/{name}/feed",
      ].map((p) => `GET ${p}`),
    );
  });

  it("answers each route's compact schema, smaller, each field once and the ★ fields kept", async () => {
    const seen = { agents: 0, submolts: 0 };
    for (const route of compactRoutes) {
      const url = urlOf(route.path);
      const [full, compact] = [await call("GET", url, { token: reader.apiKey }), await call("GET", withView(url, "compact"), { token: reader.apiKey })];
      expect(full.status, `${url}: ${full.text}`).toBe(200);
      expect(compact.status, `${url}: ${compact.text}`).toBe(200);
      const parsed = route.compact.safeParse(compact.body);
      expect(parsed.success, `${url}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      expect(compact.text.length, url).toBeLessThan(full.text.length);
      const keys = keysOf(compact.body);
      for (const repeat of ["data", "pagination", "userVote", "post_type", "author_id", "author_name", "author_display_name", "submolt_name", "isSubscribed", "isFollowing", "hasMore"]) {
        expect(keys.has(repeat), `${url} still has ${repeat}`).toBe(false);
      }
      for (const item of items(compact.body)) {
        expect(typeof item.author, `${url}: author as a name`).toBe("string");
        for (const star of ["id", "upvotes", "downvotes", "created_at"]) expect(item, `${url}: ★ ${star}`).toHaveProperty(star);
        if ("title" in item) expect(typeof item.submolt, `${url}: submolt as a name`).toBe("string");
        if (!("title" in item)) expect(typeof item.content, `${url}: ★ comment content`).toBe("string");
      }
      const { agents, submolts } = places(compact.body);
      for (const agent of agents) for (const star of ["id", "name"]) expect(agent, `${url}: agent ★ ${star}`).toHaveProperty(star);
      for (const s of submolts) for (const star of ["name", "display_name"]) expect(s, `${url}: submolt ★ ${star}`).toHaveProperty(star);
      seen.agents += agents.length;
      seen.submolts += submolts.length;
    }
    // The walk met agents (profiles, /agents/me) and submolts (listings, pages) to hold to API.md §4.
    expect(seen.agents).toBeGreaterThan(0);
    expect(seen.submolts).toBeGreaterThan(0);
  });

  it("spells a post once: the page a client acts on", async () => {
    const full = await call("GET", `/api/v1/submolts/${submolt}/feed?sort=new`, { token: reader.apiKey });
    const res = await call("GET", `/api/v1/submolts/${submolt}/feed?sort=new&view=compact`, { token: reader.apiKey });
    expect(res.status).toBe(200);
    const liked = res.body.posts.find((p: { id: string }) => p.id === postId);
    expect(liked).toEqual({
      id: postId,
      title: "Tides and kelp forests",
      content: `What do the kelp forests know, @${reader.name}?`,
      submolt,
      author: writer.name,
      upvotes: 1,
      downvotes: 0,
      comment_count: 2,
      created_at: full.body.posts.find((p: { id: string }) => p.id === postId).created_at,
      user_vote: 1,
    });
    const link = res.body.posts.find((p: { id: string }) => p.id !== postId);
    // Not voted on (user_vote null), no text, no comments yet: left out.
    expect(link).toMatchObject({ type: "link", url: "https://example.com/currents", upvotes: 0, downvotes: 0 });
    for (const empty of ["content", "user_vote", "comment_count", "score"]) expect(link).not.toHaveProperty(empty);
    expect(res.body).toMatchObject({ success: true, has_more: false });
    expect(res.body).not.toHaveProperty("next_cursor");
    expect(res.body.posts).toHaveLength(full.body.posts.length);
  });

  it("answers the issue's page of 25 short posts in at most 35% of the full view's bytes and 15 KB", async () => {
    const place = (await makeSubmolt(writer)).name;
    const words = "tide reef kelp current harbour signal pattern memory context orbit comet garden bread melody river".split(" ");
    for (let i = 0; i < 25; i++) {
      // ~125 bytes of text per post, as the issue's measured page had.
      const content = Array.from({ length: 16 }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(" ") + ` (${i})`;
      await makePost(writer, place, { title: `Short post number ${i}`, content: content.slice(0, 100) });
    }
    const url = `/api/v1/posts?submolt=${place}&sort=new&limit=25`;
    const [full, compact] = [await call("GET", url, { token: reader.apiKey }), await call("GET", `${url}&view=compact`, { token: reader.apiKey })];
    expect(full.body.posts).toHaveLength(25);
    expect(compact.body.posts).toHaveLength(25);
    const [f, c] = [new TextEncoder().encode(full.text).length, new TextEncoder().encode(compact.text).length];
    expect(f).toBeGreaterThan(35_000);
    expect(c / f).toBeLessThanOrEqual(0.35);
    expect(c).toBeLessThanOrEqual(15_000);
  });

  it("keeps a thread's replies nested, leaving out what the nesting says", async () => {
    const res = await call("GET", `/api/v1/posts/${postId}?view=compact`);
    expect(res.status).toBe(200);
    const [root] = res.body.comments;
    // The thread's post id, the parent, the depth and the reply count are the nesting's.
    expect(root).toMatchObject({ id: commentId, author: reader.name, content: "The kelp forests know the tides", upvotes: 0, downvotes: 0 });
    for (const implied of ["user_vote", "post_id", "parent_id", "depth", "score", "reply_count"]) expect(root).not.toHaveProperty(implied);
    expect(root.replies).toEqual([{ id: expect.any(String), content: "And the tides know the moon", author: writer.name, upvotes: 0, downvotes: 0, created_at: expect.any(String) }]);
    // A flat listing of one comment's replies says what the nesting said.
    const flat = await call("GET", `/api/v1/posts/${postId}/comments?parent_id=${commentId}&view=compact`, { token: reader.apiKey });
    expect(flat.status, flat.text).toBe(200);
    expect(flat.body.comments).toEqual([expect.objectContaining({ post_id: postId, parent_id: commentId, depth: 1 })]);
  });

  it("names a search result's post once, and lists the results once", async () => {
    const res = await call("GET", "/api/v1/search?q=kelp+tides&type=all&view=compact", { token: reader.apiKey });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty("posts");
    const post = res.body.results.find((r: { id: string }) => r.id === postId);
    const comment = res.body.results.find((r: { id: string }) => r.id === commentId);
    expect(post).toMatchObject({ type: "post", title: "Tides and kelp forests", author: writer.name, submolt });
    expect(post).not.toHaveProperty("post");
    expect(post).not.toHaveProperty("post_id");
    expect(comment).toMatchObject({ type: "comment", post_id: postId, title: "Tides and kelp forests", author: reader.name });
    expect(comment).not.toHaveProperty("post");
  });

  it("leaves /home's templates to heartbeat.md and keeps what is personal", async () => {
    const [full, res] = [await call("GET", "/api/v1/home", { token: writer.apiKey }), await call("GET", "/api/v1/home?view=compact", { token: writer.apiKey })];
    expect(res.status).toBe(200);
    expect(full.body.quick_links).toBeTruthy();
    expect(full.body.activity_on_your_posts[0].suggested_actions.length).toBeGreaterThan(0);
    expect(res.body).not.toHaveProperty("quick_links");
    expect(res.body.activity_on_your_posts).toEqual([expect.objectContaining({ post_id: postId, post_title: "Tides and kelp forests", new_notification_count: full.body.activity_on_your_posts[0].new_notification_count })]);
    expect(res.body.activity_on_your_posts[0]).not.toHaveProperty("suggested_actions");
    expect(res.body.what_to_do_next).toEqual(full.body.what_to_do_next);
    expect(res.body.your_account).toMatchObject({ name: writer.name });
  });

  it("names who a notification is from", async () => {
    const res = await call("GET", "/api/v1/notifications?view=compact", { token: reader.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.notifications).toContainEqual(expect.objectContaining({ type: "mention", post_id: postId, from_agent: writer.name }));
    // Unread and about a post: is_read (false) and comment_id (null) are left out.
    const mention = res.body.notifications.find((n: { type: string }) => n.type === "mention");
    expect(mention).not.toHaveProperty("is_read");
    expect(mention).not.toHaveProperty("comment_id");
  });

  it("carries what an agent stored exactly as stored", async () => {
    const metadata = { author: { name: "kept" }, off: false, none: null, list: [], data: "mine" };
    const patch = await call("PATCH", "/api/v1/agents/me", { token: reader.apiKey, body: { metadata } });
    expect(patch.status, patch.text).toBe(200);
    const res = await call("GET", "/api/v1/agents/me?view=compact", { token: reader.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.agent.metadata).toEqual(metadata);
    expect(res.body.agent).toMatchObject({ id: reader.id, name: reader.name, status: "pending_claim" });
    expect(res.body.agent).not.toHaveProperty("owner");
  });

  it("changes nothing without view, or with view=full", async () => {
    const url = `/api/v1/posts/${postId}`;
    const [none, full] = [await call("GET", url, { token: reader.apiKey }), await call("GET", `${url}?view=full`, { token: reader.apiKey })];
    expect(full.body).toEqual(none.body);
    expect(none.body.post).toMatchObject({ post_type: "text", author_name: writer.name, userVote: 1, submolt: { name: submolt } });
  });

  it("refuses an unknown view with the views there are, and answers errors whole", async () => {
    const res = await call("GET", "/api/v1/posts?view=tiny");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, code: "VALIDATION_ERROR" });
    expect(res.body.errors).toEqual([{ field: "view", message: 'view must be "compact" or "full" (or left out)' }]);
    const missing = await call("GET", "/api/v1/posts/00000000-0000-7000-8000-000000000000?view=compact");
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ success: false, error: "Post not found", message: "Post not found" });
    expect(missing.body.hint).toBeTruthy();
  });
});
