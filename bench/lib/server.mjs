// Local servers come from scripts/lib/dev-server.mjs; the benchmarks add their statistics here.
export { root, startServer } from "../../scripts/lib/dev-server.mjs";

/** Nearest-rank percentile of unsorted numbers. */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
