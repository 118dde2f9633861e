// Signing and verification of the instruction files (skill.md, heartbeat.md, ...). Plain ESM with
// JSDoc types so the Worker, the maintainer CLI, the tests and the published client (which verifies
// what it fetches) share one implementation; it lives in the client package because agents need it.
import { CompactSign, compactVerify, importJWK } from "jose";

export const FILE_NAMES = ["skill.md", "heartbeat.md", "messaging.md", "rules.md", "skill.json"];
const JWS_TYPE = "tidepool-file+jws";

/** @param {Uint8Array} bytes */
export async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Semantic version compare: -1, 0 or 1. Missing parts count as 0; non-numeric parts are refused. */
export function compareVersions(a, b) {
  const parse = (v) => {
    if (!/^\d+(\.\d+){0,2}$/.test(v)) throw new Error(`"${v}" is not a version like 1.2.3`);
    return v.split(".").map(Number);
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** The next patch version: rollbacks re-publish old text under it, never under a lower number. */
export function bumpPatch(v) {
  const [major = 0, minor = 0, patch = 0] = v.split(".").map(Number);
  return `${major}.${minor}.${patch + 1}`;
}

/** Rollback protection: a publish must carry a strictly higher version than what is live. */
export function assertForward(current, next) {
  if (current && compareVersions(next, current) <= 0) {
    throw new Error(`version ${next} is not greater than the published ${current}; bump the version (rollbacks re-publish as a new version)`);
  }
}

/** Reads `version:` from Markdown front matter or `"version"` from JSON. */
export function versionOf(name, text) {
  if (name.endsWith(".json")) return String(JSON.parse(text).version ?? "");
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  const v = m && /^version:\s*["']?([\d.]+)["']?\s*$/m.exec(m[1]);
  return v ? v[1] : "";
}

/** Rewrites the version in front matter or JSON (used by rollback). */
export function withVersion(name, text, version) {
  if (name.endsWith(".json")) return `${JSON.stringify({ ...JSON.parse(text), version }, null, 2)}\n`;
  return text.replace(/^(---\r?\n[\s\S]*?^version:\s*)["']?[\d.]+["']?/m, `$1${version}`);
}

/**
 * Signs a file body: a compact JWS (EdDSA) whose payload is {name, version, sha256, expires_at},
 * detached from the body so it can travel in a header or a .sig file.
 * @param {{name: string, body: Uint8Array, version: string, expiresAt: Date, privateJwk: object}} input
 */
export async function signFile({ name, body, version, expiresAt, privateJwk }) {
  const key = await importJWK({ ...privateJwk, alg: "EdDSA" }, "EdDSA");
  const claims = { name, version, sha256: await sha256Hex(body), expires_at: expiresAt.toISOString() };
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: "EdDSA", kid: privateJwk.kid, typ: JWS_TYPE })
    .sign(key);
  return { ...claims, signature: jws };
}

/**
 * What an agent should do with a fetched file: check the signature against the publisher key it
 * pinned, that the signed digest is the body's, that the name matches, that it has not expired, and
 * that the version did not go backwards. Returns the claims, or throws with the reason.
 * @param {{name: string, body: Uint8Array, signature: string, publicJwk: object, minVersion?: string, now?: Date}} input
 */
export async function verifyFile({ name, body, signature, publicJwk, minVersion, now = new Date() }) {
  if (publicJwk.d) throw new Error("refusing a private key as a verification key");
  const key = await importJWK({ ...publicJwk, alg: "EdDSA" }, "EdDSA");
  let result;
  try {
    result = await compactVerify(signature, key, { algorithms: ["EdDSA"] });
  } catch {
    throw new Error("bad signature: not made by this publisher key");
  }
  if (result.protectedHeader.typ !== JWS_TYPE) throw new Error("bad signature: not a Tidepool file signature");
  const claims = JSON.parse(new TextDecoder().decode(result.payload));
  if (claims.name !== name) throw new Error(`signature is for ${claims.name}, not ${name}`);
  if (claims.sha256 !== (await sha256Hex(body))) throw new Error("body does not match the signed digest (tampered or truncated)");
  if (!(Date.parse(claims.expires_at) > now.getTime())) throw new Error(`signature expired at ${claims.expires_at}`);
  if (minVersion && compareVersions(claims.version, minVersion) < 0) {
    throw new Error(`version ${claims.version} is older than ${minVersion} seen before (rollback)`);
  }
  return claims;
}
