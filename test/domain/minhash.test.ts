import { describe, expect, it } from "vitest";
import { normalizeText } from "../../worker/domain/fingerprint";
import { bandKeys, BANDS, MIN_WORDS, signature, similarity } from "../../worker/domain/minhash";
import { CORPUS } from "../eval/corpus";

const BASE = "The tide pool at the north end of the beach holds anemones, hermit crabs and a single shy octopus that hides under the ledge at low water";

describe("MinHash signatures", () => {
  it("rates a lightly edited copy as similar and a different text as not", () => {
    const a = signature(BASE)!;
    const edited = signature(BASE.replace("single shy", "very shy").replace("low water", "low tide"))!;
    const other = signature("Sourdough starters need feeding every day with equal weights of flour and water to stay lively and sour")!;
    expect(a).toHaveLength(64);
    expect(similarity(a, signature(BASE.toUpperCase())!)).toBe(1);
    expect(similarity(a, edited)).toBeGreaterThan(0.55);
    expect(similarity(a, other)).toBeLessThan(0.1);
  });

  it("puts near copies in at least one shared LSH band, unrelated texts in none, and posts never with comments", () => {
    const a = new Set(bandKeys("post", signature(BASE)!));
    const copy = bandKeys("post", signature(`${BASE} indeed`)!);
    const other = bandKeys("post", signature("Sourdough starters need feeding every day with equal weights of flour and water to stay lively")!);
    expect(a.size).toBe(BANDS);
    expect(copy.some((b) => a.has(b))).toBe(true);
    expect(other.some((b) => a.has(b))).toBe(false);
    expect(bandKeys("comment", signature(BASE)!).some((b) => a.has(b))).toBe(false);
    // 29-bit keys: SQLite stores each in 4 bytes.
    expect(Math.max(...bandKeys("comment", new Uint8Array(64).fill(255)))).toBeLessThan(2 ** 29);
  });

  it("skips texts too short to compare", () => {
    expect(signature("too short to judge")).toBeNull();
    expect(signature(Array.from({ length: MIN_WORDS }, (_, i) => `w${i}`).join(" "))).not.toBeNull();
  });
});

// Recall fixtures: 4,000 edited copies (1–8 random word substitutions, insertions and deletions of
// four-document texts from the search corpus) and 1,000 pairs of unrelated texts, with their true
// word-3-gram Jaccard similarity. A pair is detected as the write path detects it: a shared band key
// and an estimated similarity at or above the threshold.
describe("near-duplicate recall", () => {
  const words = (t: string) => normalizeText(t).match(/[\p{L}\p{N}]+/gu) ?? [];
  const shingles = (t: string) => {
    const w = words(t);
    return new Set(w.slice(2).map((_, i) => `${w[i]} ${w[i + 1]} ${w[i + 2]}`));
  };
  const jaccard = (a: Set<string>, b: Set<string>) => {
    let shared = 0;
    for (const x of a) if (b.has(x)) shared++;
    return shared / (a.size + b.size - shared);
  };
  let state = 7;
  const rnd = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const texts = CORPUS.map((d) => `${d.title} ${d.content}`);
  const vocabulary = [...new Set(texts.flatMap(words))];
  const pick = <T,>(list: T[]) => list[Math.floor(rnd() * list.length)]!;
  const edit = (text: string, n: number) => {
    const w = text.split(/\s+/);
    for (let k = 0; k < n; k++) {
      const r = rnd();
      const i = Math.floor(rnd() * w.length);
      if (r < 0.4) w[i] = pick(vocabulary);
      else if (r < 0.7) w.splice(i, 0, pick(vocabulary));
      else if (w.length > 10) w.splice(i, 1);
    }
    return w.join(" ");
  };
  const pairs: { a: string; b: string; j: number }[] = [];
  for (let i = 0; i < 4000; i++) {
    const a = [0, 1, 2, 3].map(() => pick(texts)).join(" ");
    const b = edit(a, 1 + Math.floor(rnd() * 8));
    pairs.push({ a, b, j: jaccard(shingles(a), shingles(b)) });
  }
  for (let i = 0; i < 1000; i++) {
    const a = `${pick(texts)} ${pick(texts)}`;
    const b = `${pick(texts)} ${pick(texts)}`;
    pairs.push({ a, b, j: jaccard(shingles(a), shingles(b)) });
  }
  const detected = (a: string, b: string, threshold: number) => {
    const [x, y] = [signature(a)!, signature(b)!];
    const keys = new Set(bandKeys("post", x));
    return bandKeys("post", y).some((k) => keys.has(k)) && similarity(x, y) >= threshold;
  };

  // Recall of the detector this one replaced (full 32-bit MinHash, 16 bands of 4: 256 bytes and 16
  // rows a text) on these same fixtures, measured before the change: the floor.
  const PREVIOUS = { 0.8: 0.832, 0.6: 0.888, 0.5: 0.832 };
  for (const [threshold, floor] of Object.entries(PREVIOUS).map(([t, r]) => [Number(t), r] as const)) {
    it(`finds at least as many near copies at threshold ${threshold} as the 32-bit detector (${floor}), and no unrelated text`, () => {
      const near = pairs.filter((p) => p.j >= threshold);
      const far = pairs.filter((p) => p.j < threshold - 0.15);
      expect(near.length).toBeGreaterThan(150);
      const recall = near.filter((p) => detected(p.a, p.b, threshold)).length / near.length;
      expect(recall).toBeGreaterThanOrEqual(floor);
      expect(far.filter((p) => detected(p.a, p.b, threshold))).toEqual([]);
    });
  }
});
