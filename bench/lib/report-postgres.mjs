// BENCHMARKS.md's PostgreSQL part: the PostgreSQL run's figures beside D1's, each store's ratios to
// its own run's baselines, its targets, its size, and where its tier ends.
import { READS, TARGET, WRITES, LISTINGS, calls, conversationTargets, fmt, gb, label, mb, requestPathTargets, viewTargets, writeTargets } from "./report.mjs";

const storageOf = (r, name) => (WRITES.includes(name) || name === "storage write" ? r["storage write"] : r["storage read"]);

/** The PostgreSQL run beside the D1 run, size by size. */
export function postgresSection(d1, pg) {
  const byPosts = new Map(d1.sizes.map((s) => [s.posts, s]));
  const out = [
    "## PostgreSQL beside D1",
    "",
    `The same workloads on PostgreSQL (\`npm run bench -- --storage postgres\`, ${new Date(pg.started).toISOString()}, commit ${pg.versions.commit}): each size's seeded D1 network moved into PostgreSQL ${pg.postgresVersion} with \`npm run migrate:to-postgres\` (every table verified by rows and digest, every counter recounted) and served by \`npm run dev -- --storage postgres\` with the same vars, ${pg.connections} connections and ${pg.duration} s per workload. The server is Debian's with ${pg.postgresSettings ? `${Object.entries(pg.postgresSettings).map(([k, v]) => `${k}=${v}`).join(", ")} (${pg.postgresSettingsWhy ?? "a quarter of the machine's memory for the buffer cache, PostgreSQL's documented starting point"}) and otherwise its defaults` : "its default settings (shared_buffers 128 MB, fsync on)"}, on the same two cores as the Worker and the load generator. Offline, wrangler dev's Hyperdrive binding is a plain connection to the address it is given, so the benchmark gives it PgBouncer in session mode, the pool Hyperdrive keeps near the database when deployed; nothing caches query results in between (deployed Hyperdrive can cache reads). Each request opens one connection on its first query and pipelines its parallel reads on it.`,
    "",
    "Ratios are each store's own, to its run's `/health` and storage baseline (`storage read`: one point read by indexed name; `storage write`: one trigger-free insert; both go through the store), so they compare what the routes cost on each store rather than two runs' moments on a shared machine. PostgreSQL's column counts the statements the server was sent per request (BEGIN and COMMIT included; a request's parallel reads are separate statements pipelined on one connection), not D1's calls. PostgreSQL tells its client no rows read, so for reads its tuples read are the server's own count (\`pg_stat_database\`: tuples its scans returned plus those fetched through indexes) over the workload, per request: the same kind of figure as D1's \`rows_read\`, counted by another engine.",
    "",
  ];
  for (const s of pg.sizes) {
    const d = byPosts.get(s.posts);
    const r = s.results;
    out.push(
      `### ${label(s.posts)} posts on both stores`,
      "",
      `Moved: ${s.rows?.toLocaleString("en") ?? "?"} rows in ${fmt(s.migrateSeconds, 0)} s (${fmt(s.rows / s.migrateSeconds, 0)} rows/s, verification included). During the PostgreSQL run: ${s.totals.agents.toLocaleString("en")} agents, ${s.totals.posts.toLocaleString("en")} posts, ${s.totals.comments.toLocaleString("en")} comments.${d ? "" : " D1 has no run at this size: its columns are empty."}`,
      "",
      "| workload | req/s D1 | req/s PG | p50 ms D1 | p50 ms PG | p99 ms PG | errors PG | D1 calls (statements) | PG statements | D1 rows read | PG tuples read | req/s vs storage D1 | req/s vs storage PG | p50 vs /health D1 | p50 vs /health PG |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const [name, m] of Object.entries(r)) {
      const a = d?.results[name];
      out.push(
        `| ${name} | ${fmt(a?.rps, 0)} | ${fmt(m.rps, 0)} | ${fmt(a?.p50, 2)} | ${fmt(m.p50, 2)} | ${fmt(m.p99, 2)} | ${m.errors} | ${a ? calls(a) : "–"} | ${fmt(m.statements)} | ${fmt(a?.rowsRead, 1)} | ${fmt(m.tuplesRead, 1)} | ${a ? fmt(a.rps / storageOf(d.results, name).rps, 2) : "–"} | ${fmt(m.rps / storageOf(r, name).rps, 2)} | ${a ? fmt(a.p50 / d.results.health.p50, 2) : "–"} | ${fmt(m.p50 / r.health.p50, 2)} |`,
      );
    }
    out.push("");
  }
  out.push(reading(d1, pg), targets(pg.sizes), size(d1.capacity, pg.capacity, pg.sizes.at(-1)));
  return out.join("\n");
}

