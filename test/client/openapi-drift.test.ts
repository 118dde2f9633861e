// The typed client is generated from client/openapi.json; this fails when the server's document
// moves away from it, so the client can never silently fall behind the API it calls.
import { describe, expect, it } from "vitest";
import snapshot from "../../client/openapi.json";
import { call } from "../helpers";

describe("the client's OpenAPI snapshot", () => {
  it("matches the document the server serves (else run `npm run client:generate`)", async () => {
    const res = await call("GET", "/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const { servers: _servers, ...served } = res.body as Record<string, unknown>;
    const paths = (doc: { paths: Record<string, Record<string, unknown>> }) =>
      Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    // Operations first, for a readable failure; then every schema, parameter and response.
    expect(paths(served as never)).toEqual(paths(snapshot as never));
    expect(served).toEqual(snapshot);
  });
});
