import { LEXICON } from "./lexicon.generated.js";

/**
 * Build-time switch (wrangler.toml `[define]`): deployments that embed with Workers AI can build with
 * `--define TIDEPOOL_LEXICON:false` and leave the 3 MB table out of the bundle.
 */
declare const TIDEPOOL_LEXICON: boolean | undefined;
const TEXT = typeof TIDEPOOL_LEXICON === "undefined" || TIDEPOOL_LEXICON ? LEXICON : "";

export interface Sense {
  id: string;
  /** 1 for the most frequent sense, less for rarer senses and for the broader (hypernym) concept. */
  weight: number;
}

export interface Entry {
  senses: Sense[];
  /**
   * How much the word says about a text's topic, from 1 (one sense: "greenfly") down towards 0.2
   * ("get", with dozens of senses). Corpus-free stand-in for inverse document frequency.
   */
  specificity: number;
}

const UNKNOWN: Entry = { senses: [], specificity: 1 };
let table: Map<string, Entry> | undefined;

// Parsed on first use: a 3 MB string costs nothing to load, a 130k-entry map does.
function lexicon(): Map<string, Entry> {
  if (table) return table;
  table = new Map();
  for (const line of TEXT.split("\n")) {
    const [lemma, count, ids] = line.split(":");
    if (!lemma || !count || ids === undefined) continue;
    let rank = 0;
    const senses = ids
      .split(",")
      .filter(Boolean)
      .map((id) => (id.startsWith("^") ? { id: id.slice(1), weight: 0.6 } : { id, weight: rank++ === 0 ? 1 : 0.5 }));
    table.set(lemma, { senses, specificity: 1 / (1 + Math.log(Number(count))) });
  }
  return table;
}

// WordNet's own inflection rules (morphy), enough for plurals and verb forms.
const INFLECTIONS: [string, string][] = [
  ["ies", "y"], ["ses", "s"], ["xes", "x"], ["zes", "z"], ["ches", "ch"], ["shes", "sh"], ["men", "man"],
  ["s", ""], ["ied", "y"], ["ed", "e"], ["ed", ""], ["ing", "e"], ["ing", ""], ["er", ""], ["est", ""],
];

/** WordNet's entry for a lowercase word or "word_word" pair, trying uninflected forms; unknown words count as specific. */
export function lookup(word: string): Entry {
  const known = lexicon();
  const exact = known.get(word);
  if (exact) return exact;
  for (const [suffix, base] of INFLECTIONS) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) {
      const found = known.get(word.slice(0, -suffix.length) + base);
      if (found) return found;
    }
  }
  return UNKNOWN;
}

/** True when the synonym table was built (`npm install` runs scripts/build-lexicon.mjs). */
export const hasLexicon = TEXT.length > 0;
