import { toHex } from "../lib/encoding";

/**
 * What counts as "the same text": Unicode-normalised (NFKC folds look-alike forms), lowercased,
 * invisible format characters dropped and whitespace runs collapsed.
 */
export function normalizeText(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\p{Cf}/gu, "").replace(/\s+/g, " ").trim();
}

/**
 * The first 64 bits of SHA-256 of the normalised text, as 16 hex digits: equal for exact duplicates,
 * whatever their spacing or case. Only ever compared for equality, where 64 bits make a chance
 * collision need ~4 billion texts, and a quarter of the full hash's bytes in every row and index.
 */
export async function fingerprint(...parts: (string | null | undefined)[]): Promise<string> {
  const text = normalizeText(parts.filter((p) => p != null && p !== "").join("\n"));
  return toHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).slice(0, 16);
}
