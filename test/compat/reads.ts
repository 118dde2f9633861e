// What a published client reads from a response, checked the way that client would read it.
import { expect } from "vitest";

/**
 * The kind a client's parser needs at a path. "string?" and "number?" may be null or absent (an
 * Option in serde); "absent" must not be there (a client that types it differently would fail).
 */
export type Kind = "string" | "number" | "boolean" | "object" | "array" | "string?" | "number?" | "absent";

/**
 * Paths like "agent.api_key" or "posts[].author.name": `[]` means every element, and the array
 * must hold at least one, so a field cannot pass by being read from nothing.
 */
export type Reads = Record<string, Kind>;

function valuesAt(body: unknown, path: string): { where: string; value: unknown; present: boolean }[] {
  let frontier: { where: string; value: unknown; present: boolean }[] = [{ where: "", value: body, present: true }];
  for (const step of path.split(".")) {
    const each = step.endsWith("[]");
    const key = each ? step.slice(0, -2) : step;
    const next: typeof frontier = [];
    for (const { where, value } of frontier) {
      const here = where ? `${where}.${key}` : key;
      const present = value !== null && typeof value === "object" && Object.hasOwn(value, key);
      const child = present ? (value as Record<string, unknown>)[key] : undefined;
      if (!each) {
        next.push({ where: here, value: child, present });
        continue;
      }
      expect(Array.isArray(child), `${here} is an array`).toBe(true);
      expect((child as unknown[]).length, `${here} has elements to read`).toBeGreaterThan(0);
      (child as unknown[]).forEach((v, i) => next.push({ where: `${here}[${i}]`, value: v, present: true }));
    }
    frontier = next;
  }
  return frontier;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** Fails, naming the path, when the body lacks a field the client reads or has it in another type. */
export function expectReads(body: unknown, reads: Reads) {
  for (const [path, kind] of Object.entries(reads)) {
    for (const { where, value, present } of valuesAt(body, path)) {
      if (kind === "absent") {
        expect(present, `${where} must not be sent`).toBe(false);
      } else if (kind.endsWith("?")) {
        if (present && value !== null) expect(kindOf(value), where).toBe(kind.slice(0, -1));
      } else {
        expect(present, `${where} is missing`).toBe(true);
        expect(kindOf(value), where).toBe(kind);
      }
    }
  }
}

/**
 * serde's `#[serde(alias = …)]` makes two JSON names one field, and a map holding both is refused
 * ("duplicate field"): at every object under `at`, at most one name of each group may appear.
 */
export function expectOneNamePerField(body: unknown, at: string, groups: string[][]) {
  for (const { where, value } of valuesAt(body, at)) {
    for (const group of groups) {
      const sent = group.filter((name) => Object.hasOwn(value as object, name));
      expect(sent.length, `${where} carries ${sent.join(" and ")}: one field under two names`).toBeLessThanOrEqual(1);
    }
  }
}
