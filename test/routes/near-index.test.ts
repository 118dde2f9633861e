import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { call, makeComment, makePost, register, uniqueName } from "../helpers";
import { nearDrift } from "../invariants";

// The near-duplicate index's upkeep, run by the cron: pruning past NEAR_DUPLICATE_RETENTION_DAYS and
// signing again what migration 0019 queued (its old signatures could not be converted in SQL).

const DAY = 86_400_000;
const text = (tag: string) => `Field notes ${tag}: the kelp forest off the point grew almost a metre this week and the urchins are back in force near the rocks`;
const count = async (sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())!.n;
async function cron() {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController(), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("near-duplicate index upkeep", () => {
  it("matches only within the retention window, and the cron prunes older signatures with their band rows", async () => {
    const [a, b, c] = [await register(), await register(), await register()];
    const tag = uniqueName("t");
    const old = await makePost(a, "general", { title: "Kelp report", content: text(tag) });
    const kept = await makePost(c, "general", { title: "Kelp report", content: text(tag) });
    // Written 31 days ago: outside the default 30-day window.
    const longAgo = Date.now() - 31 * DAY;
    await env.DB.prepare("UPDATE near_signatures SET created_at = ? WHERE id = (SELECT min(id) FROM near_signatures WHERE created_at >= ?)").bind(longAgo, Date.now() - DAY).run();
    const sigs = await count("SELECT count(*) AS n FROM near_signatures");
    const bands = await count("SELECT count(*) AS n FROM near_bands");
    const before = await count("SELECT count(*) AS n FROM near_signatures WHERE created_at < ?", Date.now() - 30 * DAY);
    expect(before).toBe(1);

    const copy = await call("POST", "/api/v1/posts", { token: b.apiKey, body: { submolt_name: "general", title: "Kelp report", content: `${text(tag)} indeed` } });
    expect(copy.status).toBe(201);
    // Its closest match is past the window; the second post, inside it, is what it copies (checked
    // after the response: services/derive.ts).
    const flagged = (await call("GET", `/api/v1/posts/${copy.body.post.id}`)).body.post;
    expect(flagged.flag_details.duplicate_of).toBe(kept.id);
    expect(flagged.flag_details.duplicate_of).not.toBe(old.id);

    await cron();
    expect(await count("SELECT count(*) AS n FROM near_signatures WHERE created_at < ?", Date.now() - 30 * DAY)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM near_signatures")).toBe(sigs + 1 - 1);
    expect(await count("SELECT count(*) AS n FROM near_bands")).toBe(bands + 12 - 12);
    expect(await count("SELECT count(*) AS n FROM near_bands WHERE signature_id NOT IN (SELECT id FROM near_signatures)")).toBe(0);
  });

  it("signs again what a migration queued, drops queued items that are gone or too short, and then finds copies of them", async () => {
    const [a, b] = [await register(), await register()];
    const tag = uniqueName("q");
    const post = await makePost(a, "general", { title: "Tide table", content: text(tag) });
    const reply = await makeComment(a, post.id, `${text(`${tag} reply`)} and more`);
    const short = await makePost(a, "general", { title: "short", content: "too few words here" });
    const gone = await makePost(a, "general", { title: "Gone soon", content: text(`${tag} gone`) });
    expect((await call("DELETE", `/api/v1/posts/${gone.id}`, { token: a.apiKey })).status).toBe(200);
    // As migration 0019 leaves them: no signatures, the items queued.
    await env.DB.batch([
      env.DB.prepare("DELETE FROM near_bands"),
      env.DB.prepare("DELETE FROM near_signatures"),
      env.DB.prepare("INSERT INTO near_backfill (item_type, item_id) VALUES (0, ?), (1, ?), (0, ?), (0, ?)").bind(post.id, reply.id, short.id, gone.id),
    ]);
    await cron();
    expect(await nearDrift()).not.toEqual(expect.arrayContaining([post.id]));
    expect(await nearDrift()).not.toEqual(expect.arrayContaining([reply.id]));
    expect(await count("SELECT count(*) AS n FROM near_backfill")).toBe(0);
    expect(await count("SELECT count(*) AS n FROM near_signatures")).toBe(2);
    expect(await count("SELECT count(*) AS n FROM near_bands")).toBe(24);
    const copy = await call("POST", `/api/v1/posts/${post.id}/comments`, { token: b.apiKey, body: { content: `${text(`${tag} reply`)} and more too` } });
    expect((await call("GET", `/api/v1/comments/${copy.body.comment.id}`)).body.comment.flag_details.duplicate_of).toBe(reply.id);
  });

  it("the recount catches a signature that does not match its text and a band row that points nowhere", async () => {
    const a = await register();
    const post = await makePost(a, "general", { title: "Recount", content: text(uniqueName("r")) });
    expect(await nearDrift()).not.toContain(post.id);
    await env.DB.prepare("UPDATE near_signatures SET signature = zeroblob(64) WHERE id = (SELECT max(id) FROM near_signatures)").run();
    await env.DB.prepare("INSERT INTO near_bands (key, signature_id) VALUES (1, 999999999)").run();
    expect(await nearDrift()).toEqual(expect.arrayContaining([post.id, "bands of signature 999999999"]));
  });
});
