// Property-based: whatever the order and spacing of posts and comments, no agent ever gets more
// accepted writes in a window than its limit, and a refusal only comes when the window is full.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fakeClock, makePost, register, uniqueName, withEnv } from "../helpers";

const LIMITS = { posts: { limit: 2, seconds: 600 }, comments: { limit: 3, seconds: 300 } } as const;
type Kind = keyof typeof LIMITS;

const step = fc.record({ by: fc.nat({ max: 1 }), kind: fc.constantFrom<Kind>("posts", "comments"), waitSeconds: fc.nat({ max: 400 }) });

describe("rate limits under random schedules", () => {
  it("never accept more than the limit in any window, and refuse only a full window", { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 24 }), async (steps) => {
        const agents = [await register(), await register()];
        const post = await makePost(await register(), "general");
        const clock = fakeClock();
        const limited = withEnv({
          RATE_LIMITS: "on",
          CLOCK: clock,
          LIMIT_POSTS: `${LIMITS.posts.limit}/${LIMITS.posts.seconds}`,
          LIMIT_COMMENTS: `${LIMITS.comments.limit}/${LIMITS.comments.seconds}`,
        });
        const accepted = agents.map(() => ({ posts: [] as number[], comments: [] as number[] }));
        for (const s of steps) {
          clock.advance(s.waitSeconds * 1000);
          const now = clock.now();
          const { limit, seconds } = LIMITS[s.kind];
          const token = agents[s.by]!.apiKey;
          const res =
            s.kind === "posts"
              ? await limited("POST", "/api/v1/posts", { token, body: { submolt: "general", title: uniqueName("t"), content: "x" } })
              : await limited("POST", `/api/v1/posts/${post.id}/comments`, { token, body: { content: uniqueName("c") } });
          const times = accepted[s.by]![s.kind];
          const within = (slackMs: number) => times.filter((t) => t > now - seconds * 1000 - slackMs).length;
          if (res.status === 201) {
            expect(within(0), `${s.kind} #${times.length + 1} accepted over the limit`).toBeLessThan(limit);
            times.push(now);
          } else {
            expect(res.status, res.text).toBe(429);
            // Full window (a second of slack for the boundary instant), and an honest wait.
            expect(within(1000), `refused with room in the window`).toBeGreaterThanOrEqual(limit);
            expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
            expect(Number(res.headers.get("retry-after"))).toBeLessThanOrEqual(seconds);
          }
        }
      }),
      { numRuns: 20 },
    );
  });
});
