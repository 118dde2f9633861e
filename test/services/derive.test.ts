// Derived work after the response (issue 41 §4): new items' keyword rows, near-duplicate checks,
// notifications and stats are written by the outbox's derive pass, exactly once, and a pass that
// keeps failing parks its rows where the operator's health shows them.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { interceptD1 } from "../../worker/lib/intercept-d1";
import { buildDeps } from "../../worker/middleware/deps";
import { derivePending } from "../../worker/services/derive";
import { PARK_AFTER, PARKED_AT } from "../../worker/services/outbox-retry";
import { call, makePost, register, uniqueName, withEnv } from "../helpers";

/** A D1 binding on which every derive pass fails (its write, after reading what is due), as a broken dependency would make it. */
function deriveFails() {
  let failNext = false;
  return interceptD1(env.DB, {
    prepared: (q) => void (/update "search_outbox" set "op"/i.test(q) && (failNext = true)),
    before: () => {
      if (failNext) {
        failNext = false;
        throw new Error("injected: derive pass unavailable");
      }
    },
  });
}

const deps = () => buildDeps(env, "https://tidepool.test");
const outboxOf = (id: string) => env.DB.prepare("SELECT op, attempts, available_at, last_error FROM search_outbox WHERE target_id = ? ORDER BY id").bind(id).all();
const LONG = "the kelp forest off the point grew almost a metre this week and the urchins are back in force near the rocks at low tide";

describe("the derive pass", () => {
  it("catches a copy written before its original's bands were: both in one pass", async () => {
    const [a, b, reader] = [await register(), await register(), await register()];
    const failing = withEnv({ DB: deriveFails() });
    const tag = uniqueName("kelp");
    const original = await failing("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: "general", title: `Kelp ${tag}`, content: `${LONG} @${reader.name}` } });
    const copy = await failing("POST", "/api/v1/posts", { token: b.apiKey, body: { submolt_name: "general", title: `Kelp ${tag}`, content: `${LONG}!` } });
    expect([original.status, copy.status]).toEqual([201, 201]);
    // Acknowledged, counted, but nothing derived yet: the pass failed and both wait out a backoff.
    for (const id of [original.body.post.id, copy.body.post.id]) {
      const rows = (await outboxOf(id)).results;
      expect(rows).toMatchObject([{ op: "create", attempts: 1, last_error: "injected: derive pass unavailable" }]);
    }
    await env.DB.prepare("UPDATE search_outbox SET available_at = 0 WHERE op = 'create'").run();
    const ran = await derivePending(deps(), 100);
    expect(ran.failed).toBe(0);
    expect(ran.derived).toBeGreaterThanOrEqual(2);
    const flagged = await call("GET", `/api/v1/posts/${copy.body.post.id}`);
    expect(flagged.body.post.flags).toContain("near_duplicate");
    expect(flagged.body.post.flag_details.duplicate_of).toBe(original.body.post.id);
    expect((await call("GET", `/api/v1/posts/${original.body.post.id}`)).body.post.flags).not.toContain("near_duplicate");
    const mention = await env.DB.prepare("SELECT type, count FROM notifications WHERE agent_id = ? AND post_id = ?").bind(reader.id, original.body.post.id).all();
    expect(mention.results).toEqual([{ type: "mention", count: 1 }]);
    const found = await call("GET", `/api/v1/search?q=${tag}&type=posts`);
    expect(found.body.results.map((r: { id: string }) => r.id).sort()).toEqual([original.body.post.id, copy.body.post.id].sort());
  });

  it("writes each item's derived rows once, however many passes race for it", async () => {
    const [a, b] = [await register(), await register()];
    const failing = withEnv({ DB: deriveFails() });
    const post = await makePost(a, "general");
    const before = await env.DB.prepare("SELECT coalesce(sum(comments), 0) AS n FROM daily_stats").first<{ n: number }>();
    const comment = await failing("POST", `/api/v1/posts/${post.id}/comments`, { token: b.apiKey, body: { content: `${LONG} ${uniqueName("once")}` } });
    expect(comment.status).toBe(201);
    await env.DB.prepare("UPDATE search_outbox SET available_at = 0 WHERE op = 'create'").run();
    const passes = await Promise.all([derivePending(deps(), 100), derivePending(deps(), 100), derivePending(deps(), 100)]);
    expect(passes.every((p) => p.failed === 0)).toBe(true);
    const id = comment.body.comment.id as string;
    expect(await env.DB.prepare("SELECT type, count FROM notifications WHERE agent_id = ? AND comment_id = ?").bind(a.id, id).all().then((r) => r.results)).toEqual([{ type: "comment_on_post", count: 1 }]);
    const after = await env.DB.prepare("SELECT coalesce(sum(comments), 0) AS n FROM daily_stats").first<{ n: number }>();
    expect(after!.n).toBe(before!.n + 1);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM comments_fts(?) WHERE rowid = (SELECT rowid FROM comments WHERE id = ?)").bind(`"${comment.body.comment.content.split(" ").at(-1)}"`, id).first()).toEqual({ n: 1 });
    // Derived: now it waits for the vector index only.
    expect((await outboxOf(id)).results).toMatchObject([{ op: "upsert", attempts: 0 }]);
    await env.DB.prepare("INSERT INTO comments_fts (comments_fts) VALUES ('integrity-check')").run();
  });

  it("indexes nothing for an item deleted before its pass, and keeps the keyword index whole", async () => {
    const a = await register();
    const failing = withEnv({ DB: deriveFails() });
    const word = uniqueName("ephemeral");
    const made = await failing("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: "general", title: `Gone soon ${word}`, content: LONG } });
    expect((await call("DELETE", `/api/v1/posts/${made.body.post.id}`, { token: a.apiKey })).status).toBe(200);
    await env.DB.prepare("UPDATE search_outbox SET available_at = 0 WHERE op = 'create'").run();
    expect((await derivePending(deps(), 100)).failed).toBe(0);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM posts_fts(?)").bind(`"${word}"`).first()).toEqual({ n: 0 });
    await env.DB.prepare("INSERT INTO posts_fts (posts_fts) VALUES ('integrity-check')").run();
  });

  it("parks rows that fail every retry, and the operator's health shows them", async () => {
    const a = await register();
    const failing = withEnv({ DB: deriveFails() });
    const made = await failing("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: "general", title: uniqueName("stuck"), content: LONG } });
    expect(made.status).toBe(201);
    await env.DB.prepare("UPDATE search_outbox SET available_at = 0, attempts = ? WHERE target_id = ?").bind(PARK_AFTER - 1, made.body.post.id).run();
    const broken = buildDeps({ ...env, DB: deriveFails() }, "https://tidepool.test");
    expect((await derivePending(broken, 100)).failed).toBeGreaterThan(0);
    expect((await outboxOf(made.body.post.id)).results).toMatchObject([{ op: "create", attempts: PARK_AFTER, available_at: PARKED_AT }]);
    const health = await call("GET", "/api/v1/admin/health", { token: env.ADMIN_TOKEN as string });
    expect(health.body.search_outbox.parked).toBeGreaterThanOrEqual(1);
    // Parked rows are not retried by the passes that follow.
    expect((await derivePending(deps(), 100)).derived).toBe(0);
    await env.DB.prepare("DELETE FROM search_outbox WHERE target_id = ?").bind(made.body.post.id).run();
  });
});
