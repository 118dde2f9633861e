// Writes BENCHMARKS.md, bench/latency.svg and bench/results.json from one run's measurements.
import { execSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { root } from "./server.mjs";
import { METER_EVERY } from "./workloads.mjs";
import { pgTier, postgresSection } from "./report-postgres.mjs";

const BASELINES = ["health", "storage read"];
export const LISTINGS = ["posts hot", "posts new", "posts top", "posts top day", "submolt hot", "feed hot", "feed new", "feed top", "feed sparse hot", "feed sparse new", "home", "post + comments", "biggest threads", "profile"];
export const WRITES = ["register", "post", "comment", "vote"];
export const TARGET = { flat: 1.25, reads: 0.7, writes: 0.4, rowsGrowth: 1.5, rowsPerItem: 10, calls: 2, conversation: 0.4, conversationRows: 1.25, keyed: 0.6, tail: 3, gateCalls: 1, itemWrite: 0.3, voteWrite: 0.5, itemRows: 15, voteRows: 8, writeCalls: 1, pgStatements: 3, compactListing: 0.35, compactOther: 0.4 };
// Issue 42's compact view: the listing held to TARGET.compactListing of its full bytes, these to TARGET.compactOther.
const COMPACT_OTHER = ["post + comments", "home", "search"];
// The two paths an agent takes into a conversation (issue 40): reading a thread, busy or not, and
// searching; each held to the hot listing's throughput and to rows that do not grow with the network.
export const CONVERSATIONS = ["post + comments", "biggest threads", "search"];
// Every read the report holds to the point read's throughput and to two D1 calls in all.
export const READS = [...LISTINGS, "search"];
// Read workloads and the items one response returns (listing pages are 25 posts); null where the
// response's size varies (a thread's page of roots with their replies, search's fused results).
const PAGE = { "posts hot": 25, "posts new": 25, "posts top": 25, "posts top day": 25, "submolt hot": 25, "feed hot": 25, "feed new": 25, "feed top": 25, "feed sparse hot": 25, "feed sparse new": 25, home: null, "post + comments": null, "biggest threads": null, profile: null, search: null };
// Why a read's rows are what they are, for the misses (the structure, not this run's numbers).
const ROWS_WHY = {
  "post + comments":
    "A thread's page is its roots in the sort's order from a partial index on (post, key) and, per root, its first five replies from one on (parent, key), walked breadth first until the page's budget of 100 rows (or limit + 1) is spent; whatever the thread's size, the rows are the page's, plus the post with its author and submolt.",
  search:
    "Keyword search reads one tier per table, the newest 200 matches below the tier's start straight from the index (FTS5 by rowid on D1), with each match's row, whose text the Worker ranks by BM25 before fusing it with the vector side; the rows are the tiers' index entries and rows plus the page's details, whatever the network's size, so a rare word reads fewer.",
  "feed hot": "A merged feed reads each source's first page (26 index entries and JSON rows per subscribed submolt or followed agent; the benchmark's agents have 5 sources) and then the page's 25 posts with authors, submolts and the reader's votes (~7 rows each): sources × page, flat in the network's size but above 10× a page. Fix: a capped timeline per agent written with each post (fan-out on write), reading one range per page.",
};
ROWS_WHY["biggest threads"] = ROWS_WHY["post + comments"];
// Why a conversation read is slower than the hot listing on D1 when its rows are not the cause.
const SLOW_WHY = {
  search:
    "Its rows and its share of the listing's rate now hold from 10k to 1M (FTS5's bm25() counted every row holding each word on every query, 8 ms a tier at 1M; the tier is now ranked in the Worker from its own text), so what is left is fixed work: each table's 200 newest matches read with their text and ranked, ~12× the listing's rows, and the page's details, two D1 calls against the listing's one. A tier of 100 would halve the rows but ranks worse: search:eval fell from recall@10 0.910 / MRR 0.854 to 0.870 / 0.796 with it (measured on this tree). Fix: the details read with the tiers for the keyword-only part of a page, or a first page drawn from a smaller tier once the ranking holds with it.",
  "post + comments":
    "Its rows are the page's whatever the thread's size: a busy thread's first page is full (its roots and their first replies up to the 100-comment budget, each with its author and the reader's vote) where a listing is 25 posts. A smaller first page (fewer replies under each root, the rest by `parent_id`) would trade these rows for later requests.",
};
SLOW_WHY["biggest threads"] = SLOW_WHY["post + comments"];
ROWS_WHY["feed new"] = ROWS_WHY["feed top"] = ROWS_WHY["feed hot"];

const DESCRIBE = {
  health: "GET /health: no storage (runtime baseline)",
  "health again": "GET /health once more, in five slices taken in turns with agents me's (the machine's pace drifts over a run)",
  "storage read": "GET /api/v1/bench/read: one D1 point read by indexed name (storage baseline for reads)",
  "posts hot": "GET /api/v1/posts?sort=hot, first page of 25",
  "posts new": "GET /api/v1/posts?sort=new",
  "posts top": "GET /api/v1/posts?sort=top",
  "posts hot cached": "GET /api/v1/posts?sort=hot anonymously with the API cache at its default (API_CACHE_SECONDS=5; the server is restarted for it after the writes): a hit is served from the Cache API without a D1 call",
  "posts top day": "GET /api/v1/posts?sort=top&t=day: merged from the window's days (posts_day_top_idx); it walked posts_top_idx past every older post when the day was quiet",
  "submolt hot": "GET /api/v1/submolts/:name/feed?sort=hot on the three largest submolts",
  "post + comments": "GET /api/v1/posts/:id (the post and its thread's first page: roots in the default sort, each with its first replies) over 25 hot and 25 top posts",
  "biggest threads": "GET /api/v1/posts/:id over the network's five busiest threads (the seed gives comments Zipf-like, so the busiest holds about a tenth of all comments: ~11k at 10k posts, ~800k at 1M)",
  profile: "GET /api/v1/agents/profile?name= over the 500 most active agents",
  search: "GET /api/v1/search?q= (hybrid: FTS5 keywords over the newest 200 matches per table, ranked by BM25 in the Worker, + local vectors), 8 two-word queries, first page of 20",
  register: "POST /api/v1/agents/register, a fresh name each",
  "agents me": "GET /api/v1/agents/me over 50 warm keys: the cheapest keyed request (the agent from the isolate's cache, confirmed by one Gate call, no D1 call while its copy is under a minute old)",
  "feed hot":
    "GET /api/v1/feed?sort=hot as 300 agents with 2 subscriptions (the largest submolt and one of the next nine) and 3 follows each. The feed reads the first page of each source (subscribed submolt, followed author) from that source's own index and merges them",
  "feed new": "GET /api/v1/feed?sort=new, same agents",
  "feed top": "GET /api/v1/feed?sort=top, same agents",
  "feed sparse hot": "GET /api/v1/feed?sort=hot as 50 agents subscribed to one of the five smallest submolts and following two quiet agents: the case that read every post when the feed filtered the global sort index",
  "feed sparse new": "GET /api/v1/feed?sort=new, same agents",
  home: "GET /api/v1/home as 50 of those agents, each with two unread replies to a comment (the heartbeat's first call: one batch of four reads plus three post lists)",
  "storage write": "POST /api/v1/bench/write: one trigger-free D1 insert (storage baseline for writes)",
  post: "POST /api/v1/posts: each registered agent posts once (1 post / 30 min limit)",
  comment: "POST /api/v1/posts/:id/comments on the 50 read posts, agents in turn",
  vote: "POST /api/v1/posts/:id/upvote, every request a new (agent, post) pair",
  "posts hot (request log off)": "posts hot on a server restarted after the writes and warmed (every key used once), the request log off: the reference for the next line",
  "posts hot (request log on)": "the same with the request log on (REQUEST_LOG, the deployed default: a JSON line per request)",
  "comment (request log off)": "comment on the restarted server, the request log off",
  "comment (request log on)": "comment with the request log on",
  "vote (request log off)": "vote (new pairs) on the restarted server, the request log off",
  "vote (request log on)": "vote (new pairs) with the request log on",
};

// D1's published prices (Workers Paid, beyond the monthly allowance of 25 billion rows read, 50 million
// rows written and 5 GB), from developers.cloudflare.com/d1/platform/pricing as copied on `date`; the
// benchmark machine is offline, so the report tells readers to check them.
export const D1_PRICES = { date: "2026-12-04", rowsReadPerMillion: 0.001, rowsWrittenPerMillion: 1.0, storagePerGbMonth: 0.75 };
/** US dollars of D1 rows per million requests, beyond the monthly allowance. */
export const dollarsPerMillion = (m) =>
  m.rowsRead === null || m.rowsRead === undefined ? null : m.rowsRead * D1_PRICES.rowsReadPerMillion + m.rowsWritten * D1_PRICES.rowsWrittenPerMillion;

export const fmt = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? "–" : x.toFixed(d));
export const calls = (m) => `${fmt(m.calls)} (${fmt(m.statements)})`;
export const mb = (b) => `${(b / 1024 ** 2).toFixed(1)} MB`;
export const gb = (b) => `${(b / 1024 ** 3).toFixed(2)} GB`;
export const label = (n) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));

