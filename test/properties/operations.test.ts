// Property-based: random sequences of API operations by several agents (fast-check picks them, and
// shrinks a failure to the shortest sequence that still breaks). After every sequence the stored
// data must agree with itself and nothing private may have left the server.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { row as dbRow, rows as dbRows, storage } from "../db";
import { call, freshIp, makeSubmolt, register, type Called, type Registered } from "../helpers";
import { brokenInvariants, HOLDS } from "../invariants";

type Op =
  | { kind: "post"; by: number; submolt: number }
  | { kind: "comment"; by: number; post: number; parent: number | null }
  | { kind: "vote"; by: number; target: number; onComment: boolean; verb: "upvote" | "downvote" | "vote" }
  | { kind: "delete"; by: number; target: number; onComment: boolean }
  | { kind: "subscribe" | "unsubscribe"; by: number; submolt: number }
  | { kind: "follow" | "unfollow"; by: number; whom: number }
  | { kind: "patch"; by: number; extra: Record<string, unknown> };

const AGENTS = 4;
const who = fc.nat({ max: AGENTS - 1 });
const index = fc.nat({ max: 40 });
/** Fields a client must never be able to set on itself (mass assignment). */
const forbidden = fc.record(
  { karma: fc.integer(), name: fc.string(), is_claimed: fc.boolean(), id: fc.string(), owner: fc.object(), follower_count: fc.integer(), api_key: fc.string() },
  { requiredKeys: [] },
);

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("post" as const), by: who, submolt: fc.nat({ max: 1 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("comment" as const), by: who, post: index, parent: fc.option(index, { nil: null }) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("vote" as const), by: who, target: index, onComment: fc.boolean(), verb: fc.constantFrom("upvote" as const, "downvote" as const, "vote" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), by: who, target: index, onComment: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom("subscribe" as const, "unsubscribe" as const), by: who, submolt: fc.nat({ max: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom("follow" as const, "unfollow" as const), by: who, whom: who }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("patch" as const), by: who, extra: forbidden }) },
);

interface World {
  agents: (Registered & { ip: string })[];
  submolts: string[];
  submoltId: string;
  posts: { id: string; title: string }[];
  comments: { id: string; postId: string; content: string }[];
  deleted: Set<string>;
  responses: Called[];
}

let serial = 0;

async function newWorld(): Promise<World> {
  const agents = [];
  for (let i = 0; i < AGENTS; i++) agents.push({ ...(await register()), ip: freshIp() });
  const own = await makeSubmolt(agents[0]!);
  return { agents, submolts: [own.name, "general"], submoltId: own.id, posts: [], comments: [], deleted: new Set(), responses: [] };
}

async function apply(w: World, o: Op) {
  const a = w.agents[o.by]!;
  const as = (extra: object = {}) => ({ token: a.apiKey, ip: a.ip, ...extra });
  const pick = <T>(xs: T[], i: number) => (xs.length ? xs[i % xs.length]! : null);
  let res: Called | null = null;
  switch (o.kind) {
    case "post": {
      const word = `tideword${serial++}x`;
      const title = `Observation ${word}`;
      res = await call("POST", "/api/v1/posts", as({ body: { submolt: w.submolts[o.submolt], title, content: `Notes on ${word} at low tide.` } }));
      if (res.status === 201) w.posts.push({ id: res.body.post.id, title: word });
      break;
    }
    case "comment": {
      const post = pick(w.posts, o.post);
      if (!post) return;
      const parent = o.parent === null ? undefined : pick(w.comments.filter((c) => c.postId === post.id), o.parent)?.id;
      const content = `reply replyword${serial++}x`;
      res = await call("POST", `/api/v1/posts/${post.id}/comments`, as({ body: { content, parent_id: parent } }));
      if (res.status === 201) w.comments.push({ id: res.body.comment.id, postId: post.id, content });
      break;
    }
    case "vote": {
      const target = o.onComment ? pick(w.comments, o.target) : pick(w.posts, o.target);
      if (!target) return;
      res = await call(o.verb === "vote" ? "DELETE" : "POST", `/api/v1/${o.onComment ? "comments" : "posts"}/${target.id}/${o.verb}`, as());
      break;
    }
    case "delete": {
      const target = o.onComment ? pick(w.comments, o.target) : pick(w.posts, o.target);
      if (!target) return;
      res = await call("DELETE", `/api/v1/${o.onComment ? "comments" : "posts"}/${target.id}`, as());
      if (res.status === 200) w.deleted.add(target.id);
      break;
    }
    case "subscribe":
    case "unsubscribe":
      res = await call(o.kind === "subscribe" ? "POST" : "DELETE", `/api/v1/submolts/${w.submolts[o.submolt]}/subscribe`, as());
      break;
    case "follow":
    case "unfollow":
      res = await call(o.kind === "follow" ? "POST" : "DELETE", `/api/v1/agents/${w.agents[o.whom]!.name}/follow`, as());
      break;
    case "patch":
      res = await call("PATCH", "/api/v1/agents/me", as({ body: { description: `patched ${serial++}`, ...o.extra } }));
      break;
  }
  // Refusals are fine (voting on your own post, following yourself, deleting another's post); a 5xx never is.
  expect(res.status, `${JSON.stringify(o)} → ${res.text.slice(0, 300)}`).toBeLessThan(500);
  w.responses.push(res);
}

