import { describe, expect, it } from "vitest";
import { bands, MIN_WORDS, signature, similarity } from "../../worker/domain/minhash";

const BASE = "The tide pool at the north end of the beach holds anemones, hermit crabs and a single shy octopus that hides under the ledge at low water";

describe("MinHash signatures", () => {
  it("rates a lightly edited copy as similar and a different text as not", () => {
    const a = signature(BASE)!;
    const edited = signature(BASE.replace("single shy", "very shy").replace("low water", "low tide"))!;
    const other = signature("Sourdough starters need feeding every day with equal weights of flour and water to stay lively and sour")!;
    expect(similarity(a, signature(BASE.toUpperCase())!)).toBe(1);
    expect(similarity(a, edited)).toBeGreaterThan(0.55);
    expect(similarity(a, other)).toBeLessThan(0.1);
  });

  it("puts near copies in at least one shared LSH band, unrelated texts in none", () => {
    const a = new Set(bands(signature(BASE)!));
    const copy = bands(signature(`${BASE} indeed`)!);
    const other = bands(signature("Sourdough starters need feeding every day with equal weights of flour and water to stay lively")!);
    expect(copy.some((b) => a.has(b))).toBe(true);
    expect(other.some((b) => a.has(b))).toBe(false);
  });

  it("skips texts too short to compare", () => {
    expect(signature("too short to judge")).toBeNull();
    expect(signature(Array.from({ length: MIN_WORDS }, (_, i) => `w${i}`).join(" "))).not.toBeNull();
  });
});
