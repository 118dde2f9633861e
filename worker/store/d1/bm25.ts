import { stemmer } from "stemmer";

/**
 * FTS5's bm25(), computed in the Worker over a tier's documents. FTS5 computes it by counting, for
 * every query word, every row that holds it (a scan of the word's whole doclist per query): 8 ms or
 * more a tier at a million posts for the benchmark's words, where reading the tier takes under 1 ms.
 * Here the tier's own text gives each word's frequency and each row's length, FTS5's averages record
 * the table's size and mean length, and the words' document counts are measured on the tier, which
 * is a contiguous run of the table's newest matches (exact when it holds them all).
 */

// bm25()'s constants (fts5_aux.c).
const K1 = 1.2;
const B = 0.75;

const ASCII = /^[\x00-\x7f]*$/;
// unicode61's token characters (its default categories L*, N*, Co); everything else separates.
const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;

/** unicode61 with remove_diacritics: lower case, accents dropped. */
const fold = (s: string) => (ASCII.test(s) ? s : s.normalize("NFD").replace(/\p{M}/gu, "")).toLowerCase();

/** The porter tokenizer's term for one folded token: stemmed when 3 to 64 bytes long (fts5_tokenize.c). */
const stem = (token: string) => (token.length < 3 || token.length > 64 || !ASCII.test(token) ? token : stemmer(token));

/** The term FTS5 indexes for a query word. */
export const ftsTerm = (word: string) => stem(fold(word));

/** The table's size as FTS5 keeps it: rows indexed and their tokens, all columns together. */
export interface FtsTotals {
  rows: number;
  tokens: number;
}

/**
 * FTS5's averages record (the %_data row with id 1): SQLite varints, the row count and then each
 * column's token count. D1 hands a BLOB over as an array of bytes.
 */
export function decodeAverages(blob: ArrayBuffer | ArrayLike<number> | null | undefined): FtsTotals | null {
  if (blob == null) return null;
  const bytes = blob instanceof ArrayBuffer ? new Uint8Array(blob) : Uint8Array.from(blob);
  const values: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    let v = 0;
    for (let n = 0; ; n++) {
      const b = bytes[i++];
      if (b === undefined) return null;
      // The ninth byte of a varint carries 8 bits; multiplication keeps values past 2^32 exact.
      if (n === 8) {
        v = v * 256 + b;
        break;
      }
      v = v * 128 + (b & 0x7f);
      if (b < 0x80) break;
    }
    values.push(v);
  }
  if (values.length < 2) return null;
  const [rows, ...columns] = values;
  return { rows: rows!, tokens: columns.reduce((a, b) => a + b, 0) };
}

/**
 * Where the tier lies in the table, to scale the words' counts in it to the table: the share of the
 * table's keys (up to `top`) the tier spans, from its `oldest` key (1 when it holds every match).
 */
export function tierCoverage(oldest: number | null, full: boolean, start: number | null, top: number): number {
  if (!full && start === null) return 1;
  if (top <= 0 || oldest === null) return 1;
  const hi = start === null ? top : start - 1;
  const lo = full ? oldest : 1;
  return Math.min(1, Math.max(1, hi - lo + 1) / top);
}

/**
 * Each row's bm25() score as FTS5 gives it (lower is better) for the query `words` (ORed); a row is
 * the text of each indexed column, weighted like bm25(table, w0, w1...).
 */
export function bm25(rows: string[][], words: string[], weights: number[], totals: FtsTotals | null, coverage: number): number[] {
  // A word asked twice is two phrases to FTS5, each scored.
  const terms = words.map(ftsTerm);
  // Stems differ from their token only at the end: a token not starting like a term is not it.
  const prefixes = terms.map((t) => t.slice(0, 2));
  const stems = new Map<string, string>();
  const freq: number[][] = [];
  const length: number[] = [];
  const holding = terms.map(() => 0);
  for (const row of rows) {
    const f = terms.map(() => 0);
    let tokens = 0;
    row.forEach((text, c) => {
      const found = fold(text).match(TOKEN) ?? [];
      tokens += found.length;
      const w = weights[c] ?? 1;
      for (const token of found) {
        if (!prefixes.some((p) => token.startsWith(p))) continue;
        let s = stems.get(token);
        if (s === undefined) stems.set(token, (s = stem(token)));
        terms.forEach((t, i) => t === s && (f[i]! += w));
      }
    });
    f.forEach((v, i) => v > 0 && holding[i]!++);
    freq.push(f);
    length.push(tokens);
  }
  const n = Math.max(totals?.rows ?? 0, rows.length);
  const avgdl = totals && totals.rows > 0 ? totals.tokens / totals.rows : length.reduce((a, b) => a + b, 0) / Math.max(1, rows.length);
  const idf = holding.map((h) => {
    const hits = Math.min(n, h / coverage);
    const v = Math.log((n - hits + 0.5) / (hits + 0.5));
    return v <= 0 ? 1e-6 : v;
  });
  return freq.map((f, r) => {
    let score = 0;
    f.forEach((tf, i) => {
      score += idf[i]! * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length[r]!) / avgdl)));
    });
    return -score;
  });
}