function versions() {
  const v = (pkg) => JSON.parse(readFileSync(path.join(root, "node_modules", pkg, "package.json"), "utf8")).version;
  let commit = "unknown";
  try {
    commit = execSync("git rev-parse --short HEAD", { cwd: root, encoding: "utf8" }).trim();
    if (execSync("git status --porcelain --untracked-files=no", { cwd: root, encoding: "utf8" }).trim()) commit += " (with uncommitted changes)";
  } catch {
    // not a git checkout
  }
  let sqlite = "–";
  try {
    sqlite = execSync("sqlite3 -version", { encoding: "utf8" }).split(" ")[0];
  } catch {
    // not installed
  }
  // wrangler dev runs the workerd wrangler depends on (nested when the test pool hoists another).
  const workerd = existsSync(path.join(root, "node_modules", "wrangler", "node_modules", "workerd")) ? v("wrangler/node_modules/workerd") : v("workerd");
  return { node: process.version, wrangler: v("wrangler"), workerd, autocannon: v("autocannon"), sqlite, commit };
}

/** A line chart of p50 latency against data size (log x), one line per workload. */
function chart(sizes) {
  const names = [...BASELINES, ...LISTINGS, "search", ...WRITES];
  const W = 760, H = 420, L = 60, R = 190, T = 30, B = 50;
  const xs = sizes.map((s) => s.posts);
  const lx = (n) => (xs.length === 1 ? L + (W - L - R) / 2 : L + ((Math.log10(n) - Math.log10(xs[0])) / (Math.log10(xs.at(-1)) - Math.log10(xs[0]))) * (W - L - R));
  const values = sizes.flatMap((s) => names.map((n) => s.results[n]?.p50).filter((v) => v > 0));
  const ymax = Math.max(...values) * 1.2;
  const ymin = Math.min(...values) / 1.2;
  const y = (v) => T + (1 - (Math.log10(v) - Math.log10(ymin)) / (Math.log10(ymax) - Math.log10(ymin))) * (H - T - B);
  const colors = ["#888", "#444", "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#ff7f0e", "#aec7e8", "#98df8a", "#ff9896", "#c5b0d5"];
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`, `<rect width="${W}" height="${H}" fill="#fff"/>`];
  out.push(`<text x="${L}" y="18" font-size="13">p50 latency (ms, log scale) vs posts in the database</text>`);
  for (const t of [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000].filter((t) => t >= ymin && t <= ymax)) {
    out.push(`<line x1="${L}" x2="${W - R}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/><text x="${L - 6}" y="${y(t) + 4}" text-anchor="end">${t}</text>`);
  }
  for (const n of xs) out.push(`<text x="${lx(n)}" y="${H - B + 18}" text-anchor="middle">${label(n)}</text>`);
  names.forEach((name, i) => {
    const pts = sizes.map((s) => [lx(s.posts), s.results[name]?.p50]).filter(([, v]) => v > 0);
    if (!pts.length) return;
    const c = colors[i % colors.length];
    const dash = BASELINES.includes(name) ? ` stroke-dasharray="4 3"` : "";
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="2"${dash} points="${pts.map(([a, b]) => `${a.toFixed(1)},${y(b).toFixed(1)}`).join(" ")}"/>`);
    for (const [a, b] of pts) out.push(`<circle cx="${a.toFixed(1)}" cy="${y(b).toFixed(1)}" r="2.5" fill="${c}"/>`);
    out.push(`<line x1="${W - R + 12}" x2="${W - R + 30}" y1="${T + i * 16}" y2="${T + i * 16}" stroke="${c}" stroke-width="2"${dash}/><text x="${W - R + 36}" y="${T + i * 16 + 4}">${name}</text>`);
  });
  out.push("</svg>");
  return out.join("\n");
}

function sizeTable(s) {
  const r = s.results;
  const base = r.health;
  const lines = [
    `| workload | req/s | p50 ms | p99 ms | errors | D1 calls (statements) / request | Gate calls / request | rows read / request | rows written / request | D1 $ / 1M requests | req/s vs /health | req/s vs storage | p50 vs /health | p50 vs storage |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
  ];
  for (const [name, m] of Object.entries(r)) {
    const storage = WRITES.includes(name) || name === "storage write" ? r["storage write"] : r["storage read"];
    lines.push(
      `| ${name} | ${fmt(m.rps, 0)} | ${fmt(m.p50, 2)} | ${fmt(m.p99, 2)} | ${m.errors} | ${calls(m)} | ${fmt(m.gateCalls)} | ${fmt(m.rowsRead, 1)} | ${fmt(m.rowsWritten, 1)} | ${fmt(dollarsPerMillion(m), 2)} | ${fmt(m.rps / base.rps, 2)} | ${fmt(m.rps / storage.rps, 2)} | ${fmt(m.p50 / base.p50, 2)} | ${fmt(m.p50 / storage.p50, 2)} |`,
    );
  }
  return lines.join("\n");
}

