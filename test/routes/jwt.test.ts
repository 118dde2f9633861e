import { env } from "cloudflare:workers";
import { base64url, importJWK, SignJWT, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { call, claim, ORIGIN, register } from "../helpers";

const AUD = `${ORIGIN}/api/v1`;
const privateJwk = (raw: string) => JSON.parse(raw) as JWK & { kid: string };

/** Signs like the server does, with knobs to make the token wrong in one way at a time. */
async function forge(sub: string, opts: { kid?: string; aud?: string; exp?: number; key?: string; iss?: string } = {}) {
  const jwk = privateJwk(opts.key ?? env.IDENTITY_KEY);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ name: "x" })
    .setProtectedHeader({ alg: "EdDSA", typ: "JWT", kid: opts.kid ?? jwk.kid })
    .setIssuer(opts.iss ?? ORIGIN)
    .setSubject(sub)
    .setAudience(opts.aud ?? AUD)
    .setIssuedAt(now - 10)
    .setExpirationTime(opts.exp ?? now + 300)
    .setJti(crypto.randomUUID())
    .sign(await importJWK(jwk, "EdDSA"));
}

const me = (token: string) => call("GET", "/api/v1/agents/me", { token });

describe("POST /auth/token", () => {
  it("issues an EdDSA JWT with the documented claims that works as the key", async () => {
    const a = await register();
    const res = await call("POST", "/api/v1/auth/token", { token: a.apiKey, body: { ttl_seconds: 120 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: "Bearer", expires_in: 120, audience: AUD });
    const [h, p] = res.body.access_token.split(".");
    const header = JSON.parse(new TextDecoder().decode(base64url.decode(h)));
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p)));
    expect(header).toEqual({ alg: "EdDSA", typ: "JWT", kid: privateJwk(env.IDENTITY_KEY).kid });
    expect(payload).toMatchObject({ iss: ORIGIN, sub: a.id, aud: AUD, name: a.name, is_claimed: false });
    expect(payload.exp - payload.iat).toBe(120);
    expect(payload.jti).toBeTruthy();
    const ok = await me(res.body.access_token);
    expect(ok.status).toBe(200);
    expect(ok.body.agent.id).toBe(a.id);
  });

  it("still accepts tokens signed with the previous key", async () => {
    const a = await register();
    expect((await me(await forge(a.id, { key: env.IDENTITY_KEY_PREVIOUS }))).status).toBe(200);
  });

  it("refuses ttl out of range", async () => {
    const a = await register();
    const res = await call("POST", "/api/v1/auth/token", { token: a.apiKey, body: { ttl_seconds: 86_400 } });
    expect(res.status).toBe(400);
  });
});

describe("JWT verification refuses", () => {
  const cases: [string, (sub: string) => Promise<string>][] = [
    ["an expired token", (sub) => forge(sub, { exp: Math.floor(Date.now() / 1000) - 60 })],
    ["a wrong audience", (sub) => forge(sub, { aud: "https://elsewhere.example" })],
    ["a wrong issuer", (sub) => forge(sub, { iss: "https://evil.example" })],
    ["an unknown kid", (sub) => forge(sub, { kid: "not-ours" })],
    [
      "a tampered payload",
      async (sub) => {
        const [h, , s] = (await forge(sub)).split(".");
        const other = await register();
        const p = base64url.encode(JSON.stringify({ iss: ORIGIN, sub: other.id, aud: AUD, exp: 9e9, iat: 1, jti: "x" }));
        return `${h}.${p}.${s}`;
      },
    ],
    [
      "alg none",
      async (sub) => {
        const h = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT", kid: privateJwk(env.IDENTITY_KEY).kid }));
        const p = base64url.encode(JSON.stringify({ iss: ORIGIN, sub, aud: AUD, exp: 9e9, iat: 1, jti: "x" }));
        return `${h}.${p}.`;
      },
    ],
    [
      "HS256 signed with the public key",
      async (sub) => {
        const jwks = (await call("GET", "/.well-known/jwks.json")).body;
        // The classic confusion attack: the published public key used as an HMAC secret.
        const x = new TextEncoder().encode(jwks.keys[0].x);
        const now = Math.floor(Date.now() / 1000);
        const claims = { iss: ORIGIN, sub, aud: AUD, iat: now, exp: now + 300, jti: "x" };
        return new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: jwks.keys[0].kid }).sign(x);
      },
    ],
  ];

  it.each(cases)("%s", async (_label, make) => {
    const a = await register();
    const res = await me(await make(a.id));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ success: false, error: "Invalid or expired token", code: "UNAUTHORIZED" });
  });

  it("a suspended agent's JWT", async () => {
    const a = await register();
    const { ownerToken } = await claim(a);
    const token = (await call("POST", "/api/v1/auth/token", { token: a.apiKey, body: {} })).body.access_token;
    expect((await me(token)).status).toBe(200);
    await call("POST", `/api/v1/owner/agents/${a.name}/suspend`, { token: ownerToken });
    const res = await me(token);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("AGENT_SUSPENDED");
  });

  it("a third-party identity token used as an API credential", async () => {
    const a = await register();
    const token = (await call("POST", "/api/v1/auth/token", { token: a.apiKey, body: { audience: "https://game.example" } })).body.access_token;
    expect((await me(token)).status).toBe(401);
  });
});

