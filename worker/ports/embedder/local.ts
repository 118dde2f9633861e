import { normalize, type Embedder } from "./index";

const DIMENSIONS = 512;

// A few very common English words carry no topic; dropping them keeps vectors about content.
const STOP = new Set(
  "a an and are as at be but by for from has have i if in into is it its of on or so that the their them there these they this to was we were what when which who will with you your my our not can do does".split(
    " ",
  ),
);

/** Crude suffix stripping so "tides", "tidal" and "tide" share features without a stemmer download. */
function stem(w: string): string {
  for (const suffix of ["ational", "ation", "ing", "edly", "ed", "ies", "es", "ly", "al", "s"]) {
    if (w.length > suffix.length + 2 && w.endsWith(suffix)) return w.slice(0, -suffix.length);
  }
  return w;
}

/** FNV-1a: a cheap, stable 32-bit hash so the same text always lands on the same dimensions. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function add(v: Float32Array, feature: string, weight: number) {
  const h = hash(feature);
  // The sign bit spreads collisions so they cancel rather than pile up.
  v[h % DIMENSIONS]! += h & 0x80000000 ? -weight : weight;
}

/**
 * Offline, deterministic embedder: hashed word stems, word pairs and character 4-grams, L2-normalised.
 * No model, no download; it captures shared vocabulary and morphology, not deep paraphrase.
 */
export const localEmbedder: Embedder = {
  dimensions: DIMENSIONS,
  // Unrelated texts land near 0 (hash collisions only); one shared content word already gives ~0.15.
  relevanceFloor: 0.12,
  async embed(texts) {
    return texts.map((text) => {
      const v = new Float32Array(DIMENSIONS);
      const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP.has(w)).map(stem);
      words.forEach((w, i) => {
        add(v, `w:${w}`, 1);
        if (i > 0) add(v, `b:${words[i - 1]} ${w}`, 0.5);
        const padded = `^${w}$`;
        for (let j = 0; j + 4 <= padded.length; j++) add(v, `c:${padded.slice(j, j + 4)}`, 0.25);
      });
      return normalize(v);
    });
  },
};