/**
 * Local D1 answers one call at a time, so the one-call baseline's throughput is the per-call cost
 * and a route making N calls can reach about 1/N of it: the explanation, computed from this run.
 */
function ceiling(size, name, baseline) {
  const b = size.results[baseline];
  const m = size.results[name];
  const perCall = 1000 / b.rps;
  return `At ${label(size.posts)} the one-call ${baseline} served ${fmt(b.rps, 0)} req/s, i.e. local D1 spends ~${fmt(perCall, 1)} ms per call and serves one call at a time; this route makes ${fmt(m.calls)} D1 calls per request, so its ceiling is ~${fmt(b.rps / m.calls, 0)} req/s (${fmt(100 / m.calls, 0)}%) and it measured ${fmt(m.rps, 0)} req/s.`;
}

function targets(sizes) {
  const first = sizes[0];
  const last = sizes.at(-1);
  const out = [];
  const misses = [];
  if (sizes.length > 1) {
    const storageGrowth = last.results["storage read"].p50 / first.results["storage read"].p50;
    out.push(`**Listings flat** (p50 at ${label(last.posts)} within ${TARGET.flat}× of ${label(first.posts)}). The storage baseline itself moved ${fmt(storageGrowth, 2)}× between these sizes.`, "");
    out.push(`| listing | p50 ${label(first.posts)} | p50 ${label(last.posts)} | ratio | ratio ÷ point-read growth | p99 ratio | D1 calls (statements) ${label(first.posts)} → ${label(last.posts)} | met |`, "|---|---:|---:|---:|---:|---:|---:|---|");
    for (const name of LISTINGS) {
      const a = first.results[name];
      const b = last.results[name];
      if (!a || !b) continue; // a workload added after these figures were measured
      const ratio = b.p50 / a.p50;
      const met = ratio <= TARGET.flat;
      out.push(`| ${name} | ${fmt(a.p50, 2)} | ${fmt(b.p50, 2)} | ${fmt(ratio, 2)} | ${fmt(ratio / storageGrowth, 2)} | ${fmt(b.p99 / a.p99, 2)} | ${calls(a)} → ${calls(b)} | ${met ? "yes" : "**no**"} |`);
      if (!met) {
        const same = Math.abs((b.calls ?? 0) - (a.calls ?? 0)) < 0.05;
        misses.push(
          `- **${name}** grew ${fmt(ratio, 2)}× (the point read grew ${fmt(storageGrowth, 2)}×). ${same ? `It makes the same ${fmt(b.calls)} D1 calls at both sizes and every one is an index range scan (the query-plan tests assert it), so the growth is per-statement cost in a database ${label(last.posts / first.posts)} times larger: deeper B-trees and a working set that no longer fits SQLite's page cache.` : `Its D1 calls changed (${calls(a)} → ${calls(b)}).`} Fix: fewer statements per request (one joined read instead of a read per part) and D1 read replicas close to readers; in production D1's own cache and replicas, not this laptop's page cache, set the per-statement cost.`,
        );
      }
    }
    out.push("");
  }
  const throughput = ({ names, baseline, share, title, kind, what, why }) => {
    out.push(`**${title} at ≥ ${share * 100}% of ${what}** (req/s ÷ ${baseline} req/s).`, "");
    out.push(`| ${kind} | ${sizes.map((s) => label(s.posts)).join(" | ")} | D1 calls (statements) / request | met |`, `|---|${sizes.map(() => "---:|").join("")}---:|---|`);
    for (const name of names.filter((n) => sizes.every((s) => s.results[n]))) {
      const ratios = sizes.map((s) => s.results[name].rps / s.results[baseline].rps);
      const met = ratios.every((x) => x >= share);
      out.push(`| ${name} | ${ratios.map((x) => fmt(x, 2)).join(" | ")} | ${calls(last.results[name])} | ${met ? "yes" : "**no**"} |`);
      if (!met) misses.push(`- **${name}** reached ${ratios.map((x) => `${fmt(x * 100, 0)}%`).join(" / ")} of ${what}. ${ceiling(last, name, baseline)} ${why(last.results[name], name)}`);
    }
    out.push("");
  };
  out.push(
    `**Round trips** (D1 calls per request at ${label(last.posts)}: every read at most ${TARGET.calls} including authentication, every write at most ${TARGET.calls} after it; the benchmark's agents reuse their keys, so authentication is mostly the isolate's cached agent confirmed by its Gate, no D1 call).`,
    "",
    "| workload | D1 calls / request | of which authentication | counted against the target | met |",
    "|---|---:|---:|---:|---|",
  );
  for (const name of [...READS, ...WRITES]) {
    const m = last.results[name];
    if (!m) continue;
    const auth = m.authCalls ?? 0;
    const counted = WRITES.includes(name) ? m.calls - auth : m.calls;
    const met = counted <= TARGET.calls + 0.05;
    out.push(`| ${name} | ${fmt(m.calls)} | ${m.authCalls == null ? "—" : fmt(auth)} | ${fmt(counted)} | ${met ? "yes" : "**no**"} |`);
    if (!met) {
      misses.push(
        `- **${name}** makes ${fmt(counted)} D1 calls per request against the target of ${TARGET.calls}.${name === "search" ? " They are the keyword tiers (posts and comments in one batch) and the page's details, plus the agents and submolts whose names start with the query when it could start one (one word of name characters); the vector side is the local vector index, the offline stand-in for Vectorize, whose reads are not counted since in production Vectorize answers it. Folding the details into the tiers' batch would need the fused order first, which needs both rankings." : ""}`,
      );
    }
  }
  out.push("");
  throughput({
    names: READS,
    baseline: "storage read",
    share: TARGET.reads,
    title: "Reads",
    kind: "read",
    what: "the point read's throughput",
    why: (m) =>
      `${m.calls > 1.05 ? "Its calls run side by side, but local D1 answers one at a time; with read replicas they are answered in parallel near the reader. " : ""}Beyond the calls, the difference is the statement's own work: ${fmt(m.rowsRead ?? 0, 0)} rows read per request against the point read's one, plus the rate gate's Durable Object round trip on every request and JSON for a page of posts.`,
  });
  throughput({
    names: WRITES,
    baseline: "storage write",
    share: TARGET.writes,
    title: "Writes (rate gate, audit log, duplicate checks and search outbox on)",
    kind: "write",
    what: "a trivial insert's throughput",
    why: (m, name) =>
      `After authentication a write is one D1 batch whose statements make its checks as they write (${name === "vote" ? "the target with the voter's current vote, the tallies moved from the vote row itself, karma, the vote, the post's rank row" : "the place read for a refusal's reason, an INSERT … SELECT whose FROM is the checks, the counters chained on changes(), the outbox row from the insert's trigger"}): ${fmt(m.statements - (m.calls > 1.5 ? 1 : 0), 0)}-odd statements against the trivial insert's one, which local D1 runs in its single thread. On top come one Durable Object round trip to the agent's Gate, on an agent's first request the key lookup, and the drains after the response in the same isolate (derived rows, the local embedder): see "Why the writes' rates miss" below for what they cost, measured.`,
  });
  if (sizes.length > 1 && sizes.every((s) => Object.values(s.results).some((m) => m.rowsRead != null))) {
    out.push(
      `**Reads bounded by what they return** (rows read per request at ${label(last.posts)} within ${TARGET.rowsGrowth}× of ${label(first.posts)}, and within ${TARGET.rowsPerItem}× the items the response returns).`,
      "",
      `| read | ${sizes.map((s) => `rows ${label(s.posts)}`).join(" | ")} | ${label(last.posts)} ÷ ${label(first.posts)} | items returned | rows ÷ item at ${label(last.posts)} | met |`,
      `|---|${sizes.map(() => "---:|").join("")}---:|---:|---:|---|`,
    );
    for (const [name, page] of Object.entries(PAGE)) {
      if (!last.results[name] || !first.results[name]) continue;
      const growth = last.results[name].rowsRead / Math.max(first.results[name].rowsRead, 1e-9);
      const perItem = page ? last.results[name].rowsRead / page : null;
      const met = growth <= TARGET.rowsGrowth && (perItem === null || perItem <= TARGET.rowsPerItem);
      out.push(`| ${name} | ${sizes.map((s) => fmt(s.results[name].rowsRead, 1)).join(" | ")} | ${fmt(growth, 2)} | ${page ?? "varies"} | ${perItem === null ? "—" : fmt(perItem, 1)} | ${met ? "yes" : "**no**"} |`);
      if (!met) misses.push(`- **${name}** read ${fmt(first.results[name].rowsRead, 0)} → ${fmt(last.results[name].rowsRead, 0)} rows per request (${fmt(growth, 2)}×${perItem === null ? "" : `, ${fmt(perItem, 1)} per item returned`}). ${ROWS_WHY[name] ?? ""}`);
    }
    out.push("");
  }
  const path = requestPathTargets(sizes);
  out.push(...path.lines);
  misses.push(...path.misses);
  const writes = writeTargets(sizes, "d1");
  out.push(...writes.lines);
  misses.push(...writes.misses);
  const views = viewTargets(sizes);
  out.push(...views.lines);
  misses.push(...views.misses);
  const conversations = conversationTargets(sizes, { rows: (m) => m.rowsRead, unit: "D1 rows read", why: (name, slow) => (slow ? SLOW_WHY[name] : ROWS_WHY[name]) ?? "" });
  out.push(...conversations.lines);
  misses.push(...conversations.misses);
  if (misses.length) out.push("**Why the missed targets were missed, and what would fix them** (figures from this run):", "", ...misses, "");
  return out.join("\n");
}

