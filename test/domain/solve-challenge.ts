// A challenge solver written from the outside, as an agent would: proves the challenges are machine-solvable.
const dedupe = (s: string) => s.replace(/(.)\1+/g, "$1");
const ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };

/** What an agent does: drop the noise, read the two numbers and the operation, answer with 2 decimals. */
export function solve(text: string): string {
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
  const [a, b] = numbers as [number, number];
  const value = clean.includes("speds up") ? a + b : clean.includes("slows") ? a - b : clean.includes("each of") ? a * b : a / b;
  return value.toFixed(2);
}

