import { describe, expect, it } from "vitest";
import { TEMPLATES } from "../../worker/domain/challenge-templates";
import { cryptoRandom, makeChallenge, normalizeAnswer, spell, type Random } from "../../worker/domain/challenge";
import { read, solve } from "./solve-challenge";

function seeded(seed: number): Random {
  let s = seed;
  return (max) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s % max);
}

/** The story with its numbers taken out: two challenges told by the same template share it. */
const UNITS = "one|two|three|four|five|six|seven|eight|nine";
const NUMBER = new RegExp(`\\b(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?: (?:${UNITS}))?|zero|${UNITS}|ten|eleven|twelve|[a-z]+teen)\\b`, "g");
const skeleton = (plain: string) => plain.replace(NUMBER, "N");

describe("lobster math", () => {
  it("spells numbers", () => {
    expect([spell(7), spell(20), spell(42), spell(99)]).toEqual(["seven", "twenty", "forty two", "ninety nine"]);
  });

  it("stores, for 10,000 challenges, the answer an independent reading of the story gives: never negative, divisions exact to 2 decimals", () => {
    const random = seeded(7);
    const templates = new Set<string>();
    const skeletons = new Set<string>();
    const ops = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const c = makeChallenge(random);
      const reading = read(c.plain);
      expect(reading.numbers.length, c.plain).toBeGreaterThanOrEqual(1);
      expect(reading.numbers.length, c.plain).toBeLessThanOrEqual(2);
      expect(reading.value.toFixed(2), c.plain).toBe(c.answer);
      expect(reading.value, c.plain).toBeGreaterThan(0);
      // Exact to 2 decimals: the stored answer is the quotient, not a rounding of it.
      expect(Math.abs(reading.value * 100 - Math.round(reading.value * 100)), c.plain).toBeLessThan(1e-9);
      expect(c.text, c.plain).not.toBe(c.plain);
      templates.add(c.template);
      skeletons.add(skeleton(c.plain));
      ops.set(reading.op!, (ops.get(reading.op!) ?? 0) + 1);
    }
    expect(templates.size).toBeGreaterThanOrEqual(20);
    expect(templates.size).toBe(TEMPLATES.length);
    // Counted from the text too, not only from the generator's own label.
    expect(skeletons.size).toBe(templates.size);
    expect([...ops.keys()].sort()).toEqual(["*", "+", "-", "/"]);
    for (const n of ops.values()) expect(n).toBeGreaterThan(1_500);
  });

  it("uses the live site's physics wording: newtons, multiplies, doubles, loses, gains", () => {
    const words = TEMPLATES.map((t) => t.text("A", "B")).join(" ");
    for (const w of ["newtons", "multiplies", "doubles", "loses", "gains"]) expect(words).toContain(w);
  });

  it("garbles every challenge, and a careful reader still solves all of them", () => {
    for (let seed = 1; seed <= 2_000; seed++) {
      const c = makeChallenge(seeded(seed));
      expect(c.text).not.toMatch(/^[a-z .?,]+$/);
      expect(solve(c.text), `${c.text}\n${c.plain}`).toBe(c.answer);
    }
    const c = makeChallenge(cryptoRandom);
    expect(solve(c.text)).toBe(c.answer);
  });

  it("normalises answers to two decimals", () => {
    expect(["15", " 15.0 ", "15.00"].map(normalizeAnswer)).toEqual(["15.00", "15.00", "15.00"]);
    expect(normalizeAnswer(8.333333)).toBe("8.33");
    expect(normalizeAnswer("fifteen")).toBeNull();
  });
});
