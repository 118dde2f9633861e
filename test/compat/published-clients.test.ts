// API.md §11, row by row: the request a published Moltbook client sends, replayed as it sends it
// (headers and body included), and the fields that client then reads, in the types its parser
// needs. A response that loses or retypes one of those fields fails here, naming the client.
import { beforeAll, describe, expect, it } from "vitest";
import { call, freshIp, imageForm, makeComment, makePost, makeSubmolt, PNG, register, uniqueName, withEnv, type Called, type Registered } from "../helpers";
import { solve } from "../domain/solve-challenge";
import { expectOneNamePerField, expectReads, type Reads } from "./reads";

/** moltbook-http-mcp 1.1.1 sends a JSON content type on every request and `{}` as a bodiless POST's body. */
const MCP = { "content-type": "application/json" };
/** ralfrosenkranz/moltbook-java-client (OkHttp) posts a null body as zero bytes typed JSON. */
const JAVA_EMPTY = { headers: { "content-type": "application/json; charset=utf-8" }, raw: "" };

/** kelexine/moltbook-cli 0.7.13 (Rust, serde): the fields its structs require, and their types. */
const RUST_POST: Reads = {
  "id": "string",
  "title": "string",
  "content": "string?",
  "url": "string?",
  "upvotes": "number",
  "downvotes": "number",
  "comment_count": "number?",
  "created_at": "string",
  "author.name": "string",
  "submolt.name": "string",
  "submolt.display_name": "string",
  "submolt_name": "string?",
  "score": "number?",
};
const prefixed = (prefix: string, reads: Reads): Reads => Object.fromEntries(Object.entries(reads).map(([k, v]) => [`${prefix}.${k}`, v]));

let author: Registered;
let reader: Registered;
let submolt: string;
let post: { id: string; title: string };
let conversation: string;
const word = uniqueName("barnacle").replace(/_/g, "");

beforeAll(async () => {
  author = await register(uniqueName("Reef-Writer"));
  reader = await register();
  submolt = (await makeSubmolt(author)).name;
  post = await makePost(author, submolt, { title: `Counting ${word} on the pier`, content: `The ${word} colony doubled.` });
  await makeComment(reader, post.id, `How many ${word} per square metre?`);
  await call("POST", `/api/v1/posts/${post.id}/upvote`, { token: reader.apiKey });
  const req = await call("POST", "/api/v1/agents/dm/request", { token: reader.apiKey, body: { to: author.name, message: "Could we compare barnacle counts?" } });
  conversation = req.body.conversation_id;
  // Left pending, so the reader's inbox has a request to read.
  await call("POST", "/api/v1/agents/dm/request", { token: (await register()).apiKey, body: { to: reader.name, message: "A request left pending for the inbox." } });
  await call("POST", `/api/v1/agents/dm/requests/${conversation}/approve`, { token: author.apiKey });
  await call("POST", `/api/v1/agents/dm/conversations/${conversation}/send`, { token: author.apiKey, body: { message: "Gladly, mine are on the north pier." } });
});

const ok = (res: Called, status = 200) => expect(res.status, res.text).toBe(status);

describe("register", () => {
  it("most clients (moltbook-http-mcp, JS SDK) read agent.api_key; elizaOS reads the top-level copies; the Rust CLI needs success and agent.*", async () => {
    const res = await call("POST", "/api/v1/agents/register", { headers: MCP, body: { name: uniqueName("Tide-Pool"), description: "compat" } });
    ok(res, 201);
    expectReads(res.body, { "agent.api_key": "string", "agent.claim_url": "string", "agent.verification_code": "string" });
    expectReads(res.body, { api_key: "string", id: "string", name: "string", claim_url: "string", claim_status: "string" });
    expectReads(res.body, { success: "boolean", "agent.name": "string", "agent.id": "string", "agent.profile_url": "string", "agent.created_at": "string", status: "string" });
    // Names keep their case and may hold "-" (the OSS server lower-cases and forbids it).
    expect(res.body.agent.name).toMatch(/^Tide-Pool_/);
  });
});

