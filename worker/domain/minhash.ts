import { normalizeText } from "./fingerprint";

// Near-duplicate detection: MinHash over word 3-gram shingles, bucketed by locality-sensitive
// hashing (16 bands of 4 values), so a write finds look-alikes with a few index lookups.

export const SIGNATURE_SIZE = 64;
const BANDS = 16;
const ROWS = SIGNATURE_SIZE / BANDS;
/** Below this many words a text has too few shingles for similarity to mean anything. */
export const MIN_WORDS = 8;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** murmur3's finaliser: spreads a 32-bit value so each seed acts as an independent hash function. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const SEEDS = Array.from({ length: SIGNATURE_SIZE }, (_, i) => mix(0x9e3779b9 * (i + 1)));

/** The MinHash signature of a text, or null when it is too short to compare. */
export function signature(text: string): Uint32Array | null {
  const words = normalizeText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length < MIN_WORDS) return null;
  const sig = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  for (let i = 0; i + 3 <= words.length; i++) {
    const base = fnv1a(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
    for (let k = 0; k < SIGNATURE_SIZE; k++) {
      const h = mix(base ^ SEEDS[k]!);
      if (h < sig[k]!) sig[k] = h;
    }
  }
  return sig;
}

/** LSH bucket keys: band index in the high bits, a hash of the band's values in the low 32. */
export function bands(sig: Uint32Array): number[] {
  return Array.from({ length: BANDS }, (_, b) => {
    let h = 0x811c9dc5;
    for (let r = 0; r < ROWS; r++) h = Math.imul(h ^ sig[b * ROWS + r]!, 0x01000193);
    return b * 2 ** 32 + (h >>> 0);
  });
}

/** Estimated Jaccard similarity of the two texts' shingle sets. */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i++) if (a[i] === b[i]) same++;
  return same / SIGNATURE_SIZE;
}