// Why the hot listing's tail is what it is on this machine, for its misses (measured, not this run's).
const TAIL_WHY =
  "Ten connections on two cores shared with the load generator: at ~25 ms p50 a request waits behind about nine others, so any pause of the one isolate (a garbage collection, a cron run beside the load, D1's thread busy with a metered neighbour's second read) lands on the requests queued behind it. The cron alone is not it: 130 s of this listing at 100k beside two cron runs (27 and 12 ms) measured p99 2.5× p50, with the slowest seconds away from them. Fix: fewer allocations per listing (drizzle maps every row into objects: ~15% of the listing's CPU in a profile) and no Gate round trip for an anonymous read the isolate can count itself.";

/**
 * Issue 41's request-path targets on one store's sizes: a keyed GET /agents/me at ≥ 60% of /health's
 * req/s, the hot listing's p99 within 3× its p50, and at most one Gate call before any response.
 */
export function requestPathTargets(sizes) {
  // Runs from before the workload existed have nothing to hold to these targets.
  if (!sizes.some((s) => s.results["agents me"])) return { lines: [], misses: [] };
  // Runs from before the cron's runs were read from the server's log show no such column.
  const withCron = sizes.some((s) => s.cron);
  const lines = [
    `**The request path** (\`agents me\` req/s ÷ \`health\` req/s ≥ ${TARGET.keyed * 100}%, against the run's first /health and against \`health again\`, measured in turns with it (five slices each); \`posts hot\` p99 ≤ ${TARGET.tail}× its p50; at most ${TARGET.gateCalls} Gate call per request before the response, the largest over every workload).${withCron ? " The one-minute cron (search outbox, notification sweep, near-duplicate upkeep, sessions) runs beside the load as deployed; its runs are counted from the server's log with the longest's duration, the tail's suspect when it is long." : ""}`,
    "",
    `| size | agents me ÷ health | ÷ health again | posts hot p99 ÷ p50 | most Gate calls / request (workload) |${withCron ? " cron runs beside the workloads (longest) |" : ""} met |`,
    `|---|---:|---:|---:|---:|${withCron ? "---:|" : ""}---|`,
  ];
  const misses = [];
  for (const s of sizes) {
    const r = s.results;
    if (!r["agents me"]) continue;
    const keyed = r["agents me"].rps / r.health.rps;
    const adjacent = r["health again"] ? r["agents me"].rps / r["health again"].rps : null;
    const tail = r["posts hot"].p99 / r["posts hot"].p50;
    const [worst, most] = Object.entries(r).reduce((a, [n, m]) => ((m.gateCalls ?? 0) > a[1] ? [n, m.gateCalls] : a), ["–", 0]);
    // Held to the /health measured in turns with it when there is one: the first ran minutes earlier.
    const met = (adjacent ?? keyed) >= TARGET.keyed && tail <= TARGET.tail && most <= TARGET.gateCalls + 0.01;
    const cron = !withCron ? "" : ` ${s.cron ? `${s.cron.length} (${s.cron.length ? `${Math.max(...s.cron.map((c) => c.ms))} ms` : "–"})` : "–"} |`;
    lines.push(`| ${label(s.posts)} | ${fmt(keyed * 100, 0)}% | ${adjacent === null ? "–" : `${fmt(adjacent * 100, 0)}%`} | ${fmt(tail, 2)} | ${fmt(most, 2)} (${worst}) |${cron} ${met ? "yes" : "**no**"} |`);
    if ((adjacent ?? keyed) < TARGET.keyed) misses.push(`- **agents me** at ${label(s.posts)} served ${fmt((adjacent ?? keyed) * 100, 0)}% of /health (${fmt(r["agents me"].rps, 0)} against ${fmt((r["health again"] ?? r.health).rps, 0)} req/s) with ${fmt(r["agents me"].calls)} D1 and ${fmt(r["agents me"].gateCalls)} Gate calls per request.`);
    if (tail > TARGET.tail)
      misses.push(
        `- **posts hot** at ${label(s.posts)}: p99 ${fmt(r["posts hot"].p99, 0)} ms against p50 ${fmt(r["posts hot"].p50, 0)} ms (${fmt(tail, 2)}×), metered responses left out. ${TAIL_WHY}${s.cron?.length ? ` This size's ${s.cron.length} cron runs took up to ${Math.max(...s.cron.map((c) => c.ms))} ms each.` : ""}`,
      );
  }
  lines.push("");
  return { lines, misses };
}

