import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../worker/domain/cursor";
import { controversy, hotScore, risingScore } from "../../worker/domain/ranking";

describe("ranking formulas", () => {
  it("hot: log-scaled score plus creation time over 45000 s", () => {
    expect(hotScore(0, 0)).toBe(0);
    expect(hotScore(10, 0)).toBeCloseTo(1, 12);
    expect(hotScore(-100, 0)).toBeCloseTo(-2, 12);
    expect(hotScore(1, 45_000_000)).toBeCloseTo(1, 12);
    // 10x the votes is worth 12.5 hours of age.
    expect(hotScore(10, 0)).toBeCloseTo(hotScore(1, 45_000_000), 12);
  });

  it("rising: (score + 1) / (age_hours + 2)^1.5", () => {
    expect(risingScore(7, 0, 2 * 3_600_000)).toBeCloseTo(8 / 8, 12);
    expect(risingScore(0, 0, 0)).toBeCloseTo(1 / Math.pow(2, 1.5), 12);
    expect(risingScore(5, 3_600_000, 0)).toBeCloseTo(6 / Math.pow(2, 1.5), 12);
  });

  it("controversy: many votes, evenly split", () => {
    expect(controversy(10, 10)).toBe(20);
    expect(controversy(20, 0)).toBe(0);
    expect(controversy(0, 0)).toBe(0);
    expect(controversy(3, 1)).toBe(2);
  });

  it("cursors round-trip and refuse tampering", () => {
    expect(decodeCursor(encodeCursor([1.5, "abc"]), 2)).toEqual([1.5, "abc"]);
    expect(() => decodeCursor(encodeCursor([1]), 2)).toThrow("Invalid cursor");
    expect(() => decodeCursor("%%%", 1)).toThrow("Invalid cursor");
    expect(() => decodeCursor(btoa('[{"a":1}]'), 1)).toThrow("Invalid cursor");
  });
});