describe("lists", () => {
  it("the JS SDK reads data and pagination (OSS) from GET /posts", async () => {
    const res = await call("GET", "/api/v1/posts?sort=new&limit=25", { headers: MCP });
    ok(res);
    expectReads(res.body, { "data[].id": "string", "data[].title": "string", "pagination.count": "number", "pagination.limit": "number", "pagination.offset": "number", "pagination.hasMore": "boolean" });
  });

  it("the Rust CLI needs success and posts[] as strict Post structs from GET /posts and GET /feed", async () => {
    const listing = await call("GET", `/api/v1/posts?sort=hot&limit=25&submolt=${submolt}`, { token: reader.apiKey });
    ok(listing);
    expectReads(listing.body, { success: "boolean", has_more: "boolean", next_cursor: "string?", ...prefixed("posts[]", RUST_POST) });
    await call("POST", `/api/v1/submolts/${submolt}/subscribe`, { token: reader.apiKey });
    const feed = await call("GET", "/api/v1/feed?sort=new&limit=25", { token: reader.apiKey });
    ok(feed);
    expectReads(feed.body, { success: "boolean", feed_type: "string?", ...prefixed("posts[]", RUST_POST) });
    const inSubmolt = await call("GET", `/api/v1/submolts/${submolt}/feed?sort=new`, { token: reader.apiKey });
    expectReads(inSubmolt.body, { has_more: "boolean", ...prefixed("posts[]", RUST_POST) });
  });

  it("the Rust CLI reads submolts[] with name and display_name; the Java client items or posts", async () => {
    const subs = await call("GET", "/api/v1/submolts", { token: reader.apiKey });
    ok(subs);
    expectReads(subs.body, { "submolts[].name": "string", "submolts[].display_name": "string", "submolts[].subscriber_count": "number?", "data[].name": "string" });
    const java = await call("GET", "/api/v1/posts?sort=new&limit=10&offset=0");
    expectReads(java.body, { "posts[].id": "string", "posts[].created_at": "string", "posts[].score": "number", "posts[].comment_count": "number", count: "number" });
  });
});

describe("post.submolt and author", () => {
  it("live clients read objects; OSS clients the flat submolt_name and author_name", async () => {
    const res = await call("GET", `/api/v1/posts/${post.id}`, { headers: MCP });
    ok(res);
    expectReads(res.body, prefixed("post", RUST_POST));
    expectReads(res.body, { "post.submolt_name": "string", "post.author_name": "string", "post.author.id": "string", "post.submolt.id": "string" });
    expectReads(res.body, { "comments[].id": "string", "comments[].content": "string", "comments[].author.name": "string", "comments[].created_at": "string", "comments[].replies": "array" });
  });
});

describe("search", () => {
  it("the Rust CLI reads results[] as strict SearchResult structs", async () => {
    const res = await call("GET", `/api/v1/search?q=${word}&type=all&limit=10`, { token: reader.apiKey });
    ok(res);
    expectReads(res.body, {
      "results[].id": "string",
      "results[].type": "string",
      "results[].title": "string?",
      "results[].content": "string?",
      "results[].upvotes": "number",
      "results[].downvotes": "number",
      "results[].similarity": "number?",
      "results[].author.name": "string",
      "results[].post_id": "string?",
      count: "number",
      has_more: "boolean",
    });
    expectOneNamePerField(res.body, "results[]", [["similarity", "relevance"]]);
  });

  it("the Java client and the OSS server read the top-level posts, agents and submolts", async () => {
    const res = await call("GET", `/api/v1/search?q=${word}&limit=20`);
    ok(res);
    expectReads(res.body, { "posts[].id": "string", "posts[].title": "string", "posts[].author.name": "string", "posts[].created_at": "string", agents: "array", submolts: "array" });
    const names = await call("GET", `/api/v1/search?q=${encodeURIComponent(author.name.slice(0, 10))}`);
    expectReads(names.body, { "agents[].id": "string", "agents[].name": "string", "agents[].description": "string", "agents[].karma": "number", "agents[].created_at": "string" });
  });

  it("a published CLI's type=users is answered with the agents it asked for, not a 400", async () => {
    const res = await call("GET", `/api/v1/search?q=${encodeURIComponent(author.name)}&type=users`, { token: reader.apiKey });
    ok(res);
    expectReads(res.body, { "results[].id": "string", "results[].type": "string", "results[].author.name": "string", "agents[].name": "string" });
    expect(res.body.agents[0].name).toBe(author.name);
  });
});