/**
 * Issue 42's targets on one store's sizes: bytes per response in the full and the compact view for
 * every read workload that measured them (a sample of its own requests, each asked both ways); the
 * hot listing's compact page at most 35% of the full one, a thread page, /home and search at most
 * 40%. (The issue's 15 KB is its page of 25 short posts: test/routes/compact-view.test.ts holds it;
 * the seeded posts are longer.) "Text" is the share of the full view's bytes that is titles and
 * content, which neither view can leave out.
 */
export function viewTargets(sizes) {
  const measured = sizes.filter((s) => Object.values(s.results).some((m) => m.bytes));
  if (!measured.length) return { lines: [], misses: [] };
  const names = Object.keys(measured[0].results).filter((n) => measured[0].results[n].bytes);
  const lines = [
    `**The compact view** (\`?view=compact\`: bytes per response, full → compact, over five of the workload's own requests each asked both ways; \`posts hot\` ≤ ${TARGET.compactListing * 100}%, ${COMPACT_OTHER.map((n) => `\`${n}\``).join(", ")} ≤ ${TARGET.compactOther * 100}%; "text" is the titles' and contents' share of the full view, which no view leaves out).`,
    "",
    `| read | ${measured.map((s) => `${label(s.posts)} full → compact`).join(" | ")} | compact ÷ full | text ÷ full | met |`,
    `|---|${measured.map(() => "---:|").join("")}---:|---:|---|`,
  ];
  const misses = [];
  for (const name of names) {
    const ratios = measured.map((s) => s.results[name].bytes.compact / s.results[name].bytes.full);
    const limit = name === "posts hot" ? TARGET.compactListing : COMPACT_OTHER.includes(name) ? TARGET.compactOther : null;
    const text = measured.map((s) => s.results[name].bytes.text / s.results[name].bytes.full);
    const met = limit === null ? "—" : ratios.every((r) => r <= limit) ? "yes" : "**no**";
    lines.push(`| ${name} | ${measured.map((s) => `${fmt(s.results[name].bytes.full, 0)} → ${fmt(s.results[name].bytes.compact, 0)}`).join(" | ")} | ${ratios.map((r) => `${fmt(r * 100, 0)}%`).join(" / ")} | ${text.map((r) => `${fmt(r * 100, 0)}%`).join(" / ")} | ${met} |`);
    if (met === "**no**")
      misses.push(
        `- **${name}** compact at ${ratios.map((r) => `${fmt(r * 100, 0)}%`).join(" / ")} of the full view (target ${limit * 100}%), of which titles and contents are ${text.map((r) => `${fmt(r * 100, 0)}%`).join(" / ")}: what is left per item is its id, author, ★ vote counts and time, which the compact view keeps by API.md §4.`,
      );
  }
  lines.push("");
  return { lines, misses };
}

// Why the writes' rates are what they are on this machine, for their misses (measured ad hoc, not this run's).
const WRITE_WHY =
  "The request itself is one D1 call (after the key's first lookup); the work after the response runs in the same isolate on the same two cores, beside the load generator: the near-duplicate signatures and their candidates, the notifications and stats, and the local vector index's embedder, which deployed is Workers AI. Measured at 10k with two servers on copies of one seed, in alternating 3 s slices at 10 connections: comments ran at 109 req/s with the drains and 213 without (51%) when every write started its own pass; waiting 100 ms, then 250 ms (DERIVE_GATHER_MS) for more writes before a pass took that to 67% and 77% (143 and 114 req/s on slower slices). The largest single entry in a CPU profile of this workload was D1's response parsing in the isolate (19%: `toJson`, which is `response.text()` and `JSON.parse` of every D1 answer); the pass's near-duplicate candidates (up to 50 per item, each a 64-byte signature answered as an array of numbers) looked the likely cause, but reading them as hex strings changed nothing measurable (two servers, old and new code, alternating 3 s slices on a machine busy with other work: comments 71 against 79 req/s, posts 78 against 78), so it was not kept. Fix next: the drains on a Worker of their own (a Queue consumer, or a second Worker fed by the outbox) so they do not share the request's isolate — deployed, the request isolate would then spend on a write only the request's own call.";

/**
 * Issue 41's write targets on one store's sizes: post and comment at ≥ 30% of the storage write's
 * req/s and vote at ≥ 50%; one D1 call (PostgreSQL: at most three statements) and at most 15 rows
 * written (vote: 8) on the request path; the rows the drains wrote after the responses beside them
 * (measured once they were idle); and what the request log costs, from the pass with it on.
 */
export function writeTargets(sizes, store) {
  if (!sizes.some((s) => s.results.post?.after)) return { lines: [], misses: [] };
  const d1 = store === "d1";
  const lines = [
    `**Writes** (req/s ÷ \`storage write\` req/s: post and comment ≥ ${TARGET.itemWrite * 100}%, vote ≥ ${TARGET.voteWrite * 100}%; ${d1 ? `${TARGET.writeCalls} D1 call and rows written on the request path ≤ ${TARGET.itemRows} (vote ≤ ${TARGET.voteRows})` : `≤ ${TARGET.pgStatements} statements, BEGIN and COMMIT counted`}). "After" is the work the drains did after the responses (derived rows, hot ranks, the vector index), per acknowledged write, once they were idle; "with log" is the same workload's req/s with the request log on ÷ with it off, each on a server restarted and warmed alike.`,
    "",
    `| size | write | ÷ storage write | ${d1 ? "D1 calls after auth | rows written | after: D1 statements (calls) | after: rows written | rows in all" : "statements | after: drain passes"} | with log | met |`,
    `|---|---|---:|${d1 ? "---:|---:|---:|---:|---:|" : "---:|---:|"}---:|---|`,
  ];
  const misses = [];
  for (const s of sizes) {
    const r = s.results;
    for (const name of ["post", "comment", "vote"]) {
      const m = r[name];
      if (!m) continue;
      const share = m.rps / r["storage write"].rps;
      // The log's cost, between two servers restarted and warmed alike (run.mjs).
      const [off, on] = [r[`${name} (request log off)`], r[`${name} (request log on)`]];
      const withLog = off && on ? on.rps / off.rps : null;
      const floor = name === "vote" ? TARGET.voteWrite : TARGET.itemWrite;
      const rowCap = name === "vote" ? TARGET.voteRows : TARGET.itemRows;
      const fast = share >= floor;
      // A fresh agent's first keyed request looks its key up (the isolate caches it after): not the write's.
      const calls = (m.calls ?? 0) - (m.authCalls ?? 0);
      const lean = d1 ? calls <= TARGET.writeCalls + 0.01 && (m.rowsWritten ?? 0) <= rowCap + 0.01 : (m.statements ?? 0) <= TARGET.pgStatements + 0.01;
      const after = m.after;
      const counted = d1
        ? `${fmt(calls, 2)} | ${fmt(m.rowsWritten, 1)} | ${fmt(after?.statements, 1)} (${fmt(after?.calls, 2)}) | ${fmt(after?.rowsWritten, 1)} | ${fmt(after ? (m.rowsWritten ?? 0) + after.rowsWritten : null, 1)}`
        : `${fmt(m.statements, 1)} | ${after ? after.passes : "–"}`;
      lines.push(`| ${label(s.posts)} | ${name} | ${fmt(share * 100, 0)}% | ${counted} | ${withLog === null ? "–" : `${fmt(withLog * 100, 0)}%`} | ${fast && lean ? "yes" : "**no**"} |`);
      if (!fast) misses.push(`- **${name}** at ${label(s.posts)} served ${fmt(share * 100, 0)}% of the storage write (${fmt(m.rps, 0)} against ${fmt(r["storage write"].rps, 0)} req/s) with ${d1 ? `${fmt(calls, 2)} D1 calls after authentication and ${fmt(m.rowsWritten, 1)} rows written` : `${fmt(m.statements, 1)} statements`} per request.`);
      if (!lean) misses.push(`- **${name}** at ${label(s.posts)} made ${d1 ? `${fmt(calls, 2)} D1 calls after authentication writing ${fmt(m.rowsWritten, 1)} rows` : `${fmt(m.statements, 1)} statements`} per request.`);
    }
  }
  if (misses.some((m) => m.includes("of the storage write"))) misses.push(`- **Why the writes' rates miss:** ${WRITE_WHY}`);
  const hot = sizes.filter((s) => s.results["posts hot (request log off)"] && s.results["posts hot (request log on)"]);
  lines.push("");
  if (hot.length) lines.push(`The request log on the hot listing: ${hot.map((s) => `${fmt((s.results["posts hot (request log on)"].rps / s.results["posts hot (request log off)"].rps) * 100, 0)}% at ${label(s.posts)}`).join(", ")} of its rate without it.`, "");
  return { lines, misses };
}

