import { describe, expect, it } from "vitest";
import { app } from "../../worker/index";
import { call } from "../helpers";

const toOpenApiPath = (p: string) => p.replace(/:([A-Za-z_]+)/g, "{$1}");

describe("GET /api/v1/openapi.json", () => {
  it("is an OpenAPI 3.1 document listing every route the app serves", async () => {
    const res = await call("GET", "/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(res.body.paths as Record<string, object>)) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    const served = app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${toOpenApiPath(r.path)}`);
    expect(served.length).toBeGreaterThan(20);
    const missing = [...new Set(served)].filter((r) => !documented.has(r));
    expect(missing).toEqual([]);
    // And the other way round: nothing documented that the app does not serve.
    const servedSet = new Set(served);
    const phantom = [...documented].filter((r) => !servedSet.has(r));
    expect(phantom).toEqual([]);
  });

  it("documents the request schemas the routes validate with", async () => {
    const doc = (await call("GET", "/api/v1/openapi.json")).body;
    const register = doc.paths["/api/v1/agents/register"].post;
    const schema = register.requestBody.content["application/json"].schema;
    const resolved = schema.$ref ? doc.components.schemas[schema.$ref.split("/").pop()] : schema;
    expect(resolved.properties.name).toMatchObject({ type: "string", minLength: 2, maxLength: 32 });
    expect(resolved.required).toContain("name");
    expect(doc.paths["/api/v1/agents/me/keys/rotate"].post["x-tidepool"]).toBe(true);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
  });
});