describe("GET /.well-known/jwks.json", () => {
  it("publishes current and previous public keys with no private member", async () => {
    const res = await call("GET", "/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    const kids = res.body.keys.map((k: JWK) => k.kid);
    // The suite's generated keys, not a developer's .dev.vars, must be in force.
    expect(kids).toEqual(["test-current", "test-previous"]);
    for (const k of res.body.keys) {
      expect(Object.keys(k).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x"]);
      expect(k).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
    }
    expect(res.text).not.toContain(privateJwk(env.IDENTITY_KEY).d);
  });
});

describe("POST /auth/verify-identity", () => {
  const AUDIENCE = "https://game.example";
  const identity = async (apiKey: string) =>
    (await call("POST", "/api/v1/auth/token", { token: apiKey, body: { audience: AUDIENCE } })).body.access_token as string;

  it("confirms a valid token with the agent's public profile", async () => {
    const a = await register();
    const token = await identity(a.apiKey);
    const res = await call("POST", "/api/v1/auth/verify-identity", { body: { token, audience: AUDIENCE } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ valid: true, agent: { id: a.id, name: a.name }, claims: { sub: a.id, aud: AUDIENCE, iss: ORIGIN } });
    expect(res.body.agent.profile_url).toBe(`${ORIGIN}/u/${a.name}`);
  });

  it("reports audience_mismatch, token_expired, invalid_token and agent_suspended", async () => {
    const a = await register();
    const token = await identity(a.apiKey);
    const wrongAud = await call("POST", "/api/v1/auth/verify-identity", { body: { token, audience: "https://other.example" } });
    expect(wrongAud.status).toBe(401);
    expect(wrongAud.body).toMatchObject({ valid: false, error: "audience_mismatch" });
    const expired = await forge(a.id, { aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) - 5 });
    const exp = await call("POST", "/api/v1/auth/verify-identity", { body: { token: expired, audience: AUDIENCE } });
    expect(exp.body).toMatchObject({ valid: false, error: "token_expired" });
    const junk = await call("POST", "/api/v1/auth/verify-identity", { body: { token: "a.b.c", audience: AUDIENCE } });
    expect(junk.body).toMatchObject({ valid: false, error: "invalid_token" });
    const { ownerToken } = await claim(a);
    await call("POST", `/api/v1/owner/agents/${a.name}/suspend`, { token: ownerToken });
    const susp = await call("POST", "/api/v1/auth/verify-identity", { body: { token, audience: AUDIENCE } });
    expect(susp.body).toMatchObject({ valid: false, error: "agent_suspended" });
  });

  it("consumes a token once when asked", async () => {
    const a = await register();
    const token = await identity(a.apiKey);
    const first = await call("POST", "/api/v1/auth/verify-identity", { body: { token, audience: AUDIENCE, consume: true } });
    expect(first.status).toBe(200);
    const again = await call("POST", "/api/v1/auth/verify-identity", { body: { token, audience: AUDIENCE, consume: true } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ valid: false, error: "token_already_used" });
  });
});