/**
 * Issue 40's targets on one store's sizes: each conversation read at ≥ 40% of the hot listing's
 * throughput at the largest size, and its rows (`rows(m)`: D1's meter, or PostgreSQL's tuples) at
 * the largest size within 1.25× of the smallest. `why(name, slow)`: the store's reason for a miss,
 * of throughput when `slow`, else of rows.
 */
export function conversationTargets(sizes, { rows, unit, why }) {
  const [first, last] = [sizes[0], sizes.at(-1)];
  const lines = [
    `**Conversations at any size** (req/s ÷ \`posts hot\` req/s at ${label(last.posts)} ≥ ${TARGET.conversation * 100}%; ${unit} per request at ${label(last.posts)} within ${TARGET.conversationRows}× of ${label(first.posts)}).`,
    "",
    `| read | ${sizes.map((s) => `÷ hot ${label(s.posts)}`).join(" | ")} | ${sizes.map((s) => `rows ${label(s.posts)}`).join(" | ")} | rows ${label(last.posts)} ÷ ${label(first.posts)} | met |`,
    `|---|${sizes.map(() => "---:|").join("")}${sizes.map(() => "---:|").join("")}---:|---|`,
  ];
  const misses = [];
  for (const name of CONVERSATIONS) {
    if (!sizes.every((s) => s.results[name])) continue;
    const shares = sizes.map((s) => s.results[name].rps / s.results["posts hot"].rps);
    const counted = sizes.map((s) => rows(s.results[name]));
    const growth = counted.every((x) => x != null) ? counted.at(-1) / Math.max(counted[0], 1e-9) : null;
    const fast = shares.at(-1) >= TARGET.conversation;
    const flat = growth === null || growth <= TARGET.conversationRows;
    lines.push(`| ${name} | ${shares.map((x) => fmt(x * 100, 0) + "%").join(" | ")} | ${counted.map((x) => fmt(x, 0)).join(" | ")} | ${fmt(growth, 2)} | ${fast && flat ? "yes" : "**no**"} |`);
    if (!fast) misses.push(`- **${name}** served ${fmt(shares.at(-1) * 100, 0)}% of the hot listing's req/s at ${label(last.posts)} (${fmt(last.results[name].rps, 0)} against ${fmt(last.results["posts hot"].rps, 0)}), with ${fmt(counted.at(-1), 0)} ${unit} per request against the listing's ${fmt(rows(last.results["posts hot"]), 0)}. ${why(name, true)}`);
    if (!flat) misses.push(`- **${name}** read ${fmt(counted[0], 0)} → ${fmt(counted.at(-1), 0)} ${unit} per request from ${label(first.posts)} to ${label(last.posts)} (${fmt(growth, 2)}×). ${why(name, false)}`);
  }
  lines.push("");
  return { lines, misses };
}

