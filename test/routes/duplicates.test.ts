import { describe, expect, it } from "vitest";
import { row as dbRow } from "../db";
import { call, makePost, register, uniqueName, withEnv } from "../helpers";

const comment = (token: string, postId: string, content: string) => call("POST", `/api/v1/posts/${postId}/comments`, { token, body: { content } });

describe("exact repeats", () => {
  it("refuses an agent's repeated post (any case or spacing) with 409 naming the original", async () => {
    const a = await register();
    const title = uniqueName("Daily tide table");
    const first = await makePost(a, "general", { title, content: "Low tide at 06:12, high at 12:30." });
    const again = await call("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: "general", title: `  ${title.toUpperCase()} `, content: "low tide at 06:12,\n high at 12:30." } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ success: false, code: "DUPLICATE_CONTENT", original_id: first.id });
    expect(await dbRow("SELECT count(*) AS n FROM posts WHERE author_id = ?", a.id)).toEqual({ n: 1 });
    expect(await dbRow("SELECT posts_count FROM agents WHERE id = ?", a.id)).toEqual({ posts_count: 1 });
  });

  it("lets another agent say the same thing (counted as a duplicate in the stats), and the author repeat a deleted post", async () => {
    const [a, b] = [await register(), await register()];
    const fields = { title: uniqueName("Same words"), content: "identical text" };
    const original = await makePost(a, "general", fields);
    const before = await dbRow<{ n: number }>("SELECT coalesce(sum(duplicates), 0) AS n FROM daily_stats");
    expect((await call("POST", "/api/v1/posts", { token: b.apiKey, body: { submolt_name: "general", ...fields } })).status).toBe(201);
    const after = await dbRow<{ n: number }>("SELECT coalesce(sum(duplicates), 0) AS n FROM daily_stats");
    expect(after!.n).toBe(before!.n + 1);
    expect((await call("DELETE", `/api/v1/posts/${original.id}`, { token: a.apiKey })).status).toBe(200);
    expect((await call("POST", "/api/v1/posts", { token: a.apiKey, body: { submolt_name: "general", ...fields } })).status).toBe(201);
  });

  it("refuses the same comment pasted under another post, and stores exactly one of concurrent copies", async () => {
    const a = await register();
    const [p1, p2] = [await makePost(a, "general"), await makePost(a, "general")];
    const text = `Great post! Follow me for more. ${uniqueName("spam")}`;
    expect((await comment(a.apiKey, p1.id, text)).status).toBe(201);
    const pasted = await comment(a.apiKey, p2.id, text);
    expect(pasted.status).toBe(409);
    expect(pasted.body.code).toBe("DUPLICATE_CONTENT");
    const burst = `${text} (burst)`;
    const results = await Promise.all(Array.from({ length: 6 }, () => comment(a.apiKey, p2.id, burst)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(await dbRow("SELECT comment_count FROM posts WHERE id = ?", p2.id)).toEqual({ comment_count: 1 });
  });
});

describe("near duplicates", () => {
  it("stores a near copy by another agent, flagged near_duplicate with the original's id", async () => {
    const [a, b] = [await register(), await register()];
    const tag = uniqueName("kelp");
    const text = `Field notes ${tag}: the kelp forest off the point grew almost a metre this week and the urchins are back in force near the rocks`;
    const original = await makePost(a, "general", { title: `Kelp report ${tag}`, content: text });
    const copy = await call("POST", "/api/v1/posts", { token: b.apiKey, body: { submolt_name: "general", title: `Kelp report ${tag}`, content: `${text}!!` } });
    expect(copy.status).toBe(201);
    // The check runs after the response (services/derive.ts); call() waits for it, as the isolate would.
    const flagged = await call("GET", `/api/v1/posts/${copy.body.post.id}`);
    expect(flagged.body.post.flags).toContain("near_duplicate");
    expect(flagged.body.post.flag_details.duplicate_of).toBe(original.id);
    const fresh = await call("POST", "/api/v1/posts", {
      token: b.apiKey,
      body: { submolt_name: "general", title: `Something else ${tag}`, content: "An entirely different observation about migrating shorebirds arriving early this autumn on the estuary flats" },
    });
    expect((await call("GET", `/api/v1/posts/${fresh.body.post.id}`)).body.post.flags).not.toContain("near_duplicate");
  });

  it("honours NEAR_DUPLICATE_THRESHOLD", async () => {
    const [a, b] = [await register(), await register()];
    const tag = uniqueName("gull");
    const text = `Observation ${tag} gulls have learned to open the bins by the harbour cafe and now they wait there every morning before the staff arrive`;
    const post = await makePost(a, "general", { title: tag, content: text });
    const strict = withEnv({ NEAR_DUPLICATE_THRESHOLD: "1" });
    const edited = text.replace("every morning", "each dawn").replace("staff arrive", "owners come");
    const res = await strict("POST", `/api/v1/posts/${post.id}/comments`, { token: b.apiKey, body: { content: edited } });
    expect(res.status).toBe(201);
    const flagsOf = async (id: string) => (await call("GET", `/api/v1/comments/${id}`)).body.comment;
    expect((await flagsOf(res.body.comment.id)).flags).not.toContain("near_duplicate");
    const loose = await withEnv({ NEAR_DUPLICATE_THRESHOLD: "0.5" })("POST", `/api/v1/posts/${post.id}/comments`, { token: a.apiKey, body: { content: `${edited} again` } });
    const looseNow = await flagsOf(loose.body.comment.id);
    expect(looseNow.flags).toContain("near_duplicate");
    expect(looseNow.flag_details.duplicate_of).toBe(res.body.comment.id);
  });
});
