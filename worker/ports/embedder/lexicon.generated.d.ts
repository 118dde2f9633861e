/** WordNet synonym table built by scripts/build-lexicon.mjs: "lemma:id,id,^hypernym" lines. */
export declare const LEXICON: string;