/** What sets the two stores' baselines apart, from the largest size both ran. */
function reading(d1, pg) {
  const s = [...pg.sizes].reverse().find((x) => d1.sizes.some((d) => d.posts === x.posts));
  if (!s) return "";
  const d = d1.sizes.find((x) => x.posts === s.posts).results;
  const r = s.results;
  return [
    `**Reading the columns.** At ${label(s.posts)} the point read served ${fmt(d["storage read"].rps, 0)} req/s on local D1 and ${fmt(r["storage read"].rps, 0)} on PostgreSQL (${fmt(r["storage read"].rps / d["storage read"].rps, 2)}×), the trivial insert ${fmt(d["storage write"].rps, 0)} and ${fmt(r["storage write"].rps, 0)} (${fmt(r["storage write"].rps / d["storage write"].rps, 2)}×). Local D1 is SQLite inside the Worker's own runtime: a call is a step into the same process. Each request on PostgreSQL opens a connection (to the pool, which hands it a warm backend and resets it after), prepares its statements on it and sends each over a socket to another process on the same two cores; deployed, the connection is to Hyperdrive in the Worker's own location and the statements travel to the database's region, so there a round trip's distance, not these local costs, sets the price. The routes' ratios to their own store's baselines are what carries over.`,
    "",
  ].join("\n");
}

