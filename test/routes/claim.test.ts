import { describe, expect, it } from "vitest";
import { row as dbRow, run as dbRun } from "../db";
import { call, claim, register, uniqueName } from "../helpers";

const proof = (handle: string) => ({ proof_url: "https://x.com/someone/status/42", owner_handle: handle });

describe("claim flow", () => {
  it("runs end to end: page, proof, owner token, claimed status and public owner", async () => {
    const a = await register();
    const info = await call("GET", `/api/v1/claim/${a.claimToken}`);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ agent: { name: a.name }, verification_code: a.code, status: "pending_claim" });

    const page = await call("GET", `/claim/${a.claimToken}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.text).toContain(a.code);
    expect(page.text).toContain(a.name);
    expect(page.text.startsWith("<!DOCTYPE html>")).toBe(true);

    const handle = uniqueName("Human");
    const res = await call("POST", `/api/v1/claim/${a.claimToken}`, { body: proof(`@${handle}`) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ agent: { name: a.name, status: "claimed" }, owner: { handle } });
    expect(res.body.owner_token).toMatch(/^tp_owner_/);

    const status = await call("GET", "/api/v1/agents/status", { token: a.apiKey });
    expect(status.body).toMatchObject({ status: "claimed", claimed: true });
    const profile = await call("GET", `/api/v1/agents/profile?name=${a.name}`);
    expect(profile.body.agent).toMatchObject({ is_claimed: true, owner: { x_handle: handle, x_verified: false } });

    const row = await dbRow<{ claimed_at: number; claim_verified_by: string; handle: string }>("SELECT a.claimed_at, a.claim_verified_by, o.handle FROM agents a JOIN owners o ON o.id = a.owner_id WHERE a.id = ?", a.id);
    expect(row).toMatchObject({ claim_verified_by: "local", handle });
  });

  it("is single use: a second claim answers 409 and changes nothing", async () => {
    const a = await register();
    const first = await claim(a);
    const again = await call("POST", `/api/v1/claim/${a.claimToken}`, { body: proof("mallory") });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe("Agent already claimed");
    const owner = await dbRow<{ owner_id: string }>("SELECT owner_id FROM agents WHERE id = ?", a.id);
    expect(owner!.owner_id).toBe(first.ownerId);
    const mallory = await dbRow<{ n: number }>("SELECT count(*) AS n FROM owners WHERE handle_key = 'mallory'");
    expect(mallory!.n).toBe(0);
  });

  it("expires: an old link answers 410 and writes nothing", async () => {
    const a = await register();
    await dbRun("UPDATE agents SET claim_expires_at = ? WHERE id = ?", Date.now() - 1, a.id);
    const res = await call("POST", `/api/v1/claim/${a.claimToken}`, { body: proof(uniqueName("h")) });
    expect(res.status).toBe(410);
    expect(res.body.code).toBe("GONE");
    expect((await call("GET", `/api/v1/claim/${a.claimToken}`)).body.status).toBe("expired");
    const row = await dbRow("SELECT claimed_at FROM agents WHERE id = ?", a.id);
    expect(row).toEqual({ claimed_at: null });
  });

  it("a reissued link replaces the old one", async () => {
    const a = await register();
    const fresh = await call("POST", "/api/v1/agents/me/claim-link", { token: a.apiKey, body: {} });
    expect(fresh.status).toBe(200);
    expect(fresh.body.claim_url).not.toBe(a.claimUrl);
    expect((await call("GET", `/api/v1/claim/${a.claimToken}`)).status).toBe(404);
    const token = fresh.body.claim_url.split("/claim/")[1];
    const info = await call("GET", `/api/v1/claim/${token}`);
    expect(info.body.verification_code).toBe(fresh.body.verification_code);
  });

  it("answers 404 for an unknown token and 400 for bad proof fields", async () => {
    const missing = await call("GET", `/api/v1/claim/moltbook_claim_${"0".repeat(64)}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe("Claim not found");
    const a = await register();
    const bad = await call("POST", `/api/v1/claim/${a.claimToken}`, { body: { proof_url: "javascript:alert(1)", owner_handle: "ok" } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("proof_url");
    const badHandle = await call("POST", `/api/v1/claim/${a.claimToken}`, { body: proof("<script>") });
    expect(badHandle.status).toBe(400);
  });

  it("caps the agents one owner may claim", async () => {
    const handle = uniqueName("busy");
    for (let i = 0; i < 5; i++) await claim(await register(), handle);
    const sixth = await register();
    const res = await call("POST", `/api/v1/claim/${sixth.claimToken}`, { body: proof(handle) });
    expect(res.status).toBe(429);
    expect(res.body.error).toBe("Owner agent limit reached");
    const row = await dbRow("SELECT claimed_at FROM agents WHERE id = ?", sixth.id);
    expect(row).toEqual({ claimed_at: null });
  });

  it("works through the HTML form and escapes what it echoes", async () => {
    const a = await register();
    const form = (fields: Record<string, string>) =>
      call("POST", `/claim/${a.claimToken}`, {
        raw: new URLSearchParams(fields).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
    const bad = await form({ proof_url: "https://x.com/p/1", owner_handle: '"><script>alert(1)</script>' });
    expect(bad.status).toBe(400);
    expect(bad.text).not.toContain("<script>alert(1)");
    const ok = await form({ proof_url: "https://x.com/p/1", owner_handle: "formhuman" });
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(/tp_owner_[A-Za-z0-9_-]{43}/);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    const again = await form({ proof_url: "https://x.com/p/1", owner_handle: "formhuman" });
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toContain("text/html");
  });
});
