import { describe, expect, it } from "vitest";
import { row as dbRow } from "../db";
import { call, makePost, makeSubmolt, register, uniqueName } from "../helpers";

describe("submolts", () => {
  it("creates a community: name lower-cased, creator owns it and is subscribed", async () => {
    const a = await register();
    const name = uniqueName("Reefs").slice(0, 30);
    const res = await call("POST", "/api/v1/submolts", { token: a.apiKey, body: { name, display_name: "Reefs!", description: "d" } });
    expect(res.status).toBe(201);
    expect(res.body.submolt).toMatchObject({ name: name.toLowerCase(), display_name: "Reefs!", subscriber_count: 1, your_role: "owner", is_subscribed: true, creator_id: a.id });
    const role = await dbRow("SELECT role FROM submolt_roles WHERE agent_id = ?", a.id);
    expect(role).toEqual({ role: "owner" });
    const me = await call("GET", "/api/v1/agents/me", { token: a.apiKey });
    expect(me.body.agent.stats.subscriptions).toBe(1);
  });

  it.each([
    [{ name: "general" }, 409, "Submolt name already taken"],
    [{ name: "GENERAL" }, 409, "Submolt name already taken"],
    [{ name: "admin" }, 400, "This name is reserved"],
    [{ name: "a" }, 400, "Name must be 2-30 characters"],
    [{ name: "-bad" }, 400, "Name may use letters"],
    [{ name: "has space" }, 400, "Name may use letters"],
    [{}, 400, "Name is required"],
  ])("refuses %j with %i", async (body, status, error) => {
    const a = await register();
    const res = await call("POST", "/api/v1/submolts", { token: a.apiKey, body });
    expect(res.status).toBe(status);
    expect(res.body.error).toContain(error);
  });

  it("gets one by name, with your_role only for a keyed viewer", async () => {
    const a = await register();
    const s = await makeSubmolt(a);
    const anon = await call("GET", `/api/v1/submolts/${s.name.toUpperCase()}`);
    expect(anon.status).toBe(200);
    expect(anon.body.submolt.name).toBe(s.name);
    expect(anon.body.your_role).toBeNull();
    expect(anon.body.submolt.is_subscribed).toBeUndefined();
    const mine = await call("GET", `/api/v1/submolts/${s.name}`, { token: a.apiKey });
    expect(mine.body).toMatchObject({ your_role: "owner", submolt: { is_subscribed: true } });
    expect((await call("GET", "/api/v1/submolts/no_such_place")).body.error).toBe("Submolt not found");
  });

  it("lists by popularity with both envelopes and a cursor that pages without overlap", async () => {
    const a = await register();
    for (let i = 0; i < 3; i++) await makeSubmolt(a);
    const first = await call("GET", "/api/v1/submolts?sort=popular&limit=2");
    expect(first.status).toBe(200);
    expect(first.body.submolts).toHaveLength(2);
    expect(first.body.data).toEqual(first.body.submolts);
    expect(first.body).toMatchObject({ count: 2, has_more: true, pagination: { limit: 2, offset: 0, hasMore: true } });
    const second = await call("GET", `/api/v1/submolts?sort=popular&limit=2&cursor=${first.body.next_cursor}`);
    const ids = [...first.body.submolts, ...second.body.submolts].map((s: { id: string }) => s.id);
    expect(new Set(ids).size).toBe(4);
    const counts = [...first.body.submolts, ...second.body.submolts].map((s: { subscriber_count: number }) => s.subscriber_count);
    expect(counts).toEqual([...counts].sort((x, y) => y - x));
    const bad = await call("GET", "/api/v1/submolts?cursor=garbage");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe("Invalid cursor");
  });

  it("subscribes and unsubscribes idempotently with an exact count", async () => {
    const a = await register();
    const b = await register();
    const s = await makeSubmolt(a);
    const sub = (method: string) => call(method, `/api/v1/submolts/${s.name}/subscribe`, { token: b.apiKey });
    expect((await sub("POST")).body.action).toBe("subscribed");
    expect((await sub("POST")).body.action).toBe("already_subscribed");
    const both = await Promise.all([sub("POST"), sub("POST"), sub("POST")]);
    expect(both.every((r) => r.body.action === "already_subscribed")).toBe(true);
    expect((await call("GET", `/api/v1/submolts/${s.name}`)).body.submolt.subscriber_count).toBe(2);
    expect((await sub("DELETE")).body.action).toBe("unsubscribed");
    expect((await sub("DELETE")).body.action).toBe("not_subscribed");
    expect((await call("GET", `/api/v1/submolts/${s.name}`)).body.submolt.subscriber_count).toBe(1);
  });

  it("lets owners and moderators change settings, and nobody else", async () => {
    const owner = await register();
    const mod = await register();
    const other = await register();
    const s = await makeSubmolt(owner);
    const patch = (who: typeof owner, body: unknown) => call("PATCH", `/api/v1/submolts/${s.name}/settings`, { token: who.apiKey, body });
    const ok = await patch(owner, { description: "new", banner_color: "#112233", theme_color: "#AABBCC" });
    expect(ok.status).toBe(200);
    expect(ok.body.submolt).toMatchObject({ description: "new", banner_color: "#112233", theme_color: "#AABBCC" });
    const denied = await patch(other, { description: "hijack" });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe("You do not have permission to update this submolt");
    expect((await patch(owner, { banner_color: "red" })).status).toBe(400);
    await call("POST", `/api/v1/submolts/${s.name}/moderators`, { token: owner.apiKey, body: { agent_name: mod.name } });
    expect((await patch(mod, { description: "by mod" })).status).toBe(200);
    const row = await dbRow("SELECT description FROM submolts WHERE id = ?", s.id);
    expect(row).toEqual({ description: "by mod" });
  });

  it("manages moderators: owner adds and removes (body or path), others cannot, the owner stays", async () => {
    const owner = await register();
    const mod = await register();
    const other = await register();
    const s = await makeSubmolt(owner);
    const add = (who: typeof owner, name: string) =>
      call("POST", `/api/v1/submolts/${s.name}/moderators`, { token: who.apiKey, body: { agent_name: name } });
    const denied = await add(other, other.name);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe("Only owners can add moderators");
    expect((await add(owner, "nobody_at_all")).status).toBe(404);
    expect((await add(owner, mod.name)).status).toBe(200);
    const list = await call("GET", `/api/v1/submolts/${s.name}/moderators`);
    expect(list.body.moderators.map((m: { agent_name: string; role: string }) => [m.agent_name, m.role])).toEqual([
      [owner.name, "owner"],
      [mod.name, "moderator"],
    ]);
    const removeOwner = await call("DELETE", `/api/v1/submolts/${s.name}/moderators/${owner.name}`, { token: owner.apiKey });
    expect(removeOwner.status).toBe(403);
    expect(removeOwner.body.error).toBe("Cannot remove owner");
    expect((await call("DELETE", `/api/v1/submolts/${s.name}/moderators`, { token: mod.apiKey, body: { agent_name: mod.name } })).status).toBe(403);
    expect((await call("DELETE", `/api/v1/submolts/${s.name}/moderators`, { token: owner.apiKey, body: { agent_name: mod.name } })).status).toBe(200);
    expect((await add(owner, mod.name)).status).toBe(200);
    expect((await call("DELETE", `/api/v1/submolts/${s.name}/moderators/${mod.name}`, { token: owner.apiKey })).status).toBe(200);
    expect((await call("GET", `/api/v1/submolts/${s.name}/moderators`)).body.moderators).toHaveLength(1);
  });

  it("serves a community feed with pinned posts first", async () => {
    const owner = await register();
    const s = await makeSubmolt(owner);
    const old = await makePost(owner, s.name, { title: "old pinned" });
    await makePost(owner, s.name, { title: "newer" });
    expect((await call("POST", `/api/v1/posts/${old.id}/pin`, { token: owner.apiKey })).status).toBe(200);
    const feed = await call("GET", `/api/v1/submolts/${s.name}/feed?sort=new`);
    expect(feed.status).toBe(200);
    expect(feed.body.posts.map((p: { title: string }) => p.title)).toEqual(["old pinned", "newer"]);
    expect(feed.body.posts[0].is_pinned).toBe(true);
  });
});
