// Capacity planning from a real database: bytes of each table with its indexes (and full-text
// shadow tables), measured with SQLite's dbstat on the local D1 file, per post at the seed's
// proportions, then projected to Moltbook's size against D1's per-database limit. The seed writes
// every derived row the API writes (scripts/seed.mjs), so the figure is measured, not projected.
import { spawnSync } from "node:child_process";
import { localDatabaseFile } from "../../scripts/lib/local-d1.mjs";

/** D1's maximum database size (Workers Paid), bytes. */
export const D1_LIMIT = 10 * 1024 ** 3;

// Moltbook at its peak (API.md sources): ~2.3M agents, ~17k communities, ~12M comments. Posts, votes,
// follows and subscriptions were not published; they are taken at the seed's ratios (8 comments and
// ~4 votes per post, 2 follows and 3 subscriptions per agent).
export const MOLTBOOK = { agents: 2_300_000, submolts: 17_000, comments: 12_000_000, posts: 12_000_000 / 8 };

// What each group of tables grows with. Posts and comments include their FTS5 shadow tables.
export const GROUPS = [
  { what: "agents (+ API key)", tables: ["agents", "api_keys"], per: "agents" },
  { what: "submolts (+ owner role)", tables: ["submolts", "submolt_roles"], per: "submolts" },
  { what: "posts (+ keyword index)", tables: ["posts"], per: "posts" },
  { what: "comments (+ keyword index)", tables: ["comments"], per: "comments" },
  { what: "votes", tables: ["votes"], per: "votes" },
  { what: "follows", tables: ["follows"], per: "follows" },
  { what: "subscriptions", tables: ["subscriptions"], per: "subscriptions" },
  { what: "near-duplicate index (signatures + band keys)", tables: ["near_signatures", "near_bands"], per: "items" },
  { what: "audit log (registrations, submolts, posts, comments)", tables: ["audit_log"], per: "items" },
];
// Queues that drain within minutes (the search outbox), the local vector adapter's table (Vectorize
// in production) and the benchmark's own tables are not part of a network's size.
// The tables whose rows the groups grow with.
export const COUNTED = ["agents", "submolts", "posts", "comments", "votes", "follows", "subscriptions", "near_signatures", "audit_log"];
export const TRANSIENT = ["search_outbox", "search_vectors", "search_index_meta", "bench_writes", "d1_migrations"];

function query(file, sql) {
  const r = spawnSync("sqlite3", ["-json", "-readonly", file, sql], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

/** Measures the database kept under `persistTo` (root: the project); null when sqlite3 is not installed. */
export function capacity(root, persistTo) {
  if (spawnSync("sqlite3", ["-version"]).status !== 0) return null;
  const file = localDatabaseFile(root, persistTo);
  const objects = query(file, "SELECT s.name AS name, coalesce(m.tbl_name, s.name) AS owner, sum(s.pgsize) AS bytes FROM dbstat s LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY s.name");
  const owner = (o) => /^(posts|comments)_fts/.exec(o.name)?.[1] ?? o.owner;
  const bytesOf = (tables) => objects.filter((o) => tables.includes(owner(o))).reduce((n, o) => n + o.bytes, 0);
  const [{ page_size: pageSize }] = query(file, "PRAGMA page_size");
  const [{ page_count: pageCount }] = query(file, "PRAGMA page_count");
  const count = (t) => query(file, `SELECT count(*) AS n FROM ${t}`)[0].n;
  const rows = Object.fromEntries(COUNTED.map((t) => [t, count(t)]));
  rows.items = rows.posts + rows.comments;
  const grouped = new Set(GROUPS.flatMap((g) => g.tables));
  const rest = [...new Set(objects.map(owner))].filter((t) => !grouped.has(t) && !TRANSIENT.includes(t) && !t.startsWith("sqlite_") && !t.startsWith("_cf"));
  return { file: file.replace(`${root}/`, ""), fileBytes: pageSize * pageCount, transientBytes: bytesOf(TRANSIENT), ...project(rows, rest, bytesOf), limit: D1_LIMIT };
}

/**
 * Bytes per group (`bytesOf(tables)`, the ungrouped tables in `rest`), per row and per post, and
 * projected to Moltbook's size at the measured network's ratios.
 */
export function project(rows, rest, bytesOf) {
  const groups = [...GROUPS, { what: "everything else (notifications, DMs, stats, …)", tables: rest, per: "posts" }].map((g) => {
    const bytes = bytesOf(g.tables);
    return { ...g, rows: rows[g.per], bytes, perRow: bytes / Math.max(rows[g.per], 1), perPost: bytes / rows.posts };
  });
  const m = MOLTBOOK;
  const scale = { agents: m.agents, submolts: m.submolts, posts: m.posts, comments: m.comments, items: m.posts + m.comments };
  const driver = (per) => scale[per] ?? (per === "votes" ? m.posts * (rows.votes / rows.posts) : m.agents * (rows[per] / rows.agents));
  const projection = groups.map((g) => ({ what: g.what, count: driver(g.per), bytes: driver(g.per) * g.perRow }));
  return { rows, groups, perPost: groups.reduce((n, g) => n + g.perPost, 0), projection, projected: projection.reduce((n, p) => n + p.bytes, 0) };
}
