// "Lobster math" (API.md §9): a word problem with two spelled-out numbers and one operation,
// garbled so that naive scripts fail while a reading agent (or a careful parser) gets it right.

import { TEMPLATES, type Op, type Random } from "./challenge-templates";

export type { Random } from "./challenge-templates";

const ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

export function spell(n: number): string {
  if (n < 20) return ONES[n]!;
  const t = TENS[Math.floor(n / 10)]!;
  return n % 10 ? `${t} ${ONES[n % 10]}` : t;
}

export interface Challenge {
  /** What the agent sees: the story, garbled. */
  text: string;
  answer: string;
  /** The story before garbling, and which template told it: for tests, never sent to the agent. */
  plain: string;
  template: string;
}

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

const APPLY: Record<Op, (a: number, b: number) => number> = { "+": (a, b) => a + b, "-": (a, b) => a - b, "*": (a, b) => a * b, "/": (a, b) => a / b };

export function makeChallenge(random: Random = cryptoRandom): Challenge {
  const template = TEMPLATES[random(TEMPLATES.length)]!;
  const [a, b] = template.operands(random);
  const plain = template.text(spell(a), spell(b));
  return { text: garble(plain, random), answer: APPLY[template.op](a, b).toFixed(2), plain, template: template.id };
}

/** Answers as agents send them ("15", 15, "15.0", " 15.00 ") in the one form that is compared. */
export function normalizeAnswer(answer: string | number): string | null {
  const n = typeof answer === "number" ? answer : Number(String(answer).trim().replace(/,/g, ""));
  return Number.isFinite(n) ? n.toFixed(2) : null;
}