/** recall@10 and MRR of `npm run search:eval` on this run's tree and on the commit before the change measured. */
function qualitySection(quality) {
  if (!quality) return "";
  const modes = ["keyword", "vector", "hybrid"];
  const columns = [...(quality.before ? [quality.before] : []), quality.after];
  return [
    "## Search quality",
    "",
    `\`npm run search:eval\` (test/eval: 200 documents, 50 queries with their relevant answers), run by the benchmark on this tree${quality.before ? ` and on commit ${quality.before.commit}, before search read its matches in tiers, checked out beside it` : ""}: what the search figures above cost in ranking.`,
    "",
    `| mode | ${columns.map((c) => `recall@10 ${c.commit}`).join(" | ")} | ${columns.map((c) => `MRR ${c.commit}`).join(" | ")} |`,
    `|---|${columns.map(() => "---:|").join("")}${columns.map(() => "---:|").join("")}`,
    ...modes.map((m) => `| ${m} | ${columns.map((c) => fmt(c.scores[m]?.recall, 3)).join(" | ")} | ${columns.map((c) => fmt(c.scores[m]?.mrr, 3)).join(" | ")} |`),
    "",
  ].join("\n");
}

function capacitySection(cap, sizes, pg) {
  if (!cap) return "## Capacity planning\n\nNot measured: the `sqlite3` command (for `dbstat`) is not installed.\n";
  const last = sizes.at(-1);
  const at = (share) => Math.floor((share * cap.limit) / cap.perPost);
  const lines = [
    "## Capacity planning",
    "",
    `Measured with SQLite's \`dbstat\` on the ${label(last.posts)}-post database after the benchmark's writes (\`${cap.file}\`, ${gb(cap.fileBytes)} on disk, of which ${mb(cap.transientBytes)} is the search outbox and local-only tables, not counted). The seed writes every row the API's write path writes (fingerprints, near-duplicate signatures and band keys, API keys, claim hashes, audit rows), so nothing is projected from elsewhere. Bytes include every index; posts and comments include their FTS5 shadow tables.`,
    "",
    "| what | rows | bytes (tables + indexes) | bytes / row | bytes / post |",
    "|---|---:|---:|---:|---:|",
    ...cap.groups.map((g) => `| ${g.what} | ${g.rows} ${g.per} | ${mb(g.bytes)} | ${fmt(g.perRow, 0)} | ${fmt(g.perPost, 0)} |`),
    `| **per post, with its share of everything** | | | | **${fmt(cap.perPost / 1024, 1)} KB** |`,
    "",
    `**Projected at Moltbook's size** (2.3M agents, 17k submolts, 12M comments; posts taken as 12M / 8 = 1.5M, votes, follows and subscriptions at the seed's ratios):`,
    "",
    "| what | rows | projected size |",
    "|---|---:|---:|",
    ...cap.projection.map((p) => `| ${p.what} | ${Math.round(p.count).toLocaleString("en")} | ${gb(p.bytes)} |`),
    `| **total** | | **${gb(cap.projected)}** (${fmt((cap.projected / cap.limit) * 100, 0)}% of D1's ${gb(cap.limit)} per database) |`,
    "",
    `The near-duplicate index keeps NEAR_DUPLICATE_RETENTION_DAYS (30) of posts and comments; the seeded network is 30 days old, so all of it is counted here. On an older network its share stops growing: the cron prunes what leaves the window.`,
    "",
    "**Scale path** (DESIGN.md), with the numbers from this run that trigger each step:",
    "",
    `1. **One D1 database** while the projected size stays under 70% of the limit: up to ~${at(0.7).toLocaleString("en")} posts with their comments, votes and agents (~${fmt(cap.perPost / 1024, 1)} KB each); the hard wall is ~${at(1).toLocaleString("en")} posts. At Moltbook's size the projection is ${gb(cap.projected)}, ${cap.projected > 0.7 * cap.limit ? "past the 70% line: Moltbook's first six weeks would already need step 3" : "inside the 70% line"}.`,
    `2. **Read replicas** (D1 Sessions API, bookmarks for read-your-writes) when read traffic, not size, saturates the primary: in this run one local database served ${fmt(last.results["storage read"].rps, 0)} point reads/s and ${fmt(last.results["posts hot"].rps, 0)} hot-feed pages/s; replicas multiply the read side, writes stay on the primary.`,
    `3. **PostgreSQL through Hyperdrive** (\`STORAGE=postgres\`, docs/scale.md "Moving to PostgreSQL") when the projection passes 70% or sustained writes approach the single writer's measured ${fmt(last.results["storage write"].rps, 0)} trivial inserts/s (${fmt(last.results.comment.rps, 0)} comments/s with every check on). ${pgTier(pg)} Tidepool does not shard D1 by hand.`,
    "",
  ];
  return lines.join("\n");
}

/**
 * `runs`: each store's run ({started, versions?, duration, connections, vars, sizes, capacity}), D1's
 * and PostgreSQL's measured separately (a run without `versions` is this one: they are read now).
 * The report is D1's run with PostgreSQL's beside it.
 */