/** D1's targets on PostgreSQL's figures (without rows and calls, which PostgreSQL does not report). */
function targets(sizes) {
  const first = sizes[0];
  const last = sizes.at(-1);
  const out = ["### Targets on PostgreSQL", ""];
  const misses = [];
  if (sizes.length > 1) {
    const growth = last.results["storage read"].p50 / first.results["storage read"].p50;
    out.push(`**Listings flat** (p50 at ${label(last.posts)} within ${TARGET.flat}× of ${label(first.posts)}; the point read moved ${fmt(growth, 2)}×).`, "");
    out.push(`| listing | p50 ${label(first.posts)} | p50 ${label(last.posts)} | ratio | ratio ÷ point-read growth | statements ${label(first.posts)} → ${label(last.posts)} | met |`, "|---|---:|---:|---:|---:|---:|---|");
    for (const name of LISTINGS) {
      const [a, b] = [first.results[name], last.results[name]];
      if (!a || !b) continue;
      const met = b.p50 / a.p50 <= TARGET.flat;
      out.push(`| ${name} | ${fmt(a.p50, 2)} | ${fmt(b.p50, 2)} | ${fmt(b.p50 / a.p50, 2)} | ${fmt(b.p50 / a.p50 / growth, 2)} | ${fmt(a.statements)} → ${fmt(b.statements)} | ${met ? "yes" : "**no**"} |`);
      if (!met) misses.push(`- **${name}** grew ${fmt(b.p50 / a.p50, 2)}× from ${label(first.posts)} to ${label(last.posts)} with the same ${fmt(b.statements)} statements, each planned as an index range (test/postgres/query-plans.test.ts asserts it): not more rows read, so the cost per statement in a larger database (deeper indexes, pages not yet cached in the run's fresh copy) or this shared machine's noise, which a repeated run tells apart.`);
    }
    out.push("");
  }
  for (const [names, baseline, share, title, why] of [
    [READS, "storage read", TARGET.reads, "Reads at ≥ 70% of the point read's throughput", readWhy],
    [WRITES, "storage write", TARGET.writes, "Writes at ≥ 40% of a trivial insert's throughput", writeWhy],
  ]) {
    out.push(`**${title}** (req/s ÷ ${baseline} req/s).`, "", `| workload | ${sizes.map((s) => label(s.posts)).join(" | ")} | statements / request at ${label(last.posts)} | met |`, `|---|${sizes.map(() => "---:|").join("")}---:|---|`);
    for (const name of names.filter((n) => sizes.every((s) => s.results[n]))) {
      const ratios = sizes.map((s) => s.results[name].rps / s.results[baseline].rps);
      const met = ratios.every((x) => x >= share);
      out.push(`| ${name} | ${ratios.map((x) => fmt(x, 2)).join(" | ")} | ${fmt(last.results[name].statements)} | ${met ? "yes" : "**no**"} |`);
      if (!met) misses.push(`- **${name}** reached ${ratios.map((x) => `${fmt(x * 100, 0)}%`).join(" / ")} of the ${baseline}'s throughput. ${why(name, last.results[name])}`);
    }
    out.push("");
  }
  const path = requestPathTargets(sizes);
  out.push(...path.lines);
  misses.push(...path.misses);
  const writes = writeTargets(sizes, "postgres");
  out.push(...writes.lines);
  misses.push(...writes.misses);
  const views = viewTargets(sizes);
  out.push(...views.lines);
  misses.push(...views.misses);
  const conversations = conversationTargets(sizes, { rows: (m) => m.tuplesRead, unit: "tuples read", why: (name, slow) => (name === "search" ? SEARCH_TUPLES : slow ? readWhy(name, last.results[name]) : THREAD_TUPLES) });
  out.push(...conversations.lines);
  misses.push(...conversations.misses);
  if (misses.length) out.push("**Why the missed targets on PostgreSQL were missed, and what would fix them:**", "", ...misses, "");
  return out.join("\n");
}

// Why a tier of search reads the tuples it does on PostgreSQL (issue 40), for its misses.
const SEARCH_TUPLES =
  "A tier is each table's newest 200 matches, and the planner finds them one of two ways, neither bounded by the tier: for a common word it walks the primary key backward, testing each row's stored tsvector, until 200 match (200 ÷ the words' share of rows: flat in the network's size once the walk is chosen, but thousands of tuples for words in a small share of rows); for a rarer one it reads every match through the GIN index and sorts them (all matches: grows with the network). Fix: an index that hands matches over newest first, such as GIN over the document with a time bucket (a lexeme per bucket, or btree_gin), read one bucket at a time from the newest until the tier is full, or RUM where the host offers it.";
const THREAD_TUPLES = "A thread page reads its list after the cursor and each comment's first replies by index seeks, up to the page's budget: the tuples are the page's, so any growth is in the seeks' index depth and the pages' heap visits, not in the thread's size.";

function readWhy(name, m) {
  if (name === "search") {
    return `Keyword search reads one tier per table: the newest 200 matches below the tier's start, by id descending, with the match tested on the stored tsvector; for a common word the planner walks the primary key backward and stops after 200 matches, for a rare one it reads the GIN index (test/postgres/query-plans.test.ts runs EXPLAIN ANALYZE on both), ranks the tier and fuses it with the vector side. Its statements are the two tiers, the vector side and the page's details.`;
  }
  const n = m.statements ?? 1;
  if (n <= 1.05) {
    return "One statement, as the point read: the difference is that statement's own work, a page of posts joined with their authors, submolts and the reader's votes read through index ranges (test/postgres/query-plans.test.ts asserts the plans), and JSON for the page. Anonymous pages are what the API cache (`posts hot cached`) and Hyperdrive's query cache take off the database.";
  }
  return `It sends ${fmt(n)} statements per request against the point read's one: its parallel reads are pipelined on the request's one connection, but its backend runs them one after another (local D1 runs a batch's statements one at a time too, in one call). Fix: one joined read per request where the parts allow it.`;
}

