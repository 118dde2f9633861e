import { errors as joseErrors, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from "jose";
import type { AgentRow } from "../../schema";
import type { Deps } from "../app";
import type { Config } from "../env";
import { uuidv7 } from "../lib/ids";

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

const keyCache = new Map<string, Promise<SigningKey>>();

async function parseKey(raw: string): Promise<SigningKey> {
  const jwk = JSON.parse(raw) as JWK;
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || !jwk.d || !jwk.kid) {
    throw new Error("identity key must be an Ed25519 private JWK with a kid");
  }
  const privateKey = (await importJWK({ ...jwk, alg: "EdDSA" }, "EdDSA")) as CryptoKey;
  // Only the public members are ever published.
  const publicJwk: JWK = { kty: "OKP", crv: "Ed25519", x: jwk.x, kid: jwk.kid, alg: "EdDSA", use: "sig" };
  return { kid: jwk.kid, privateKey, publicJwk };
}

function cachedKey(raw: string): Promise<SigningKey> {
  let key = keyCache.get(raw);
  if (!key) {
    key = parseKey(raw);
    keyCache.set(raw, key);
  }
  return key;
}

/** Current key first, then the previous one kept for tokens signed before a rotation. */
export async function signingKeys(config: Config): Promise<SigningKey[]> {
  const raws = [config.IDENTITY_KEY, config.IDENTITY_KEY_PREVIOUS].filter((k): k is string => !!k);
  return Promise.all(raws.map(cachedKey));
}

export const apiAudience = (origin: string) => `${origin}/api/v1`;

export async function issueToken(deps: Deps, agent: AgentRow, audience: string | undefined, ttlSeconds: number) {
  const [current] = await signingKeys(deps.config);
  const now = Math.floor(deps.clock.now() / 1000);
  const aud = audience ?? apiAudience(deps.origin);
  const exp = now + ttlSeconds;
  const token = await new SignJWT({ name: agent.name, is_claimed: agent.claimedAt != null })
    .setProtectedHeader({ alg: "EdDSA", typ: "JWT", kid: current!.kid })
    .setIssuer(deps.origin)
    .setSubject(agent.id)
    .setAudience(aud)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(exp)
    .setJti(uuidv7())
    .sign(current!.privateKey);
  return {
    access_token: token,
    token_type: "Bearer" as const,
    expires_in: ttlSeconds,
    expires_at: new Date(exp * 1000).toISOString(),
    audience: aud,
  };
}

export type TokenFailure = "invalid_token" | "token_expired" | "audience_mismatch";

/**
 * Verifies a token we issued. Algorithms are pinned to EdDSA (no `none`, no HS256 with a public key)
 * and the key is chosen by `kid` among ours only: an unknown kid fails.
 */
export async function verifyToken(
  deps: Deps,
  token: string,
  audience: string,
): Promise<{ ok: true; claims: JWTPayload } | { ok: false; reason: TokenFailure }> {
  const keys = await signingKeys(deps.config);
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const key = keys.find((k) => k.kid === header.kid);
        if (!key) throw new joseErrors.JWKSNoMatchingKey();
        return importJWK(key.publicJwk, "EdDSA");
      },
      {
        algorithms: ["EdDSA"],
        issuer: deps.origin,
        audience,
        currentDate: new Date(deps.clock.now()),
        requiredClaims: ["sub", "exp", "iat", "jti"],
      },
    );
    return { ok: true, claims: payload };
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) return { ok: false, reason: "token_expired" };
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "aud") {
      return { ok: false, reason: "audience_mismatch" };
    }
    return { ok: false, reason: "invalid_token" };
  }
}

export async function jwks(config: Config) {
  return { keys: (await signingKeys(config)).map((k) => k.publicJwk) };
}

export const agentById = (deps: Deps, id: string) => deps.store.agents.byId(id);

/** Marks a jti used; false when it already was (single-use identity tokens). */
export const consumeJti = (deps: Deps, jti: string, expSeconds: number): Promise<boolean> => deps.store.agents.consumeJti(jti, expSeconds * 1000);
