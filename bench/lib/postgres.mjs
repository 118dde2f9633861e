// The benchmark on PostgreSQL (`npm run bench -- --storage postgres`): the same seeded D1 network
// moved into a local cluster with `npm run migrate:to-postgres` (kept as a template database per
// size, so a rerun does not move it again), a fresh copy of it per run behind a pool (scripts/lib/pgbouncer.mjs),
// and its size per table group.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import os from "node:os";
import { clusterDir, ensureCluster, migratePostgres, postgresBin, stopCluster } from "../../scripts/lib/pg-cluster.mjs";
import { startPool, stopPool } from "../../scripts/lib/pgbouncer.mjs";
import { COUNTED, GROUPS, TRANSIENT, project } from "./capacity.mjs";

const PORT = 54393;
const POOL_PORT = 54394;
// A server's settings, not a test cluster's: fsync on, a quarter of the machine's memory for the
// buffer cache (PostgreSQL's documented starting point; Debian's default is 128 MB), and room for
// 8 GB of WAL between checkpoints (the default 1 GB makes moving a 1M-post network, ~30 GB, dozens
// of checkpoints, each followed by full-page images of every page touched again).
export const SETTINGS = { fsync: "on", shared_buffers: `${Math.floor(os.totalmem() / 4 / 1024 ** 2)}MB`, max_wal_size: "8GB" };
/** Why, for the report. */
export const SETTINGS_REASONS = "fsync on as a server syncs; a quarter of the machine's memory for the buffer cache, PostgreSQL's documented starting point; 8 GB of WAL between checkpoints, for moving the largest network";
/** The same server's URL for another database. */
const on = (url, database) => url.replace(/\/[^/]*$/, `/${database}`);
const admin = (url) => postgres(on(url, "postgres"), { max: 1, onnotice: () => {} });

/** The cluster under .bench/postgres, started (or reused); returns its admin URL's base. */
async function cluster(stateRoot) {
  return ensureCluster({ dir: path.join(stateRoot, "postgres"), port: PORT, database: "postgres", settings: SETTINGS });
}

/** Stops the benchmark's cluster (the next run starts it with its settings). */
export const stopPostgres = (stateRoot) => stopCluster(path.join(stateRoot, "postgres"));

/**
 * The seeded network `state` (a D1 seed from bench/run.mjs) in PostgreSQL: moved once with the
 * migration command and kept as database `seed_<posts>`; the marker sits in the D1 seed's directory,
 * so seeding D1 again (a schema change) moves it again.
 */
export async function seededPostgres(root, stateRoot, state) {
  const url = await cluster(stateRoot);
  const database = `seed_${state.posts}`;
  const marker = path.join(state.dir, "postgres.json");
  if (existsSync(marker)) {
    // Migrations added since it was moved apply to the template once, not to every copy.
    await migratePostgres(on(url, database));
    return { database, marker, ...JSON.parse(readFileSync(marker, "utf8")) };
  }
  const sql = admin(url);
  try {
    await sql.unsafe(`DROP DATABASE IF EXISTS ${database}`);
    await sql.unsafe(`CREATE DATABASE ${database}`);
  } finally {
    await sql.end();
  }
  console.log(`\n== moving the ${state.posts}-post network into PostgreSQL (npm run migrate:to-postgres)`);
  const started = performance.now();
  const to = on(url, database);
  const r = spawnSync(process.execPath, ["scripts/migrate-to-postgres.mjs", "--from", state.dir, "--to", to], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) throw new Error(`migrate:to-postgres failed (exit ${r.status})`);
  const info = { migrateSeconds: (performance.now() - started) / 1000 };
  writeFileSync(marker, JSON.stringify(info));
  return { database, marker, ...info };
}

/**
 * A fresh database `bench_run` copied from the seed's (the copy takes the run's writes), with a pool
 * in front of it as Hyperdrive has: `url` for the server (through the pool), `direct` for the report.
 */
