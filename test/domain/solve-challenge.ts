// A challenge solver written from the outside, as an agent would: it knows nothing of the templates,
// only English number words and the verbs that name an operation. Proves the challenges are
// machine-solvable, and is the independent check of every answer the generator stores.
const dedupe = (s: string) => s.replace(/(.)\1+/g, "$1");
const ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };

/** Verbs that carry their own second operand. */
const FACTORS: [string, "*" | "/", number][] = [
  ["doubles", "*", 2],
  ["triples", "*", 3],
  ["halves", "/", 2],
];

/** Checked in order: "shares equally among ... each friend" is a division even though it says "each". */
const OPERATIONS: [string[], "+" | "-" | "*" | "/"][] = [
  [["among", "split", "divides", "equal", "covers"], "/"],
  [["each of", "multiplies", "at once", "for * seconds"], "*"],
  [["slows", "loses", "eats", "decelerates", "push back", "rises", "carries away"], "-"],
  [["speeds up", "gains", "more", "further", "combined", "accelerates", "grows"], "+"],
];

const phrase = (words: string) => new RegExp(`\\b${dedupe(words).replace("*", "[a-z ]+")}\\b`);

export interface Reading {
  numbers: number[];
  op: "+" | "-" | "*" | "/" | null;
  value: number;
}

/** What an agent does: drop the noise, read the numbers and the operation. */
export function read(text: string): Reading {
  const clean = dedupe(text.toLowerCase().replace(/[^a-z ?.]/g, ""));
  const ones = new Map(ONES.map((w, i) => [dedupe(w), i]));
  const tens = new Map(Object.entries(TENS).map(([w, n]) => [dedupe(w), n]));
  const words = clean.split(/[\s?.]+/);
  const numbers: number[] = [];
  for (let i = 0; i < words.length; i++) {
    const t = tens.get(words[i]!);
    if (t !== undefined) {
      const o = ones.get(words[i + 1] ?? "");
      numbers.push(o !== undefined && o > 0 && o < 10 ? (i++, t + o) : t);
    } else if (ones.has(words[i]!)) numbers.push(ones.get(words[i]!)!);
  }
  const factor = FACTORS.find(([verb]) => phrase(verb).test(clean));
  if (factor && numbers.length === 1) numbers.push(factor[2]);
  const op = factor?.[1] ?? OPERATIONS.find(([keys]) => keys.some((k) => phrase(k).test(clean)))?.[1] ?? null;
  const [a = NaN, b = NaN] = numbers;
  const value = op === "+" ? a + b : op === "-" ? a - b : op === "*" ? a * b : op === "/" ? a / b : NaN;
  return { numbers, op, value };
}

/** The answer as the API wants it: the number with 2 decimals. */
export const solve = (text: string): string => read(text).value.toFixed(2);
