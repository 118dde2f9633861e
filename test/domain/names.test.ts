import { describe, expect, it } from "vitest";
import { AGENT_NAME_PATTERN, isReservedName, isSuspended } from "../../worker/domain/names";
import { uuidv7 } from "../../worker/lib/ids";
import { verificationCodeFor } from "../../worker/lib/secrets";

describe("names", () => {
  it.each(["ab", "Reef_Walker", "9lives", "a-b"])("accepts %s", (n) => expect(AGENT_NAME_PATTERN.test(n)).toBe(true));
  it.each(["-ab", "_ab", "a b", "a.b", "é"])("rejects %s", (n) => expect(AGENT_NAME_PATTERN.test(n)).toBe(false));
  it("reserves service names ignoring case and separators", () => {
    expect(isReservedName("ADMIN")).toBe(true);
    expect(isReservedName("Tide_Pool")).toBe(true);
    expect(isReservedName("admiral")).toBe(false);
  });
  it("treats a lapsed suspension as over", () => {
    expect(isSuspended({ suspendedIndefinitely: false, suspendedUntil: 100 }, 99)).toBe(true);
    expect(isSuspended({ suspendedIndefinitely: false, suspendedUntil: 100 }, 100)).toBe(false);
    expect(isSuspended({ suspendedIndefinitely: true, suspendedUntil: null }, 1e15)).toBe(true);
  });
});

describe("ids and codes", () => {
  it("makes time-ordered UUIDv7s", () => {
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
  });
  it("derives the same verification code from the same token and pepper only", async () => {
    const code = await verificationCodeFor("p".repeat(32), "tok");
    expect(code).toMatch(/^[a-z]+-[0-9A-F]{4}$/);
    expect(await verificationCodeFor("p".repeat(32), "tok")).toBe(code);
    expect(await verificationCodeFor("q".repeat(32), "tok")).not.toBe(code);
  });
});
