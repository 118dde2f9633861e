import { describe, expect, it } from "vitest";
import { call, register } from "../helpers";

describe("smoke", () => {
  it("serves health", async () => {
    const res = await call("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("healthy");
  });
  it("registers and reads me", async () => {
    const a = await register();
    const me = await call("GET", "/api/v1/agents/me", { token: a.apiKey });
    expect(me.status, me.text).toBe(200);
    expect(me.body.agent.name).toBe(a.name);
  });
});