export async function runDatabase(stateRoot, seed) {
  const url = await cluster(stateRoot);
  const sql = admin(url);
  try {
    await sql.unsafe("DROP DATABASE IF EXISTS bench_run");
    const [{ bytes }] = await sql`SELECT pg_database_size(${seed.database})::bigint AS bytes`;
    const { bavail, bsize } = statfsSync(clusterDir(path.join(stateRoot, "postgres")));
    if (bavail * bsize > 2 * Number(bytes)) {
      await sql.unsafe(`CREATE DATABASE bench_run TEMPLATE ${seed.database}`);
    } else {
      // No room for a copy (1M posts is tens of GB): the run takes the moved database itself, and
      // the next run moves the network again.
      console.log(`  (no disk for a copy of ${seed.database}: the run takes it, and the next run moves the network again)`);
      rmSync(seed.marker, { force: true });
      await sql.unsafe(`ALTER DATABASE ${seed.database} RENAME TO bench_run`);
    }
  } finally {
    await sql.end();
  }
  const pool = startPool({ dir: path.join(stateRoot, "postgres"), port: POOL_PORT, upstreamPort: PORT });
  return { url: `${pool}/bench_run`, direct: on(url, "bench_run") };
}

export async function dropRunDatabase(stateRoot) {
  stopPool(path.join(stateRoot, "postgres"));
  const sql = admin(await cluster(stateRoot));
  try {
    await sql.unsafe("DROP DATABASE IF EXISTS bench_run WITH (FORCE)");
  } finally {
    await sql.end();
  }
}

/** The server's version, for the report. */
export function postgresVersion() {
  const r = spawnSync(path.join(postgresBin(), "postgres"), ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim().replace(/^postgres \(PostgreSQL\) /, "") : "–";
}

/**
 * Bytes per table group (tables with their indexes and TOAST: pg_total_relation_size) after the
 * run's writes, per post, projected to Moltbook's size like D1's (capacity.mjs), without a limit:
 * a PostgreSQL server's disk is the operator's to size.
 */
export async function postgresCapacity(url) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql`SELECT c.relname AS name, pg_total_relation_size(c.oid)::bigint AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'`;
    const [{ total }] = await sql`SELECT pg_database_size(current_database())::bigint AS total`;
    const bytesOf = (names) => tables.filter((t) => names.includes(t.name)).reduce((n, t) => n + Number(t.bytes), 0);
    const rows = {};
    for (const t of COUNTED) {
      rows[t] = Number((await sql.unsafe(`SELECT count(*)::bigint AS n FROM ${t}`))[0].n);
    }
    rows.items = rows.posts + rows.comments;
    const grouped = new Set(GROUPS.flatMap((g) => g.tables));
    const local = [...TRANSIENT, "__drizzle_migrations", "tidepool_migration_progress"];
    const rest = tables.map((t) => t.name).filter((t) => !grouped.has(t) && !local.includes(t));
    return { databaseBytes: Number(total), transientBytes: bytesOf(local), ...project(rows, rest, bytesOf) };
  } finally {
    await sql.end();
  }
}

/**
 * What a workload read on PostgreSQL, which reports no rows read to its client: the server's own
 * count of tuples its scans returned and fetched (pg_stat_database) before and after the workload.
 * A backend publishes its counts when it goes idle, at most once a second, so each reading first
 * lets a settled second pass; the counters include anything else the database ran meanwhile, which
 * in the benchmark is nothing but the workload (autovacuum aside).
 */
export function tupleCounter(url) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const read = async () => {
    await new Promise((r) => setTimeout(r, 2_500));
    await sql`SELECT pg_stat_clear_snapshot()`;
    const [{ tuples }] = await sql`SELECT (tup_returned + tup_fetched)::bigint AS tuples FROM pg_stat_database WHERE datname = current_database()`;
    return Number(tuples);
  };
  return { read, end: () => sql.end() };
}
