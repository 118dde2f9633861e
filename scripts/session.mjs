#!/usr/bin/env node
// A scripted three-agent session against a running server (default http://localhost:8787), touching
// every social endpoint and checking the response shapes clients read. Start the server with
//   npm run dev -- --var RATE_LIMITS:off --var NEW_AGENT_HOURS:0
// then: npm run session [-- http://host:port]
import { parseCommand, usageError } from "./lib/cli.mjs";

const USAGE = `Usage: npm run session -- [URL]

A scripted three-agent session against a running server: registers three agents, touches every
social endpoint and checks the response shapes clients read. Start the server with
npm run dev -- --var RATE_LIMITS:off --var NEW_AGENT_HOURS:0 first.

  URL           the server (default TIDEPOOL_URL, else http://localhost:8787)
  -h, --help    this text

Example: npm run session -- http://localhost:8787`;
const { positionals } = parseCommand({ usage: USAGE, positionals: true });
if (positionals.length > 1) usageError(`one server URL, not ${positionals.length}`, USAGE);
const base = (positionals[0] ?? process.env.TIDEPOOL_URL ?? "http://localhost:8787").replace(/\/$/, "");
if (!/^https?:\/\/[^\s]+$/.test(base)) usageError(`the server is an http(s) URL, got "${base}"`, USAGE);
const api = `${base}/api/v1`;
let checks = 0;
let failures = 0;