describe("challenge", () => {
  const challenged = withEnv({ VERIFICATION: "all" });

  it("the Rust CLI reads the top-level verification, then verifies with the code and challenge_text it found", async () => {
    const res = await challenged("POST", "/api/v1/posts", { token: author.apiKey, body: { submolt_name: submolt, title: uniqueName("held") } });
    ok(res, 201);
    expectReads(res.body, {
      verification_required: "boolean",
      "verification.verification_code": "string",
      "verification.challenge_text": "string",
      "verification.instructions": "string",
      "verification.verify_endpoint": "string",
      "verification.expires_at": "string",
      ...prefixed("post", { id: "string", title: "string", upvotes: "number", downvotes: "number", created_at: "string", "author.name": "string" }),
    });
    // serde aliases code ↔ verification_code and challenge ↔ challenge_text inside the verification object.
    expectOneNamePerField(res.body, "verification", [["code", "verification_code"], ["challenge", "challenge_text"]]);
    const v = await challenged("POST", "/api/v1/verify", { token: author.apiKey, body: { verification_code: res.body.verification.verification_code, answer: solve(res.body.verification.challenge_text) } });
    ok(v);
    expectReads(v.body, { success: "boolean", content_type: "string", "post.id": "string" });
  });

  it("moltbook-verify reads comment.verification; terminalcraft the top-level verification_code and challenge", async () => {
    const res = await challenged("POST", `/api/v1/posts/${post.id}/comments`, { token: reader.apiKey, body: { content: uniqueName("a held reply") } });
    ok(res, 201);
    expectReads(res.body, { "comment.verification.challenge_text": "string", "comment.verification.verification_code": "string", verification_code: "string", challenge: "string" });
  });
});

describe("misc", () => {
  it("moderators carry both name and agent_name; the MCP removes one with a JSON body on DELETE", async () => {
    const mod = await register();
    ok(await call("POST", `/api/v1/submolts/${submolt}/moderators`, { token: author.apiKey, headers: MCP, body: { agent_name: mod.name, role: "moderator" } }));
    const list = await call("GET", `/api/v1/submolts/${submolt}/moderators`, { headers: MCP });
    expectReads(list.body, { "moderators[].name": "string", "moderators[].agent_name": "string", "moderators[].role": "string" });
    ok(await call("DELETE", `/api/v1/submolts/${submolt}/moderators`, { token: author.apiKey, headers: MCP, body: { agent_name: mod.name } }));
  });

  it("the MCP uploads through /settings with a type field", async () => {
    const res = await call("POST", `/api/v1/submolts/${submolt}/settings`, { token: author.apiKey, raw: imageForm(PNG, { type: "avatar" }) });
    ok(res);
    expectReads(res.body, { "submolt.avatar_url": "string", "submolt.name": "string" });
  });

  it("the Java client reads claimed and verified from /agents/status", async () => {
    const res = await call("GET", "/api/v1/agents/status", { token: reader.apiKey });
    ok(res);
    // The claim link is stored only as a hash, so it is not shown again here (POST /agents/me/claim-link
    // issues a new one); the Java client's fields for it are nullable.
    expectReads(res.body, { claimed: "boolean", verified: "boolean", status: "string", verification_code: "string?", claim_url: "string?" });
  });

  it.each(["top", "controversial", "best", "old", "new"])("comments sort=%s answers the list clients read", async (sort) => {
    const res = await call("GET", `/api/v1/posts/${post.id}/comments?sort=${sort}`, { headers: MCP });
    ok(res);
    expectReads(res.body, { "comments[].id": "string", "comments[].author.name": "string", count: "number", has_more: "boolean" });
  });

  it("the Java client votes with an empty JSON body and reads success and action; the MCP sends {}", async () => {
    const voter = await register();
    const java = await call("POST", `/api/v1/posts/${post.id}/downvote`, { token: voter.apiKey, ...JAVA_EMPTY });
    ok(java);
    expectReads(java.body, { success: "boolean", action: "string", score: "number", "author.name": "string" });
    const mcp = await call("POST", `/api/v1/posts/${post.id}/upvote`, { token: voter.apiKey, headers: MCP, body: {} });
    ok(mcp);
    expect(mcp.body.action).toBe("changed");
  });
});

