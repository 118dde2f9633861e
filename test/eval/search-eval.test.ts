import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { buildDeps } from "../../worker/middleware/deps";
import { hasLexicon } from "../../worker/ports/embedder/synonyms";
import { drainOutbox } from "../../worker/services/search-index";
import { search, type SearchMode } from "../../worker/services/search";
import { uuidv7 } from "../../worker/lib/ids";
import { makeSubmolt, register } from "../helpers";
import { CORPUS } from "./corpus";
import { QUERIES } from "./queries";

// `npm run search:eval` runs this file alone; it also runs in `npm test` so ranking regressions fail CI.
it("hybrid search beats keyword-only and vector-only on recall@10 and MRR", { timeout: 120_000 }, async () => {
  expect(hasLexicon, "the WordNet table is missing: run `npm install` (scripts/build-lexicon.mjs)").toBe(true);
  expect(CORPUS).toHaveLength(200);
  expect(QUERIES).toHaveLength(50);
  const author = await register();
  const submolt = await makeSubmolt(author);
  const ids: string[] = [];
  const now = Date.now();
  const inserts = CORPUS.map((d, i) => {
    const id = uuidv7(now + i);
    ids.push(id);
    return env.DB.prepare("INSERT INTO posts (id, submolt_id, author_id, title, content, type, hot, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'text', 0, ?, ?)").bind(
      id,
      submolt.id,
      author.id,
      d.title,
      d.content,
      now + i,
      now + i,
    );
  });
  await env.DB.batch(inserts);
  const deps = buildDeps(env, "https://tidepool.test");
  for (let i = 0; i < 20; i++) if ((await drainOutbox(deps, 500)).indexed === 0) break;

  const misses: string[] = [];
  const scores: Record<SearchMode, { recall: number; mrr: number }> = { keyword: { recall: 0, mrr: 0 }, vector: { recall: 0, mrr: 0 }, hybrid: { recall: 0, mrr: 0 } };
  for (const mode of ["keyword", "vector", "hybrid"] as SearchMode[]) {
    for (const { q, relevant } of QUERIES) {
      const { results } = await search(deps, { q, type: "posts", limit: 10, offset: 0, submoltId: submolt.id, mode });
      const ranked = results.map((r) => ids.indexOf(r.id));
      scores[mode].recall += relevant.filter((r) => ranked.includes(r)).length / relevant.length;
      const first = ranked.findIndex((r) => relevant.includes(r));
      if (first !== 0) misses.push(`${mode}: "${q}" → ${first < 0 ? "not in top 10" : `rank ${first + 1}`}`);
      scores[mode].mrr += first >= 0 ? 1 / (first + 1) : 0;
    }
    scores[mode].recall /= QUERIES.length;
    scores[mode].mrr /= QUERIES.length;
  }
  console.log(
    [
      `search evaluation: ${CORPUS.length} documents, ${QUERIES.length} queries`,
      "mode      recall@10  MRR",
      ...Object.entries(scores).map(([m, s]) => `${m.padEnd(9)} ${s.recall.toFixed(3).padStart(9)}  ${s.mrr.toFixed(3)}`),
      "queries whose first relevant answer is not ranked first:",
      ...misses,
    ].join("\n"),
  );
  expect(scores.hybrid.mrr).toBeGreaterThan(scores.keyword.mrr);
  expect(scores.hybrid.mrr).toBeGreaterThan(scores.vector.mrr);
  expect(scores.hybrid.recall).toBeGreaterThan(scores.keyword.recall);
  expect(scores.hybrid.recall).toBeGreaterThan(scores.vector.recall);
});
