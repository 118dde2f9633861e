// Search quality beside search speed: `npm run search:eval` (test/eval: 200 documents, 50 queries
// with their relevant answers) on this tree, and on an earlier commit checked out in a worktree of
// its own, so a change to how search reads is shown not to have cost it recall or ranking.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";

const LEXICON = path.join("worker", "ports", "embedder", "lexicon.generated.js");

/** recall@10 and MRR per mode, read from the evaluation's own printout. */
function evaluate(dir) {
  const r = spawnSync(process.execPath, [path.join(dir, "node_modules", "vitest", "vitest.mjs"), "run", "test/eval", "--reporter=verbose"], { cwd: dir, encoding: "utf8", env: { ...process.env, CI: "true" }, maxBuffer: 64 * 1024 * 1024 });
  const out = `${r.stdout}\n${r.stderr}`;
  const scores = {};
  for (const [, mode, recall, mrr] of out.matchAll(/^(keyword|vector|hybrid)\s+([\d.]+)\s+([\d.]+)$/gm)) scores[mode] = { recall: Number(recall), mrr: Number(mrr) };
  if (r.status !== 0 || !scores.hybrid) throw new Error(`search:eval failed in ${dir} (exit ${r.status}):\n${out.slice(-3000)}`);
  return scores;
}

/**
 * This tree's scores and, with `before` (a commit), that commit's, measured now on the same
 * machine: the worktree borrows this checkout's node_modules and generated synonym table.
 */
export function searchQuality(root, before) {
  const after = { commit: gitOut(root, ["rev-parse", "--short", "HEAD"]), scores: evaluate(root) };
  if (!before) return { after };
  const commit = gitOut(root, ["rev-parse", "--short", before]);
  const dir = path.join(root, ".bench", `eval-${commit}`);
  rmSync(dir, { recursive: true, force: true });
  spawnSync("git", ["worktree", "prune"], { cwd: root });
  if (spawnSync("git", ["worktree", "add", "--detach", dir, commit], { cwd: root, encoding: "utf8" }).status !== 0) throw new Error(`cannot check out ${before} for the search evaluation`);
  try {
    symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
    if (existsSync(path.join(root, LEXICON))) copyFileSync(path.join(root, LEXICON), path.join(dir, LEXICON));
    return { before: { commit, scores: evaluate(dir) }, after };
  } finally {
    spawnSync("git", ["worktree", "remove", "--force", dir], { cwd: root });
    rmSync(dir, { recursive: true, force: true });
  }
}

function gitOut(root, args) {
  const r = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}