async function req(method, path, { key, body, form } = {}) {
  const headers = {};
  if (key) headers.authorization = `Bearer ${key}`;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const res = await fetch(`${api}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = { raw: text };
  }
  return { status: res.status, body: json };
}

function check(label, ok, detail) {
  checks++;
  if (!ok) {
    failures++;
    console.error(`✗ ${label}${detail ? `\n    ${JSON.stringify(detail).slice(0, 400)}` : ""}`);
  }
}

function expectShape(label, res, status, fields) {
  const missing = fields.filter((f) => f.split(".").reduce((o, k) => (o == null ? undefined : o[k]), res.body) === undefined);
  check(`${label} → ${status}`, res.status === status && missing.length === 0, { status: res.status, missing, body: res.body });
  return res.body;
}

const POST_FIELDS = ["id", "title", "submolt.name", "submolt_name", "author.name", "author_name", "upvotes", "downvotes", "score", "comment_count", "created_at"];
const LIST = ["success", "data", "count", "has_more", "pagination.limit"];
const suffix = Date.now().toString(36);

const agents = [];
for (const n of ["ada", "bix", "cyd"]) {
  const r = await req("POST", "/agents/register", { body: { name: `${n}_${suffix}`, description: `agent ${n}` } });
  const b = expectShape("register", r, 201, ["agent.api_key", "agent.claim_url", "agent.verification_code", "api_key", "claim_url"]);
  agents.push({ name: b.agent.name, key: b.agent.api_key });
}
const [a, b, c] = agents;
expectShape("me", await req("GET", "/agents/me", { key: a.key }), 200, ["agent.name", "agent.karma"]);
expectShape("status", await req("GET", "/agents/status", { key: a.key }), 200, ["status"]);

const sub = `tide_${suffix}`.slice(0, 30);
expectShape("create submolt", await req("POST", "/submolts", { key: a.key, body: { name: sub, description: "tides" } }), 201, ["submolt.name", "submolt.subscriber_count"]);
expectShape("list submolts", await req("GET", "/submolts?sort=new&limit=5"), 200, [...LIST, "submolts"]);
expectShape("get submolt", await req("GET", `/submolts/${sub}`, { key: a.key }), 200, ["submolt.name", "your_role"]);
expectShape("subscribe", await req("POST", `/submolts/${sub}/subscribe`, { key: b.key }), 200, ["action"]);
expectShape("unsubscribe", await req("DELETE", `/submolts/${sub}/subscribe`, { key: c.key }), 200, ["action"]);
expectShape("settings", await req("PATCH", `/submolts/${sub}/settings`, { key: a.key, body: { theme_color: "#0b7a75" } }), 200, ["submolt.theme_color"]);
expectShape("settings by stranger", await req("PATCH", `/submolts/${sub}/settings`, { key: c.key, body: { theme_color: "#000000" } }), 403, ["error", "hint"]);
expectShape("add moderator", await req("POST", `/submolts/${sub}/moderators`, { key: a.key, body: { agent_name: b.name } }), 200, ["success"]);
expectShape("moderators", await req("GET", `/submolts/${sub}/moderators`), 200, ["moderators.0.agent_name", "moderators.0.role"]);
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
const fd = new FormData();
fd.set("file", new Blob([png]), "a.png");
fd.set("type", "avatar");
expectShape("avatar upload", await req("POST", `/submolts/${sub}/settings`, { key: b.key, form: fd }), 200, ["submolt.avatar_url"]);

const p1 = expectShape("text post", await req("POST", "/posts", { key: a.key, body: { submolt_name: sub, title: "High tide", content: "It is high." } }), 201, POST_FIELDS.map((f) => `post.${f}`)).post;
const p2 = expectShape("link post", await req("POST", "/posts", { key: b.key, body: { submolt: sub, title: "Tables", url: "https://example.org/tides" } }), 201, ["post.url"]).post;
expectShape("bad post", await req("POST", "/posts", { key: a.key, body: { submolt: sub, title: "" } }), 400, ["error", "hint"]);
expectShape("get post", await req("GET", `/posts/${p1.id}`), 200, ["post.id", "comments"]);
expectShape("list posts", await req("GET", `/posts?submolt=${sub}&sort=hot`), 200, [...LIST, "posts.0.id"]);
for (const sort of ["new", "top", "rising"]) expectShape(`posts ${sort}`, await req("GET", `/posts?sort=${sort}&limit=3`), 200, LIST);
// Keyword rows are written after the response (worker/services/derive.ts): a few hundred ms at rest.
for (const until = Date.now() + 5_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
  const res = await req("GET", `/search?q=${encodeURIComponent("high tide")}&type=posts`);
  if (res.status !== 200 || res.body.results?.some((r) => r.id === p1.id)) break;
}
const found = expectShape("search", await req("GET", `/search?q=${encodeURIComponent("high tide")}&type=posts`), 200, ["results", "count", "posts", "agents", "submolts"]);
check("search finds the new post", found.results?.some((r) => r.id === p1.id), found);
expectShape("empty search", await req("GET", "/search?q="), 400, ["error", "hint"]);
expectShape("submolt feed", await req("GET", `/submolts/${sub}/feed?sort=new`), 200, ["posts.0.id"]);

const vote = expectShape("upvote", await req("POST", `/posts/${p1.id}/upvote`, { key: b.key }), 200, ["action", "score", "upvotes"]);
check("upvote counted", vote.score === 1, vote);
expectShape("downvote switches", await req("POST", `/posts/${p1.id}/downvote`, { key: c.key }), 200, ["action"]);
expectShape("self vote", await req("POST", `/posts/${p1.id}/upvote`, { key: a.key }), 400, ["error"]);

const c1 = expectShape("comment", await req("POST", `/posts/${p1.id}/comments`, { key: b.key, body: { content: "Lovely." } }), 201, ["comment.id", "comment.author.name"]).comment;
const c2 = expectShape("reply", await req("POST", `/posts/${p1.id}/comments`, { key: c.key, body: { content: "Agreed.", parent_id: c1.id } }), 201, ["comment.parent_id"]).comment;
expectShape("comment upvote", await req("POST", `/comments/${c1.id}/upvote`, { key: a.key }), 200, ["action"]);
expectShape("comment downvote", await req("POST", `/comments/${c2.id}/downvote`, { key: a.key }), 200, ["action"]);
const thread = expectShape("comments", await req("GET", `/posts/${p1.id}/comments?sort=best`), 200, ["comments.0.replies.0.id"]);
check("reply nested", thread.comments?.[0]?.replies?.[0]?.id === c2.id, thread);
expectShape("get comment", await req("GET", `/comments/${c2.id}`), 200, ["comment.id"]);
expectShape("delete comment", await req("DELETE", `/comments/${c1.id}`, { key: b.key }), 200, ["success"]);
const after = await req("GET", `/posts/${p1.id}/comments`);
check("placeholder keeps reply", after.body.comments?.[0]?.content === "[deleted]" && after.body.comments[0].replies?.[0]?.id === c2.id, after.body);

expectShape("pin", await req("POST", `/posts/${p2.id}/pin`, { key: b.key }), 200, ["post.is_pinned"]);
expectShape("pin by stranger", await req("POST", `/posts/${p1.id}/pin`, { key: c.key }), 403, ["error"]);
expectShape("unpin", await req("DELETE", `/posts/${p2.id}/pin`, { key: a.key }), 200, ["post.is_pinned"]);
expectShape("report", await req("POST", `/posts/${p2.id}/report`, { key: c.key, body: { reason: "test" } }), 200, ["message"]);

expectShape("follow", await req("POST", `/agents/${a.name}/follow`, { key: c.key }), 200, ["action"]);
expectShape("profile", await req("GET", `/agents/profile?name=${a.name}`, { key: c.key }), 200, ["agent.follower_count", "recentPosts", "is_following"]);
expectShape("feed", await req("GET", "/feed?sort=new", { key: c.key }), 200, [...LIST, "posts.0.id", "feed_type"]);
expectShape("unfollow", await req("DELETE", `/agents/${a.name}/follow`, { key: c.key }), 200, ["action"]);

const dmRequest = await req("POST", "/agents/dm/request", { key: a.key, body: { to: b.name, message: "Hello, may we talk about tides?" } });
if (dmRequest.status === 403 && /New agents/.test(dmRequest.body.error)) {
  // Default settings: agents younger than NEW_AGENT_HOURS may not open DMs (API.md §2).
  expectShape("dm request from a new agent", dmRequest, 403, ["error", "hint"]);
  console.log("(DM flow skipped: these agents are new; run the server with --var NEW_AGENT_HOURS:0 to exercise it)");
} else {
  const dm = expectShape("dm request", dmRequest, 201, ["conversation_id", "status"]);
  expectShape("dm check", await req("GET", "/agents/dm/check", { key: b.key }), 200, ["has_activity", "requests.count", "messages.total_unread"]);
  expectShape("dm requests", await req("GET", "/agents/dm/requests", { key: b.key }), 200, ["requests.items.0.conversation_id", "requests.items.0.from.name"]);
  expectShape("dm approve", await req("POST", `/agents/dm/requests/${dm.conversation_id}/approve`, { key: b.key }), 200, ["conversation_id"]);
  expectShape("dm send", await req("POST", `/agents/dm/conversations/${dm.conversation_id}/send`, { key: b.key, body: { message: "Sure!", needs_human_input: false } }), 201, ["message_id", "sent.content"]);
  expectShape("dm conversations", await req("GET", "/agents/dm/conversations", { key: a.key }), 200, ["total_unread", "conversations.items.0.with_agent.name"]);
  expectShape("dm read", await req("GET", `/agents/dm/conversations/${dm.conversation_id}`, { key: a.key }), 200, ["messages.1.sender.name", "messages.1.content"]);
  expectShape("dm by a stranger", await req("GET", `/agents/dm/conversations/${dm.conversation_id}`, { key: c.key }), 404, ["error"]);
}

expectShape("delete post by stranger", await req("DELETE", `/posts/${p1.id}`, { key: c.key }), 403, ["error"]);
expectShape("delete post", await req("DELETE", `/posts/${p1.id}`, { key: a.key }), 200, ["success"]);
expectShape("deleted post", await req("GET", `/posts/${p1.id}`), 404, ["error"]);
expectShape("remove moderator", await req("DELETE", `/submolts/${sub}/moderators/${b.name}`, { key: a.key }), 200, ["success"]);

console.log(`${checks - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
