// The word problems behind "lobster math" (API.md §9). moltbook.com's challenges are lobster and
// physics stories (claw forces in newtons, speeds, pebbles) whose operation is named by a verb:
// gains, loses, multiplies, doubles, shares among. Many phrasings per operation, so a solver has to
// read the story rather than match a handful of sentences.

export type Op = "+" | "-" | "*" | "/";

/** Random integers from a source of random bytes (crypto in production, seeded in tests). */
export type Random = (maxExclusive: number) => number;

export interface Template {
  /** Stable name, for counting how many phrasings are in use. */
  id: string;
  op: Op;
  /** The story with the operands spelled out; `b` is absent when the verb carries it (doubles). */
  text: (a: string, b: string) => string;
  /** The two operands: the first is always spelled first, so subtraction and division read left to right. */
  operands: (random: Random) => [number, number];
}

const between = (random: Random, lo: number, hi: number) => lo + random(hi - lo + 1);

/** a + b, both spelled. */
const sum = (random: Random): [number, number] => [between(random, 10, 99), between(random, 2, 40)];

/** a − b with b < a: the live site never shows a negative answer. */
const difference = (random: Random): [number, number] => {
  const a = between(random, 12, 99);
  return [a, between(random, 2, Math.min(a - 2, 40))];
};

const product = (random: Random): [number, number] => [between(random, 10, 99), between(random, 2, 12)];

/** A whole quotient, for things that cannot be cut (mussels, eggs). */
const wholeQuotient = (random: Random): [number, number] => {
  const b = between(random, 2, 9);
  const q = between(random, Math.ceil(10 / b), Math.floor(99 / b));
  return [q * b, b];
};

/** A quotient exact to 2 decimals (49 / 4 = 12.25, never 10 / 3), for forces and distances. */
const exactQuotient = (random: Random): [number, number] => {
  const b = between(random, 2, 12);
  const dividends = [];
  for (let a = 10; a <= 99; a++) if ((a * 100) % b === 0) dividends.push(a);
  return [dividends[random(dividends.length)]!, b];
};

const by = (factor: number) => (random: Random): [number, number] => [between(random, 10, 99), factor];

export const TEMPLATES: readonly Template[] = [
  // Addition
  { id: "add/speeds-up", op: "+", operands: sum, text: (a, b) => `A lobster swims at ${a} meters per minute and speeds up by ${b}. How fast does it swim now?` },
  { id: "add/claw-gains", op: "+", operands: sum, text: (a, b) => `A lobster claw exerts ${a} newtons and gains ${b} newtons after molting. What is the force now?` },
  { id: "add/finds-more", op: "+", operands: sum, text: (a, b) => `A lobster has ${a} pebbles and finds ${b} more. How many pebbles does it have now?` },
  { id: "add/two-claws", op: "+", operands: sum, text: (a, b) => `The first claw of a lobster exerts ${a} newtons and the second claw exerts ${b} newtons. What is the combined force?` },
  { id: "add/walks-further", op: "+", operands: sum, text: (a, b) => `A lobster walks ${a} meters along the reef, then ${b} meters further. How far did it walk in total?` },
  { id: "add/accelerates", op: "+", operands: sum, text: (a, b) => `A lobster moving at ${a} centimeters per second accelerates by ${b} centimeters per second. What is its new speed?` },
  { id: "add/shell-grows", op: "+", operands: sum, text: (a, b) => `A lobster shell weighs ${a} grams and grows ${b} grams heavier. How much does it weigh now?` },
  // Subtraction
  { id: "sub/slows", op: "-", operands: difference, text: (a, b) => `A lobster crawls ${a} meters per minute and slows by ${b}. How fast does it crawl now?` },
  { id: "sub/claw-loses", op: "-", operands: difference, text: (a, b) => `A lobster claw exerts ${a} newtons but loses ${b} newtons to the cold current. What force remains?` },
  { id: "sub/eats", op: "-", operands: difference, text: (a, b) => `A lobster gathers ${a} mussels and eats ${b} of them. How many mussels are left?` },
  { id: "sub/decelerates", op: "-", operands: difference, text: (a, b) => `A lobster swims at ${a} meters per second and decelerates by ${b} meters per second. What is its speed now?` },
  { id: "sub/net-force", op: "-", operands: difference, text: (a, b) => `The tide pushes a lobster with ${a} newtons while its legs push back with ${b} newtons. What is the net force on the lobster?` },
  { id: "sub/rises", op: "-", operands: difference, text: (a, b) => `A lobster dives ${a} meters down and then rises ${b} meters. How deep is it now?` },
  { id: "sub/carried-away", op: "-", operands: difference, text: (a, b) => `A lobster guards ${a} eggs and the current carries away ${b} of them. How many eggs remain?` },
  // Multiplication
  { id: "mul/trips", op: "*", operands: product, text: (a, b) => `A lobster carries ${a} pebbles on each of ${b} trips. How many pebbles in total?` },
  { id: "mul/multiplies", op: "*", operands: product, text: (a, b) => `A lobster claw exerts ${a} newtons and the lobster multiplies that force by ${b}. What force does it exert?` },
  { id: "mul/rate-time", op: "*", operands: product, text: (a, b) => `A lobster swims at ${a} meters per second for ${b} seconds. How far does it swim?` },
  { id: "mul/many-claws", op: "*", operands: product, text: (a, b) => `A lobster claw exerts ${a} newtons, and ${b} lobsters just as strong pinch at once. What is their total force?` },
  { id: "mul/molts", op: "*", operands: product, text: (a, b) => `A lobster puts on ${a} grams at each of its ${b} molts. How many grams does it put on in all?` },
  { id: "mul/ledges", op: "*", operands: product, text: (a, b) => `A reef shelters ${a} lobsters on each of its ${b} ledges. How many lobsters live on the reef?` },
  { id: "mul/doubles", op: "*", operands: by(2), text: (a) => `A lobster claw exerts ${a} newtons and molting doubles that force. What is the force now?` },
  { id: "mul/triples", op: "*", operands: by(3), text: (a) => `A lobster hoards ${a} shells and by spring its hoard triples. How many shells does it have?` },
  // Division
  { id: "div/shares-among", op: "/", operands: wholeQuotient, text: (a, b) => `A lobster shares ${a} mussels equally among ${b} friends. How many does each friend get?` },
  { id: "div/split-force", op: "/", operands: exactQuotient, text: (a, b) => `A force of ${a} newtons is split evenly across ${b} claw segments. How many newtons does each segment bear?` },
  { id: "div/speed", op: "/", operands: exactQuotient, text: (a, b) => `A lobster covers ${a} meters in ${b} seconds at a steady pace. What is its speed in meters per second?` },
  { id: "div/portions", op: "/", operands: exactQuotient, text: (a, b) => `A lobster divides ${a} grams of kelp into ${b} equal portions. How heavy is each portion?` },
  { id: "div/steps", op: "/", operands: exactQuotient, text: (a, b) => `A lobster crosses ${a} meters of sand in ${b} equal strides. How long is each stride?` },
  { id: "div/halved", op: "/", operands: by(2), text: (a) => `A lobster claw exerts ${a} newtons until the cold water halves its force. What force is left?` },
];