describe("deletes and errors", () => {
  it("the CLI parses a delete's JSON answer", async () => {
    const doomed = await makePost(author, submolt, { title: uniqueName("short-lived") });
    const res = await call("DELETE", `/api/v1/posts/${doomed.id}`, { token: author.apiKey, headers: MCP });
    ok(res);
    expectReads(res.body, { success: "boolean", message: "string" });
  });

  it("the MCP reads error or message, the JS SDK message, the CLI error and hint", async () => {
    const res = await call("GET", "/api/v1/posts/00000000-0000-7000-8000-000000000000", { headers: MCP });
    expect(res.status).toBe(404);
    expectReads(res.body, { success: "boolean", error: "string", message: "string", hint: "string" });
    expect(res.body.error).toBe("Post not found");
  });

  it("the CLI reads retry_after_minutes and retry_after_seconds from a post cooldown", async () => {
    const limited = withEnv({ RATE_LIMITS: "on", NEW_AGENT_HOURS: "0" });
    const ip = freshIp();
    const res = await limited("POST", "/api/v1/agents/register", { body: { name: uniqueName("cooldown") }, ip });
    const key = res.body.agent.api_key;
    ok(await limited("POST", "/api/v1/posts", { token: key, ip, body: { submolt_name: "general", title: uniqueName("first") } }), 201);
    const second = await limited("POST", "/api/v1/posts", { token: key, ip, body: { submolt_name: "general", title: uniqueName("second") } });
    expect(second.status).toBe(429);
    expectReads(second.body, { error: "string", hint: "string", retry_after_minutes: "number", retry_after_seconds: "number", retryAfter: "number" });
  });
});

describe("post body", () => {
  it.each([
    ["the MCP's submolt + content", { submolt: "general", title: "via mcp", content: "body" }],
    ["live's title-only submolt_name", { submolt_name: "general", title: "title only" }],
    ["an OSS link post", { submolt: "general", title: "a link", url: "https://example.org/tides" }],
  ])("accepts %s", async (_label, body) => {
    const writer = await register();
    const res = await call("POST", "/api/v1/posts", { token: writer.apiKey, headers: MCP, body: { ...body, title: `${body.title} ${uniqueName()}` } });
    ok(res, 201);
    expectReads(res.body, { success: "boolean", ...prefixed("post", RUST_POST) });
  });
});

describe("strict types", () => {
  it("the Rust CLI reads /agents/me and /agents/profile as its Agent struct", async () => {
    const me = await call("GET", "/api/v1/agents/me", { token: reader.apiKey });
    expectReads(me.body, { "agent.id": "string", "agent.name": "string", "agent.karma": "number?", "agent.follower_count": "number?", "agent.is_claimed": "boolean", "agent.created_at": "string" });
    expectOneNamePerField(me.body, "agent", [["follower_count", "followerCount"], ["is_claimed", "isClaimed"], ["created_at", "createdAt"], ["avatar_url", "avatarUrl"]]);
    const profile = await call("GET", `/api/v1/agents/profile?name=${author.name}`, { token: reader.apiKey });
    expectReads(profile.body, { "agent.id": "string", "agent.name": "string", is_following: "boolean", isFollowing: "boolean", "recentPosts[].id": "string" });
  });

  it("the Rust CLI reads DM requests, conversations and messages with one name per field", async () => {
    const check = await call("GET", "/api/v1/agents/dm/check", { token: reader.apiKey });
    expectReads(check.body, { has_activity: "boolean", "requests.items[].from.name": "string", "requests.items[].conversation_id": "string", "messages.total_unread": "number" });
    const requests = await call("GET", "/api/v1/agents/dm/requests", { token: reader.apiKey });
    expectReads(requests.body, { "requests.items[].from.name": "string", "requests.items[].conversation_id": "string", "requests.items[].message_preview": "string?" });
    const list = await call("GET", "/api/v1/agents/dm/conversations", { token: reader.apiKey });
    expectReads(list.body, { total_unread: "number", "conversations.items[].conversation_id": "string", "conversations.items[].with_agent.name": "string", "conversations.items[].unread_count": "number", "conversations.items[].you_initiated": "boolean", "conversations.items[].status": "string" });
    const read = await call("GET", `/api/v1/agents/dm/conversations/${conversation}`, { token: reader.apiKey });
    ok(read);
    expectReads(read.body, { "messages[].id": "string", "messages[].sender.name": "string", "messages[].content": "string", "messages[].needs_human_input": "boolean", "messages[].created_at": "string" });
    expectOneNamePerField(read.body, "messages[]", [["sender", "from_agent"], ["content", "message"], ["created_at", "createdAt"]]);
  });

  it("submolts never carry created_by: a string in the Java client, an object in the CLI", async () => {
    const res = await call("GET", `/api/v1/submolts/${submolt}`, { token: reader.apiKey });
    ok(res);
    expectReads(res.body, { "submolt.name": "string", "submolt.display_name": "string", "submolt.created_by": "absent", your_role: "string?" });
  });
});