function writeWhy(name, m) {
  return `A write is one transaction: BEGIN, the reads for its checks, the row with its counters and what its triggers add (audit row, daily stats, search outbox; for posts and comments the exact-repeat lock), COMMIT: ${fmt(m.statements)} statements, each a round trip in sequence on the request's connection, against the trivial insert's one; on D1 the same work is one batch call. Fix: fold the write into one statement (a data-modifying CTE, as a vote already is) or a server-side function, so a write is one round trip; through Hyperdrive, to a database in another region, that round trip is what the write costs.`;
}

/** Bytes per post on PostgreSQL (tables, indexes and TOAST), beside D1's dbstat figures. */
function size(d1cap, cap, at) {
  if (!cap) return "";
  const d1By = new Map((d1cap?.groups ?? []).map((g) => [g.what, g]));
  return [
    "### Size on PostgreSQL",
    "",
    `Measured with \`pg_total_relation_size\` (table, indexes, TOAST) on the ${label(at.posts)}-post database after the run's writes (${gb(cap.databaseBytes)} in all, of which ${mb(cap.transientBytes)} is local-only and migration bookkeeping, not counted). D1's columns are the dbstat figures of "Capacity planning" below${d1cap ? "" : " (not measured)"}; posts and comments include their keyword index on each store (FTS5's shadow tables on D1, the GIN indexes on PostgreSQL).`,
    "",
    "| what | rows | bytes | bytes / row PG | bytes / row D1 | bytes / post PG | bytes / post D1 |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...cap.groups.map((g) => `| ${g.what} | ${g.rows} ${g.per} | ${mb(g.bytes)} | ${fmt(g.perRow, 0)} | ${fmt(d1By.get(g.what)?.perRow, 0)} | ${fmt(g.perPost, 0)} | ${fmt(d1By.get(g.what)?.perPost, 0)} |`),
    `| **per post, with its share of everything** | | | | | **${fmt(cap.perPost / 1024, 1)} KB** | **${fmt(d1cap ? d1cap.perPost / 1024 : null, 1)} KB** |`,
    "",
    `Projected at Moltbook's size (as below): **${gb(cap.projected)}** on PostgreSQL${d1cap ? ` against ${gb(d1cap.projected)} on D1` : ""}.`,
    "",
  ].join("\n");
}

/** Where the PostgreSQL tier ends, from its run: one primary's measured write rate, and its disk. */
export function pgTier(pg) {
  if (!pg) return "Not measured on PostgreSQL yet (`npm run bench -- --storage postgres`).";
  const last = pg.sizes.at(-1);
  const r = last.results;
  const disk = pg.capacity ? ` A post takes ${fmt(pg.capacity.perPost / 1024, 1)} KB there, so Moltbook's six weeks are ${gb(pg.capacity.projected)}: one server's disk, no 10 GB wall.` : "";
  return `In the PostgreSQL run at ${label(last.posts)} one local server (on the same two cores as the Worker and the load) took ${fmt(r["storage write"].rps, 0)} trivial inserts/s and ${fmt(r.comment.rps, 0)} comments/s and served ${fmt(r["storage read"].rps, 0)} point reads/s: below local D1 here, where each write is several round trips to another process on the same two shared cores, but a PostgreSQL primary runs concurrent transactions on as many cores as it is given, where D1 has one thread, so its ceiling is the machine an operator chooses, which two cores cannot show.${disk} This tier ends at one primary's write rate (every write is one transaction on it; read replicas take reads) and its disk; past that comes a distributed Postgres-compatible engine (Citus, YugabyteDB) behind the same binding, which this machine cannot verify (docs/scale.md "Moving to PostgreSQL" lists the features Tidepool relies on).`;
}
