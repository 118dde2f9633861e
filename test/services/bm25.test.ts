// D1 search ranks a tier with BM25 computed in the Worker (worker/store/d1/bm25.ts), not FTS5's
// bm25(), which counts every row holding each word. It must agree with FTS5 wherever FTS5's answer
// is known: the same scores over the same rows, and the same ranking through the store.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { bm25, decodeAverages, ftsTerm, tierCoverage } from "../../worker/store/d1/bm25";
import { buildDeps } from "../../worker/middleware/deps";
import { run } from "../db";
import { deriveAll, uniqueName } from "../helpers";

const GENERAL = "00000000-0000-7000-8000-000000000001";

// Titles and bodies that exercise the tokenizer: stems, accents, case, repeats, digits, URLs.
const DOCS: [string, string | null, string | null][] = [
  ["Humpback whales singing", "The whale sang; whales sing. Humpbacks are baleen whales.", null],
  ["Sourdough starter", "Feed the starter daily: flour, water, patience. Starters love warmth.", "https://bread.example/starter"],
  ["Café culture", "Naïve baristas and crème brûlée at the café in Zürich", null],
  ["Whale watching", null, "https://whales.example/tours?season=2026"],
  ["Running notes", "I ran, I run, running daily. Runners' knees and relational happiness.", null],
  ["Kernel panic at 3am", "kernel KERNEL Kernel: panic panicked panicking", null],
  ["Unrelated", "Nothing to see here, only coral reefs and northern lights", null],
  ["Whales whales whales", "whale", null],
  ["日本語のテキスト", "クジラ whale 鯨", null],
];

const QUERIES = [["whales"], ["humpback", "whales"], ["starter"], ["cafe"], ["café", "zurich"], ["running"], ["kernel", "panic"], ["whale", "whale"], ["runner", "happy"], ["2026"]];

beforeAll(async () => {
  const author = crypto.randomUUID();
  const now = Date.now();
  const name = uniqueName();
  await run("INSERT INTO agents (id, name, name_key, created_at, updated_at, last_active) VALUES (?, ?, ?, ?, ?, ?)", author, name, name.toLowerCase(), now, now, now);
  for (const [i, [title, content, url]] of DOCS.entries()) {
    await run(
      "INSERT INTO posts (id, submolt_id, author_id, title, content, url, type, hot, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'text', 0, ?, ?)",
      crypto.randomUUID(), GENERAL, author, title, content, url, now + i, now + i,
    );
  }
  await deriveAll();
});

const match = (words: string[]) => words.map((w) => `"${w}"`).join(" OR ");

async function fts5Scores(words: string[]) {
  const { results } = await env.DB.prepare(
    "SELECT f.rowid AS k, bm25(posts_fts, 2.0, 1.0) AS score, t.title, t.content FROM posts_fts f JOIN posts_search_text t ON t.rid = f.rowid WHERE posts_fts MATCH ?1",
  )
    .bind(match(words))
    .all<{ k: number; score: number; title: string; content: string }>();
  return results;
}

const totals = async () => decodeAverages((await env.DB.prepare("SELECT block FROM posts_fts_data WHERE id = 1").first<{ block: number[] }>())!.block);

describe("BM25 in the Worker", () => {
  it("gives FTS5's bm25() score for every row FTS5 matches, with the same words matched", async () => {
    const size = await totals();
    expect(size!.rows).toBeGreaterThanOrEqual(DOCS.length);
    for (const words of QUERIES) {
      const fts = await fts5Scores(words);
      expect(fts.length, words.join(" ")).toBeGreaterThan(0);
      const mine = bm25(fts.map((r) => [r.title, r.content]), words, [2, 1], size, 1);
      fts.forEach((r, i) => expect(mine[i], `${words.join(" ")}: ${r.title}`).toBeCloseTo(r.score, 9));
    }
  });

  it("folds and stems a query word as the porter unicode61 tokenizer does", () => {
    expect(["Whales", "running", "relational", "happy", "Zürich", "toy", "a", "鯨"].map(ftsTerm)).toEqual(["whale", "run", "relat", "happi", "zurich", "toi", "a", "鯨"]);
  });

  it("ranks the store's tier as ORDER BY bm25() does", async () => {
    const deps = buildDeps(env, "https://tidepool.test");
    try {
      for (const words of QUERIES) {
        const ids = (await env.DB.prepare("SELECT p.id FROM posts_fts f JOIN posts p ON p.rowid = f.rowid WHERE posts_fts MATCH ?1 ORDER BY bm25(posts_fts, 2.0, 1.0), f.rowid DESC").bind(match(words)).all<{ id: string }>()).results;
        const tier = await deps.store.search.keyword({ words, submoltId: null, window: 200, start: { posts: null } });
        expect(tier.posts!.hits.map((h) => h.id), words.join(" ")).toEqual(ids.map((r) => r.id));
        expect(tier.posts!.next).toBeNull();
      }
    } finally {
      await deps.release();
    }
  });
});

describe("FTS5's averages record", () => {
  const varint = (v: number): number[] => {
    // SQLite's varint: 7 bits a byte, high bit set on all but the last (values here stay under 2^56).
    const out: number[] = [];
    do {
      out.unshift(v % 128);
      v = Math.floor(v / 128);
    } while (v > 0);
    return out.map((b, i) => (i < out.length - 1 ? b | 0x80 : b));
  };

  it("reads the row count and sums the columns' tokens, past 32 bits", () => {
    expect(decodeAverages([...varint(1_000_000), ...varint(8_500_213), ...varint(49_518_576)])).toEqual({ rows: 1_000_000, tokens: 58_018_789 });
    expect(decodeAverages(new Uint8Array([...varint(2 ** 40), ...varint(3 * 2 ** 35)]).buffer)).toEqual({ rows: 2 ** 40, tokens: 3 * 2 ** 35 });
    // The record of a million posts as FTS5 wrote it.
    expect(decodeAverages([0xbd, 0x84, 0x40, 0x84, 0x86, 0xe7, 0x75, 0x97, 0xce, 0xaf, 0x70])).toEqual({ rows: 1_000_000, tokens: 58_018_789 });
  });

  it("is null when absent or cut short", () => {
    expect(decodeAverages(null)).toBeNull();
    expect(decodeAverages([0x85])).toBeNull();
    expect(decodeAverages([5])).toBeNull();
  });
});

describe("a tier's share of the table", () => {
  it("is all of it when the tier holds every match", () => {
    expect(tierCoverage(10, false, null, 100)).toBe(1);
  });
  it("is the span of a full tier's keys, or of everything below a later tier's start", () => {
    expect(tierCoverage(51, true, null, 100)).toBeCloseTo(0.5);
    expect(tierCoverage(21, true, 41, 100)).toBeCloseTo(0.2);
    expect(tierCoverage(5, false, 41, 100)).toBeCloseTo(0.4);
  });
  it("scales a word's count in a full tier to the table: a common word scores as common", () => {
    // 10 rows of a 1,000-row table's newest 20 hold "w": as if 500 rows held it, not 10.
    const rows = Array.from({ length: 20 }, (_, i) => [i < 10 ? "w x" : "x y", ""]);
    const [partial] = bm25(rows, ["w"], [1, 1], { rows: 1000, tokens: 2000 }, 20 / 1000);
    const [whole] = bm25(rows, ["w"], [1, 1], { rows: 1000, tokens: 2000 }, 1);
    expect(partial).toBeCloseTo(-1e-6, 9);
    expect(whole!).toBeLessThan(-4);
  });
});
