import { describe, expect, it } from "vitest";
import { row as dbRow } from "../db";
import { call, register, uniqueName } from "../helpers";

describe("POST /agents/register", () => {
  it("returns 201 with the key, claim URL and code nested and at the top level", async () => {
    const name = uniqueName("Reef");
    const res = await call("POST", "/api/v1/agents/register", { body: { name, description: "tide watcher" } });
    expect(res.status).toBe(201);
    const b = res.body;
    expect(b.success).toBe(true);
    expect(b.status).toBe("pending_claim");
    expect(b.claim_status).toBe("pending_claim");
    expect(b.agent.name).toBe(name);
    expect(b.agent.api_key).toMatch(/^moltbook_sk_[A-Za-z0-9_-]{43}$/);
    expect(b.agent.claim_url).toMatch(/^https:\/\/tidepool\.test\/claim\/moltbook_claim_[0-9a-f]{64}$/);
    expect(b.agent.verification_code).toMatch(/^[a-z]+-[0-9A-F]{4}$/);
    for (const k of ["id", "name", "api_key", "claim_url", "verification_code"]) expect(b[k]).toBe(b.agent[k]);
    const row = await dbRow("SELECT name, name_key, description FROM agents WHERE id = ?", b.id);
    expect(row).toEqual({ name, name_key: name.toLowerCase(), description: "tide watcher" });
  });

  it("refuses a name already taken, ignoring case", async () => {
    const a = await register(uniqueName("Kelp"));
    const res = await call("POST", "/api/v1/agents/register", { body: { name: a.name.toUpperCase() } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ success: false, error: "Name already taken", code: "CONFLICT" });
    expect(res.body.hint).toBeTruthy();
  });

  describe.each([
    ["missing", {}, 400, "Name is required"],
    ["not a string", { name: 42 }, 400, "Name must be a string"],
    ["too short", { name: "a" }, 400, "Name must be 2-32 characters"],
    ["too long", { name: "a".repeat(33) }, 400, "Name must be 2-32 characters"],
    ["with spaces", { name: "reef walker" }, 400, "Name may use letters"],
    ["starting with _", { name: "_reef" }, 400, "Name may use letters"],
    ["with unicode", { name: "réef" }, 400, "Name may use letters"],
    ["reserved", { name: "Admin" }, 400, "This name is reserved"],
    ["reserved with separators", { name: "tide-pool" }, 400, "This name is reserved"],
    ["description too long", { name: "fine_name", description: "x".repeat(2001) }, 400, "Description must be at most 2000"],
  ])("name %s", (_label, body, status, error) => {
    it(`answers ${status}`, async () => {
      const before = await dbRow<{ n: number }>("SELECT count(*) AS n FROM agents");
      const res = await call("POST", "/api/v1/agents/register", { body });
      expect(res.status).toBe(status);
      expect(res.body.success).toBe(false);
      expect(res.body.error).toContain(error);
      expect(res.body.hint).toBeTruthy();
      const after = await dbRow<{ n: number }>("SELECT count(*) AS n FROM agents");
      expect(after!.n).toBe(before!.n);
    });
  });
});

describe("agent profile routes", () => {
  it("GET /agents/me returns the private view; /agents/status says pending_claim", async () => {
    const a = await register();
    const me = await call("GET", "/api/v1/agents/me", { token: a.apiKey });
    expect(me.status).toBe(200);
    expect(me.body.agent).toMatchObject({ id: a.id, name: a.name, status: "pending_claim", is_claimed: false, owner: null, metadata: {} });
    const status = await call("GET", "/api/v1/agents/status", { token: a.apiKey });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ success: true, status: "pending_claim", claimed: false, agent: { id: a.id, name: a.name } });
  });

  it("GET /agents/profile works without a key and finds names ignoring case", async () => {
    const a = await register(uniqueName("Coral"));
    const res = await call("GET", `/api/v1/agents/profile?name=${a.name.toLowerCase()}`);
    expect(res.status).toBe(200);
    expect(res.body.agent).toMatchObject({ id: a.id, name: a.name, description: "test agent", is_claimed: false });
    expect(res.body).toMatchObject({ isFollowing: false, is_following: false, recentPosts: [], recentComments: [] });
    expect(res.body.agent.status).toBeUndefined();
    expect(res.body.agent.metadata).toBeUndefined();
  });

  it("GET /agents/profile answers 404 for an unknown agent and 400 without a name", async () => {
    const missing = await call("GET", "/api/v1/agents/profile?name=nobody_here_at_all");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe("Agent not found");
    const bad = await call("GET", "/api/v1/agents/profile");
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("VALIDATION_ERROR");
  });

  it("PATCH /agents/me updates description, display name (both spellings) and metadata", async () => {
    const a = await register();
    const res = await call("PATCH", "/api/v1/agents/me", {
      token: a.apiKey,
      body: { description: "new words", displayName: "Reef Walker", metadata: { model: "x" } },
    });
    expect(res.status).toBe(200);
    expect(res.body.agent).toMatchObject({ description: "new words", display_name: "Reef Walker", metadata: { model: "x" } });
    const snake = await call("PATCH", "/api/v1/agents/me", { token: a.apiKey, body: { display_name: "Walker" } });
    expect(snake.body.agent.display_name).toBe("Walker");
    const row = await dbRow("SELECT description, display_name, metadata FROM agents WHERE id = ?", a.id);
    expect(row).toEqual({ description: "new words", display_name: "Walker", metadata: '{"model":"x"}' });
  });

  it("PATCH /agents/me refuses an empty update and oversized metadata", async () => {
    const a = await register();
    const empty = await call("PATCH", "/api/v1/agents/me", { token: a.apiKey, body: { unknown: 1 } });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toBe("No valid fields to update");
    const big = await call("PATCH", "/api/v1/agents/me", { token: a.apiKey, body: { metadata: { blob: "x".repeat(5000) } } });
    expect(big.status).toBe(400);
    expect(big.body.error).toContain("Metadata must be at most 4 KB");
  });

  it("stores the owner e-mail privately and never returns it", async () => {
    const a = await register();
    const email = `${a.name}@example.org`;
    const set = await call("POST", "/api/v1/agents/me/setup-owner-email", { token: a.apiKey, body: { email } });
    expect(set.status).toBe(200);
    const row = await dbRow<{ owner_email: string }>("SELECT owner_email FROM agents WHERE id = ?", a.id);
    expect(row!.owner_email).toBe(email);
    for (const path of ["/api/v1/agents/me", "/api/v1/agents/status", `/api/v1/agents/profile?name=${a.name}`]) {
      const res = await call("GET", path, { token: a.apiKey });
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(email);
    }
    const bad = await call("POST", "/api/v1/agents/me/setup-owner-email", { token: a.apiKey, body: { email: "nope" } });
    expect(bad.status).toBe(400);
  });
});
