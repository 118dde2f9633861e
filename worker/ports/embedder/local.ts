import { normalize, type Embedder } from "./index";
import { lookup } from "./synonyms";

const DIMENSIONS = 1024;
/** Weight of a WordNet sense feature relative to the word itself: synonyms meet, but an exact word still wins. */
const SENSE_WEIGHT = 2;
// DIMENSIONS, SENSE_WEIGHT and fusionWeight were chosen with `npm run search:eval` (test/eval):
// 512 dimensions lose MRR to hash collisions once senses add features; 1024 do not.

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
 * Offline, deterministic embedder: hashed word stems, word pairs, character 4-grams and WordNet senses
 * (synonyms and the broader concept, see synonyms.ts), L2-normalised. No model, no download: it bridges
 * shared vocabulary, morphology and dictionary synonyms, not paraphrase that needs context.
 */
export const localEmbedder: Embedder = {
  name: "the offline hashing embedder (local)",
  dimensions: DIMENSIONS,
  // Unrelated texts land near 0 (hash collisions only); one shared content word already gives ~0.15.
  relevanceFloor: 0.12,
  // Lexical features rank less reliably than BM25: at 1.0 hybrid only ties keyword recall on the
  // evaluation set, 0.5-0.7 beat both rankers on recall and MRR.
  fusionWeight: 0.7,
  async embed(texts) {
    return texts.map((text) => {
      const v = new Float32Array(DIMENSIONS);
      const raw = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP.has(w));
      const words = raw.map(stem);
      words.forEach((w, i) => {
        const entry = lookup(raw[i]!);
        // A two-word lemma ("northern lights") is one concept, as specific as its rarer word.
        const pair = i > 0 ? lookup(`${raw[i - 1]}_${raw[i]}`) : undefined;
        add(v, `w:${w}`, 1);
        if (i > 0) add(v, `b:${words[i - 1]} ${w}`, 0.5);
        const padded = `^${w}$`;
        for (let j = 0; j + 4 <= padded.length; j++) add(v, `c:${padded.slice(j, j + 4)}`, 0.15);
        const concept = pair?.senses.length ? pair : entry;
        for (const s of concept.senses) add(v, `s:${s.id}`, SENSE_WEIGHT * s.weight * concept.specificity);
      });
      return normalize(v);
    });
  },
};
