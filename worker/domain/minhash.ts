import { normalizeText } from "./fingerprint";

// Near-duplicate detection: b-bit MinHash over word 3-gram shingles (64 hash functions, the low 8
// bits of each minimum kept: 64 bytes a text), bucketed by locality-sensitive hashing (12 bands of
// 3 values) so a write finds look-alikes with a few index lookups. Against the full 32-bit
// signature with 16 bands of 4 (256 bytes and 16 text-keyed rows a text), recall on the fixtures in
// test/domain/minhash.test.ts is the same or better at every threshold the operator may set.

export const SIGNATURE_SIZE = 64;
export const BANDS = 12;
const ROWS = 3;
/** Below this many words a text has too few shingles for similarity to mean anything. */
export const MIN_WORDS = 8;
/** Two unrelated values still agree on their low 8 bits once in 256: the estimate subtracts it. */
const CHANCE = 1 / 256;

/** What a signature belongs to; its index here is the code stored in near_signatures.item_type. */
export const ITEM_TYPES = ["post", "comment"] as const;
export type ItemType = (typeof ITEM_TYPES)[number];
export const itemTypeCode = (type: ItemType): number => ITEM_TYPES.indexOf(type);

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

/** The b-bit MinHash signature of a text (64 bytes), or null when it is too short to compare. */
export function signature(text: string): Uint8Array | null {
  const words = normalizeText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length < MIN_WORDS) return null;
  const min = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  for (let i = 0; i + 3 <= words.length; i++) {
    const base = fnv1a(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
    for (let k = 0; k < SIGNATURE_SIZE; k++) {
      const h = mix(base ^ SEEDS[k]!);
      if (h < min[k]!) min[k] = h;
    }
  }
  return Uint8Array.from(min, (v) => v & 0xff);
}

/**
 * LSH bucket keys: the item type and band number above a band's three signature bytes. 29 bits, so
 * SQLite stores each in 4 bytes; the same bytes always give the same key, so a pruning job can
 * recompute an old item's keys from its stored signature.
 */
export function bandKeys(type: ItemType, sig: Uint8Array): number[] {
  const t = itemTypeCode(type);
  return Array.from({ length: BANDS }, (_, b) => (t * BANDS + b) * 2 ** 24 + sig[b * ROWS]! * 65536 + sig[b * ROWS + 1]! * 256 + sig[b * ROWS + 2]!);
}

/** Estimated Jaccard similarity of the two texts' shingle sets. */
export function similarity(a: Uint8Array, b: Uint8Array): number {
  let same = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i++) if (a[i] === b[i]) same++;
  return Math.max(0, (same / SIGNATURE_SIZE - CHANCE) / (1 - CHANCE));
}
