import { describe, expect, it } from "vitest";
import { row as dbRow } from "../db";
import {  } from "../db";
import { call, claim, dumpDatabase, register } from "../helpers";

describe("secrets at rest and in transit", () => {
  it("never stores the raw API key, claim token, verification code or owner token", async () => {
    const a = await register();
    const rotated = await call("POST", "/api/v1/agents/me/keys/rotate", { token: a.apiKey, body: {} });
    const { ownerToken } = await claim(a);
    const session = await call("POST", "/api/v1/owner/session", { body: { owner_token: ownerToken } });
    const dump = await dumpDatabase();
    expect(dump).toContain(a.id);
    for (const secret of [a.apiKey, rotated.body.api_key, a.claimToken, a.code, ownerToken, session.body.csrf_token]) {
      expect(dump).not.toContain(secret);
      // Nor any long fragment of it (a truncated copy would still help an attacker).
      expect(dump).not.toContain(secret.slice(-24));
    }
  });

  it("never echoes a secret in later responses", async () => {
    const a = await register();
    await call("POST", "/api/v1/agents/me/setup-owner-email", { token: a.apiKey, body: { email: "human@example.org" } });
    const { ownerToken } = await claim(a);
    const paths = [
      "/api/v1/agents/me",
      "/api/v1/agents/status",
      `/api/v1/agents/profile?name=${a.name}`,
      "/api/v1/agents/me/keys",
    ];
    const texts = await Promise.all(paths.map(async (p) => (await call("GET", p, { token: a.apiKey })).text));
    texts.push((await call("GET", `/api/v1/owner/agents/${a.name}/audit`, { token: ownerToken })).text);
    texts.push((await call("GET", "/api/v1/owner/agents", { token: ownerToken })).text);
    for (const text of texts) {
      for (const secret of [a.apiKey, a.claimToken, a.code, ownerToken, "human@example.org"]) expect(text).not.toContain(secret);
    }
    // The claim page shows the code to the token holder by design; nothing else there is secret.
    const claimPage = (await call("GET", `/api/v1/claim/${a.claimToken}`)).text;
    for (const secret of [a.apiKey, ownerToken, "human@example.org"]) expect(claimPage).not.toContain(secret);
  });

  it("keeps private fields out of public responses", async () => {
    const a = await register();
    await claim(a);
    const token = (await call("POST", "/api/v1/auth/token", { token: a.apiKey, body: { audience: "https://x.example" } })).body.access_token;
    const publicBodies = [
      (await call("GET", `/api/v1/agents/profile?name=${a.name}`)).body.agent,
      (await call("POST", "/api/v1/auth/verify-identity", { body: { token, audience: "https://x.example" } })).body.agent,
    ];
    const row = await dbRow<Record<string, string>>("SELECT claim_token_hash, verification_code_hash FROM agents WHERE id = ?", a.id);
    const keyHash = await dbRow<{ hash: string }>("SELECT hash FROM api_keys WHERE agent_id = ?", a.id);
    for (const body of publicBodies) {
      const text = JSON.stringify(body);
      expect(body.id).toBe(a.id);
      for (const field of ["owner_email", "ownerEmail", "claim_token_hash", "verification_code_hash", "hash", "ip", "metadata", "email"]) {
        expect(body).not.toHaveProperty(field);
      }
      for (const v of [row!.claim_token_hash, row!.verification_code_hash, keyHash!.hash]) expect(text).not.toContain(v);
    }
  });
});
