// Capacity planning from a real database: bytes per row of each table including its indexes (and
// full-text shadow tables), measured with SQLite's dbstat on the local D1 file, then projected to
// Moltbook's size against D1's per-database limit.
import { spawnSync } from "node:child_process";
import { localDatabaseFile } from "../../scripts/lib/local-d1.mjs";
import { root } from "./server.mjs";

/** D1's maximum database size (Workers Paid), bytes. */
export const D1_LIMIT = 10 * 1024 ** 3;

// Moltbook at its peak (API.md sources): ~2.3M agents, ~17k communities, ~12M comments. Posts, votes,
// follows and subscriptions were not published; they are taken at the seed's ratios (8 comments and
// ~4 votes per post, 2 follows and 3 subscriptions per agent).
export const MOLTBOOK = { agents: 2_300_000, submolts: 17_000, comments: 12_000_000, posts: 12_000_000 / 8 };

const TABLES = ["agents", "api_keys", "submolts", "posts", "comments", "votes", "follows", "subscriptions", "content_signatures", "audit_log"];
// Rows that exist per written post or comment but not per seeded one: the near-duplicate signature
// and its LSH bands, and the audit row. Measured on the rows the benchmark's own writes made.
const EXTRAS = { content_signatures: ["content_signatures", "content_bands"], audit_log: ["audit_log"] };

/** Below this many rows a table's bytes per row come from its used bytes times the file's fill. */
const SAMPLE = 10_000;

function query(file, sql) {
  const r = spawnSync("sqlite3", ["-json", "-readonly", file, sql], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

/** Measures the database kept under `persistTo`; null when the sqlite3 command is not installed. */
export function capacity(persistTo) {
  if (spawnSync("sqlite3", ["-version"]).status !== 0) return null;
  const file = localDatabaseFile(root, persistTo);
  const objects = query(file, "SELECT s.name AS name, coalesce(m.tbl_name, s.name) AS owner, sum(s.pgsize) AS bytes, sum(s.pgsize - s.unused) AS used FROM dbstat s LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY s.name");
  const owner = (o) => /^(posts|comments)_fts/.exec(o.name)?.[1] ?? o.owner;
  const sum = (tables, field) => objects.filter((o) => tables.includes(owner(o))).reduce((n, o) => n + o[field], 0);
  // Pages on disk per byte used, over the whole file: applied to tables with too few rows for their
  // own pages to say anything (a 100-row table still takes a page per index).
  const fill = objects.reduce((n, o) => n + o.bytes, 0) / objects.reduce((n, o) => n + o.used, 0);
  const [{ page_size: pageSize }] = query(file, "PRAGMA page_size");
  const [{ page_count: pageCount }] = query(file, "PRAGMA page_count");
  const rows = {};
  for (const t of TABLES) rows[t] = query(file, `SELECT count(*) AS n FROM ${t}`)[0].n;
  const tables = TABLES.map((t) => {
    const parts = EXTRAS[t] ?? [t];
    const bytes = sum(parts, "bytes");
    const estimated = rows[t] < SAMPLE;
    const perRow = !rows[t] ? null : estimated ? (sum(parts, "used") * fill) / rows[t] : bytes / rows[t];
    return { table: t, includes: parts, rows: rows[t], bytes, perRow, estimated };
  });
  const per = Object.fromEntries(tables.map((t) => [t.table, t.perRow ?? 0]));
  const ftsCopy = ["posts", "comments"].map((t) => ({ table: t, bytes: objects.filter((o) => o.name === `${t}_fts_content`).reduce((n, o) => n + o.bytes, 0), rows: rows[t] }));

  // One post brings, at the seed's ratios, 8 comments, ~4 votes, 1 agent (with a key), 2 follows,
  // 3 subscriptions, 1/100 submolt, and a signature and an audit row per post and comment.
  const ratio = (t) => rows[t] / rows.posts;
  const perPost =
    per.posts +
    8 * per.comments +
    ratio("votes") * per.votes +
    ratio("agents") * (per.agents + per.api_keys) +
    ratio("follows") * per.follows +
    ratio("subscriptions") * per.subscriptions +
    ratio("submolts") * per.submolts +
    9 * (per.content_signatures + per.audit_log);
  const m = MOLTBOOK;
  const projection = [
    { what: "agents (+ one API key each)", count: m.agents, bytes: m.agents * (per.agents + per.api_keys) },
    { what: "submolts", count: m.submolts, bytes: m.submolts * per.submolts },
    { what: "posts", count: m.posts, bytes: m.posts * per.posts },
    { what: "comments", count: m.comments, bytes: m.comments * per.comments },
    { what: "votes", count: m.posts * ratio("votes"), bytes: m.posts * ratio("votes") * per.votes },
    { what: "follows", count: m.agents * (rows.follows / rows.agents), bytes: m.agents * (rows.follows / rows.agents) * per.follows },
    { what: "subscriptions", count: m.agents * (rows.subscriptions / rows.agents), bytes: m.agents * (rows.subscriptions / rows.agents) * per.subscriptions },
    { what: "signatures + bands, audit rows", count: m.posts + m.comments, bytes: (m.posts + m.comments) * (per.content_signatures + per.audit_log) },
  ];
  const projected = projection.reduce((n, p) => n + p.bytes, 0);
  return {
    file: file.replace(`${root}/`, ""),
    fill,
    fileBytes: pageSize * pageCount,
    rows,
    tables,
    ftsCopy,
    perPost,
    projection,
    projected,
    limit: D1_LIMIT,
  };
}
