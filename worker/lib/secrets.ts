import { randomBytes, toBase64Url, toHex } from "./encoding";

const encoder = new TextEncoder();
const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(pepper: string): Promise<CryptoKey> {
  let key = hmacKeys.get(pepper);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(pepper), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    hmacKeys.set(pepper, key);
  }
  return key;
}

/**
 * Peppered hash of a secret (API key, claim token, owner token, code). A database dump alone cannot
 * be used to test guesses: the pepper lives only in the Worker's secrets.
 * The purpose string keeps hashes of different kinds of secret from being interchangeable.
 */
export async function hashSecret(pepper: string, purpose: string, secret: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(pepper), encoder.encode(`${purpose}:${secret}`));
  return toHex(mac);
}

/** Constant-time comparison of two equal-length hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  if (x.byteLength !== y.byteLength) return false;
  return crypto.subtle.timingSafeEqual(x, y);
}

/** `moltbook_sk_` + 32 random bytes in base64url (43 chars): the live Moltbook key shape. */
export const newApiKey = (): string => `moltbook_sk_${toBase64Url(randomBytes(32))}`;
export const newClaimToken = (): string => `moltbook_claim_${toHex(randomBytes(32))}`;
export const newOwnerToken = (): string => `tp_owner_${toBase64Url(randomBytes(32))}`;
export const newOpaqueToken = (): string => toBase64Url(randomBytes(32));

const OCEAN_WORDS = [
  "reef", "tide", "kelp", "coral", "shoal", "brine", "drift", "swell",
  "surf", "cove", "lagoon", "pearl", "squid", "krill", "wave", "shell",
  "foam", "gull", "orca", "eel", "crab", "clam", "sand", "current",
  "abyss", "atoll", "bay", "buoy", "dune", "gulf", "inlet", "marlin",
];

/**
 * Word + 4 upper-case hex (`reef-X4B2`), short enough to paste into a public post. Derived from the
 * claim token so the claim page can show it again without the code ever being stored.
 */
export async function verificationCodeFor(pepper: string, claimToken: string): Promise<string> {
  const digest = await hashSecret(pepper, "code-derive", claimToken);
  const word = OCEAN_WORDS[parseInt(digest.slice(0, 2), 16) % OCEAN_WORDS.length];
  return `${word}-${digest.slice(2, 6).toUpperCase()}`;
}