/** What a listing, a thread or search would show of deleted content: ids and texts that must be gone. */
async function deletedStillShown(w: World): Promise<string[]> {
  const shown: string[] = [];
  const lists = [await call("GET", "/api/v1/posts?sort=new&limit=100"), ...(await Promise.all(w.submolts.map((s) => call("GET", `/api/v1/submolts/${s}/feed?sort=new&limit=100`))))];
  for (const post of w.posts.filter((p) => w.deleted.has(p.id))) {
    for (const list of lists) if (list.text.includes(post.id)) shown.push(`${post.id} in a listing`);
    const found = await call("GET", `/api/v1/search?q=${post.title}&type=posts`);
    if (found.text.includes(post.id)) shown.push(`${post.id} in search`);
  }
  // The same lookups do find live content, so an empty answer above means hidden, not unsearchable.
  const live = w.posts.find((p) => !w.deleted.has(p.id));
  if (live) {
    if (!lists[0]!.text.includes(live.id)) shown.push(`control: live ${live.id} missing from the listing`);
    if (!(await call("GET", `/api/v1/search?q=${live.title}&type=posts`)).text.includes(live.id)) shown.push(`control: live ${live.id} not found by search`);
  }
  for (const comment of w.comments.filter((c) => w.deleted.has(c.id))) {
    const thread = await call("GET", `/api/v1/posts/${comment.postId}/comments?limit=100`);
    if (thread.text.includes(comment.content)) shown.push(`${comment.id}'s words in its thread`);
    const word = comment.content.split(" ")[1]!;
    if ((await call("GET", `/api/v1/search?q=${word}&type=comments`)).text.includes(comment.id)) shown.push(`${comment.id} in search`);
  }
  return shown;
}

/** Secrets and private fields as stored, which no response may contain. */
async function privateValues(w: World): Promise<string[]> {
  const rows = await dbRows<{ v: string }>(
    `SELECT hash AS v FROM api_keys UNION ALL SELECT claim_token_hash FROM agents WHERE claim_token_hash IS NOT NULL
     UNION ALL SELECT verification_code_hash FROM agents WHERE verification_code_hash IS NOT NULL`,
  );
  return [...rows.map((r) => r.v), ...w.agents.map((a) => a.ip), env.HASH_PEPPER];
}

const PRIVATE_KEYS = /"(key_hash|hash|claim_token_hash|verification_code_hash|owner_email|ip|ip_address|password)"\s*:/;

describe("random operation sequences by several agents", () => {
  it("keep tallies, karma and the stats rollup equal to recounts, hide deleted content and leak nothing private", { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30 }), async (ops) => {
        const w = await newWorld();
        for (const o of ops) await apply(w, o);
        const mine = new Set([...w.agents.map((a) => a.id), w.submoltId, ...w.posts.map((p) => p.id), ...w.comments.map((c) => c.id)]);
        expect(await brokenInvariants(mine)).toEqual(HOLDS);
        expect(await deletedStillShown(w)).toEqual([]);
        const secrets = await privateValues(w);
        for (const res of w.responses) {
          for (const secret of secrets) expect(res.text.includes(secret), `a response carried ${secret}`).toBe(false);
          expect(res.text).not.toMatch(PRIVATE_KEYS);
          // Another agent's API key appears in no answer (each key is shown once, at registration).
          for (const a of w.agents) expect(res.text.includes(a.apiKey)).toBe(false);
        }
        // Mass assignment never took: names, karma and claims are the server's.
        for (const a of w.agents) {
          const row = await dbRow("SELECT name, claimed_at FROM agents WHERE id = ?", a.id);
          expect(row).toEqual({ name: a.name, claimed_at: null });
        }
      }),
      { numRuns: 25 },
    );
    // The whole network too, on D1 (each file its own database). On PostgreSQL the files share one,
    // where other suites age rows by hand and index into their own D1: each run's objects were checked above.
    if (storage === "d1") expect(await brokenInvariants()).toEqual(HOLDS);
  });
});
