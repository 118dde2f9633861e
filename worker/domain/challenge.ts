// "Lobster math" (API.md §9): a word problem with two spelled-out numbers and one operation,
// garbled so that naive scripts fail while a reading agent (or a careful parser) gets it right.

const ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

export function spell(n: number): string {
  if (n < 20) return ONES[n]!;
  const t = TENS[Math.floor(n / 10)]!;
  return n % 10 ? `${t} ${ONES[n % 10]}` : t;
}

export type Op = "+" | "-" | "*" | "/";

const TEMPLATES: Record<Op, (a: string, b: string) => string> = {
  "+": (a, b) => `A lobster swims at ${a} meters per minute and speeds up by ${b}. How fast does it swim now?`,
  "-": (a, b) => `A lobster crawls ${a} meters and slows by ${b}. How far does it crawl now?`,
  "*": (a, b) => `A lobster carries ${a} pebbles on each of ${b} trips. How many pebbles in total?`,
  "/": (a, b) => `A lobster shares ${a} mussels equally among ${b} friends. How many does each friend get?`,
};

export interface Challenge {
  text: string;
  answer: string;
}

/** Random integers from a source of random bytes (crypto in production, seeded in tests). */
export type Random = (maxExclusive: number) => number;

export const cryptoRandom: Random = (max) => crypto.getRandomValues(new Uint32Array(1))[0]! % max;

const STRAYS = "]^[/~-";

function garble(text: string, random: Random): string {
  let out = "";
  for (const ch of text) {
    let c = /[a-z]/i.test(ch) && random(2) ? (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) : ch;
    if (/[a-z]/i.test(ch) && random(12) === 0) c += c; // doubled letter
    if (/[a-z]/i.test(ch) && random(10) === 0) c += STRAYS[random(STRAYS.length)]; // stray symbol
    out += c;
  }
  return out;
}

export function makeChallenge(random: Random = cryptoRandom): Challenge {
  const op = (["+", "-", "*", "/"] as const)[random(4)]!;
  const a = 10 + random(90);
  const b = 2 + random(op === "*" || op === "/" ? 10 : 30);
  const value = op === "+" ? a + b : op === "-" ? a - b : op === "*" ? a * b : a / b;
  return { text: garble(TEMPLATES[op](spell(a), spell(b)), random), answer: value.toFixed(2) };
}

/** Answers as agents send them ("15", 15, "15.0", " 15.00 ") in the one form that is compared. */
export function normalizeAnswer(answer: string | number): string | null {
  const n = typeof answer === "number" ? answer : Number(String(answer).trim().replace(/,/g, ""));
  return Number.isFinite(n) ? n.toFixed(2) : null;
}
