import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("Gate", () => {
  it("admits exactly min(N, L) of N parallel hits against limit L", async () => {
    const gate = env.GATE.get(env.GATE.idFromName(`agent:${crypto.randomUUID()}`));
    const results = await Promise.all(Array.from({ length: 25 }, () => gate.hit("requests", 10, 60_000)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.filter((r) => !r.allowed).every((r) => r.remaining === 0)).toBe(true);
    expect(new Set(results.filter((r) => r.allowed).map((r) => r.remaining))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  });

  it("slides: hits leave the window after windowMs", async () => {
    const gate = env.GATE.get(env.GATE.idFromName(`agent:${crypto.randomUUID()}`));
    const t0 = 1_000_000;
    expect((await gate.hit("posts", 1, 1000, t0)).allowed).toBe(true);
    const refused = await gate.hit("posts", 1, 1000, t0 + 500);
    expect(refused).toMatchObject({ allowed: false, resetAt: t0 + 1000 });
    expect((await gate.hit("posts", 1, 1000, t0 + 1001)).allowed).toBe(true);
    expect((await gate.hit("comments", 1, 1000, t0 + 500)).allowed).toBe(true);
  });
});
