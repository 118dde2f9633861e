// What a write costs on the request path (issue 41 §3, §5): after authentication one D1 call, with
// at most 15 rows written for a post or a comment and 8 for a vote (D1 bills each index entry as a
// row); on PostgreSQL at most three statements, BEGIN and COMMIT counted. The rest is after the
// response (worker/services/derive.ts).
import { describe, expect, it } from "vitest";
import { storage } from "../db";
import { makePost, register, uniqueName, withEnv } from "../helpers";

const metered = withEnv({ BENCH_ROUTES: "on" });
const METER = { "X-Tidepool-Meter": "rows" };

describe(`a write's cost on ${storage}`, () => {
  it("is one D1 call (or ≤ 3 statements) for a post, a comment and a vote, with their rows bounded", async () => {
    const [author, writer] = [await register(), await register()];
    const target = await makePost(author, "general");
    // The key's first use looks it up; the writes below are measured after it.
    expect((await metered("GET", "/api/v1/agents/me", { token: writer.apiKey })).status).toBe(200);
    const writes: [string, string, string, Record<string, unknown> | undefined, number][] = [
      ["post", "POST", "/api/v1/posts", { submolt_name: "general", title: uniqueName("cost"), content: `counting what a post costs ${uniqueName()}` }, 15],
      ["comment", "POST", `/api/v1/posts/${target.id}/comments`, { content: `counting what a comment costs ${uniqueName()}` }, 15],
      ["reply", "POST", `/api/v1/posts/${target.id}/comments`, undefined, 15],
      ["vote", "POST", `/api/v1/posts/${target.id}/upvote`, undefined, 8],
    ];
    let commentId = "";
    for (const [name, method, path, body, maxRows] of writes) {
      const res = await metered(method, path, { token: writer.apiKey, headers: METER, body: name === "reply" ? { content: `a reply ${uniqueName()}`, parent_id: commentId } : body });
      expect(res.status, `${name}: ${res.text}`).toBeLessThan(300);
      if (name === "comment") commentId = res.body.comment.id;
      if (storage === "d1") {
        expect(Number(res.headers.get("X-Tidepool-D1-Calls")), name).toBe(1);
        expect(Number(res.headers.get("X-Tidepool-D1-Rows-Written")), name).toBeLessThanOrEqual(maxRows);
      } else {
        expect(Number(res.headers.get("X-Tidepool-Pg-Statements")), name).toBeLessThanOrEqual(name === "vote" ? 3 : 1);
      }
    }
  });
});