export function writeReport({ out, argv, runs }) {
  mkdirSync(out, { recursive: true });
  for (const run of Object.values(runs)) if (run && !run.versions) run.versions = versions();
  const pg = runs.postgres ?? null;
  const main = runs.d1 ?? pg;
  const { started, duration, connections, vars, sizes, capacity } = main;
  const v = main.versions;
  const cpus = os.cpus();
  // The committed report keeps its chart and figures in bench/; any other report keeps them beside it.
  const beside = path.resolve(out) !== path.resolve(root);
  const svgName = beside ? "latency.svg" : "bench/latency.svg";
  const md = [
    "# Benchmarks",
    "",
    `Generated by \`npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}\` on ${new Date().toISOString()} from the runs below; do not edit by hand, re-run it. Raw figures: \`${beside ? "results.json" : "bench/results.json"}\`.`,
    "",
    "## Machine and versions",
    "",
    `- ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GB RAM, ${os.type()} ${os.release()}`,
    `- D1 run ${new Date(started).toISOString()}: Node ${v.node}, wrangler ${v.wrangler}, workerd ${v.workerd} (local D1 is workerd's SQLite), autocannon ${v.autocannon}, sqlite3 CLI ${v.sqlite} (seeding, dbstat), commit ${v.commit}`,
    ...(pg && pg !== main ? [`- PostgreSQL run ${new Date(pg.started).toISOString()}: PostgreSQL ${pg.postgresVersion}, Node ${pg.versions.node}, wrangler ${pg.versions.wrangler}, workerd ${pg.versions.workerd}, commit ${pg.versions.commit} ("PostgreSQL beside D1" below)`] : []),
    `- Load generator and server share the machine; figures are for comparison within a run (ratios), not for Cloudflare's edge.`,
    "",
    "## How it was run",
    "",
    `- Each size: the seeded database (\`npm run seed -- --posts N --seed 42\`, cached in \`.bench/\`) is copied, served by \`npm run dev\` with \`${vars.map((x) => `--var ${x}`).join(" ")}\`, and driven by autocannon with ${connections} connections for ${duration} s per workload (writes: \`post\` sends one request per registered agent).`,
    "- The rate gate is **on**: every request takes its Durable Object round trip and the write limits are the defaults (1 post/30 min, 50 comments/h). Raised are the two per-network buckets one load-generating IP would exhaust at once (registration, anonymous reads) and the per-agent request count (the feed and home agents make more than 100 requests a minute before they post; the gate still counts every request), and bench agents are not treated as new. Writes spread over all agents registered in the run, so no per-agent limit binds: any 429 would show as an error.",
    "- Audit log, exact/near-duplicate checks, credential firewall, daily stats triggers, FTS5 and the search outbox are all on for writes; new content is indexed after each response as in production.",
    "- Seeded content is found by keyword (FTS5 over everything); the local vector index, an offline stand-in for Vectorize, holds only what the run writes (`npm run bench:search` measures it at 100k items).",
    "- p50/p99 are over every response of the workload (sub-millisecond resolution); errors are non-2xx responses plus connection errors; D1 calls (round trips; a batch is one) and statements are what the server reports per request (`X-Tidepool-D1-Calls` and `-Statements`, benchmark servers only).",
    `- Rows read and written are D1's own \`meta.rows_read\` / \`meta.rows_written\` (what D1 bills), summed over the request's calls, from every ${METER_EVERY}th request of the workload, which asks the server to meter them (\`X-Tidepool-Meter: rows\`; a metered request runs its drizzle reads a second time to learn their rows, so only a sample is metered). Work after the response (search indexing, a key's last_used_at stamp at most once a minute) is not in them, as it is not in the call counts. D1 $ / 1M requests prices them at D1's published rates as of ${D1_PRICES.date}: $${D1_PRICES.rowsReadPerMillion} per million rows read, $${D1_PRICES.rowsWrittenPerMillion.toFixed(2)} per million rows written (beyond the Workers Paid allowance of 25 billion read and 50 million written a month; storage $${D1_PRICES.storagePerGbMonth} per GB-month beyond 5 GB). Check the current prices before budgeting with them.`,
    "",
    "| workload | what it does |",
    "|---|---|",
    ...Object.entries(DESCRIBE).map(([k, d]) => `| ${k} | ${d} |`),
    "",
    ...sizes.flatMap((s) => [
      `## ${label(s.posts)} posts`,
      "",
      `Seeded: ${s.rows?.toLocaleString("en") ?? "?"} rows in ${fmt(s.seedSeconds, 0)} s. During the run: ${s.totals.agents.toLocaleString("en")} agents, ${s.totals.posts.toLocaleString("en")} posts, ${s.totals.comments.toLocaleString("en")} comments; ${s.agentsUsed} agents registered by the run wrote.`,
      "",
      sizeTable(s),
      "",
    ]),
    "## Scaling",
    "",
    `| workload | ${sizes.map((s) => `p50 ${label(s.posts)}`).join(" | ")} | ${sizes.map((s) => `p99 ${label(s.posts)}`).join(" | ")} | p50 ${label(sizes.at(-1).posts)}/${label(sizes[0].posts)} | p99 ${label(sizes.at(-1).posts)}/${label(sizes[0].posts)} |`,
    `|---|${sizes.map(() => "---:|").join("")}${sizes.map(() => "---:|").join("")}---:|---:|`,
    ...Object.keys(sizes[0].results).map((name) => {
      const first = sizes[0].results[name];
      const last = sizes.at(-1).results[name];
      return `| ${name} | ${sizes.map((s) => fmt(s.results[name].p50, 2)).join(" | ")} | ${sizes.map((s) => fmt(s.results[name].p99, 2)).join(" | ")} | ${fmt(last.p50 / first.p50, 2)} | ${fmt(last.p99 / first.p99, 2)} |`;
    }),
    "",
    `![p50 latency against data size](${svgName})`,
    "",
    "## Targets",
    "",
    targets(sizes),
    qualitySection(main.searchQuality),
    ...(pg && pg !== main ? [postgresSection(main, pg)] : []),
    capacitySection(capacity, sizes, pg && pg !== main ? pg : null),
  ].join("\n");
  const svgPath = beside ? path.join(out, "latency.svg") : path.join(root, "bench", "latency.svg");
  writeFileSync(path.join(out, "BENCHMARKS.md"), md);
  writeFileSync(svgPath, chart(sizes));
  const strip = (run) => ({ ...run, sizes: run.sizes.map(({ capacity: _, ...s }) => s) });
  const saved = { ...strip(main), ...(pg && pg !== main ? { postgres: strip(pg) } : {}) };
  writeFileSync(beside ? path.join(out, "results.json") : path.join(root, "bench", "results.json"), JSON.stringify(saved, null, 2));
}
