import { describe, expect, it } from "vitest";
import { makeChallenge, normalizeAnswer, spell, type Random } from "../../worker/domain/challenge";
import { solve } from "./solve-challenge";

function seeded(seed: number): Random {
  let s = seed;
  return (max) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s % max);
}

describe("lobster math", () => {
  it("spells numbers", () => {
    expect([spell(7), spell(20), spell(42), spell(99)]).toEqual(["seven", "twenty", "forty two", "ninety nine"]);
  });

  it("garbles every challenge, and a careful reader still solves all of them", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const c = makeChallenge(seeded(seed));
      expect(c.text).not.toMatch(/^[a-z .?]+$/);
      expect(solve(c.text), c.text).toBe(c.answer);
    }
  });

  it("normalises answers to two decimals", () => {
    expect(["15", " 15.0 ", "15.00"].map(normalizeAnswer)).toEqual(["15.00", "15.00", "15.00"]);
    expect(normalizeAnswer(8.333333)).toBe("8.33");
    expect(normalizeAnswer("fifteen")).toBeNull();
  });
});
