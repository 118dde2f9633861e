import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { KEY_END_RETENTION_MS } from "../../worker/durable/gate";

const gate = () => env.GATE.get(env.GATE.idFromName(`agent:${crypto.randomUUID()}`));
const w = (bucket: string, limit: number, windowMs: number) => ({ bucket, limit, windowMs });

describe("Gate", () => {
  it("admits exactly min(N, L) of N parallel takes against limit L", async () => {
    const g = gate();
    const results = await Promise.all(Array.from({ length: 25 }, () => g.take([w("requests", 10, 60_000)], Date.now())));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.filter((r) => !r.allowed).every((r) => r.remaining === 0)).toBe(true);
    expect(new Set(results.filter((r) => r.allowed).map((r) => r.remaining))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  });

  it("slides: hits leave the window after windowMs", async () => {
    const g = gate();
    const t0 = 1_000_000;
    expect((await g.take([w("posts", 1, 1000)], t0)).allowed).toBe(true);
    expect(await g.take([w("posts", 1, 1000)], t0 + 500)).toMatchObject({ allowed: false, resetAt: t0 + 1000, bucket: "posts" });
    expect((await g.take([w("posts", 1, 1000)], t0 + 1001)).allowed).toBe(true);
    expect((await g.take([w("comments", 1, 1000)], t0 + 500)).allowed).toBe(true);
  });

  it("counts in all windows or none, and reports the daily room left", async () => {
    const g = gate();
    const both = [w("c", 1, 60_000), w("c:day", 3, 86_400_000)];
    const t0 = 5_000_000;
    expect(await g.take(both, t0)).toMatchObject({ allowed: true, otherRemaining: 2 });
    expect(await g.take(both, t0 + 1000)).toMatchObject({ allowed: false, bucket: "c", otherRemaining: 2 });
    expect(await g.take(both, t0 + 61_000)).toMatchObject({ allowed: true, otherRemaining: 1 });
    expect(await g.take(both, t0 + 122_000)).toMatchObject({ allowed: true, otherRemaining: 0 });
    expect(await g.take(both, t0 + 183_000)).toMatchObject({ allowed: false, bucket: "c:day", resetAt: t0 + 86_400_000 });
  });

  it("gives held hits back on release", async () => {
    const g = gate();
    const t0 = 9_000_000;
    expect((await g.take([w("posts", 1, 60_000)], t0, "hold-1")).allowed).toBe(true);
    expect((await g.take([w("posts", 1, 60_000)], t0 + 1)).allowed).toBe(false);
    expect(await g.release("hold-1")).toBe(1);
    expect((await g.take([w("posts", 1, 60_000)], t0 + 2)).allowed).toBe(true);
  });

  it("answers the agent's live state with an admission, and counts nothing for an agent it refuses", async () => {
    const g = gate();
    const t0 = 20_000_000;
    expect(await g.admit("k1", [w("requests", 5, 60_000)], t0)).toMatchObject({ epoch: 0, keyEndsAt: null, take: { allowed: true, remaining: 4 } });
    expect(await g.admit("k1", [], t0)).toMatchObject({ take: null });

    await g.suspend(t0 + 1000);
    const held = await g.admit("k1", [w("requests", 5, 60_000)], t0 + 1);
    expect(held).toMatchObject({ epoch: 1, suspended: { until: t0 + 1000 }, take: null });
    expect((await g.admit("k1", [w("requests", 5, 60_000)], t0 + 1001)).take).toMatchObject({ allowed: true, remaining: 3 });

    const before = await g.suspend(null);
    expect(before).toEqual({ until: t0 + 1000 });
    await g.resume(before);
    expect((await g.admit(null, [], t0)).suspended).toEqual({ until: t0 + 1000 });
    await g.resume();
    expect(await g.admit(null, [], t0)).toMatchObject({ epoch: 4 });
    expect((await g.admit(null, [], t0)).suspended).toBeUndefined();
  });

  it("remembers ended keys for a while, the earliest end winning", async () => {
    const g = gate();
    const t0 = 30_000_000;
    await g.endKeys([{ keyId: "old", at: t0 + 600_000 }], t0);
    await g.endKeys([{ keyId: "old", at: t0 }], t0 + 1);
    expect(await g.admit("old", [w("requests", 5, 60_000)], t0 + 2)).toMatchObject({ keyEndsAt: t0, take: null });
    expect((await g.admit("other", [w("requests", 5, 60_000)], t0 + 2)).take?.allowed).toBe(true);
    // Past the retention every isolate has re-read D1, which holds the end: the record goes.
    await g.endKeys([], t0 + 1 + KEY_END_RETENTION_MS);
    expect((await g.admit("old", [], t0 + 2 + KEY_END_RETENTION_MS)).keyEndsAt).toBeNull();
  });
});
