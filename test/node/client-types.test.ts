// The client's types must be what openapi-typescript makes of the committed snapshot: editing the
// snapshot (or the generator version) without regenerating fails here.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TYPES, typesFromSnapshot } from "../../scripts/lib/client-types.mjs";

describe("client/src/openapi.d.ts", () => {
  it("is generated from client/openapi.json (else run `npm run client:generate -- --types`)", async () => {
    const expected = await typesFromSnapshot();
    expect(readFileSync(TYPES, "utf8") === expected, "client/src/openapi.d.ts is stale").toBe(true);
  });
});
