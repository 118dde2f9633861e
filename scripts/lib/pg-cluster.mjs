// A PostgreSQL cluster of our own for `npm run dev -- --storage postgres`, the test suite and the
// benchmark: its own data directory and port, never Debian's system cluster. Started when absent,
// reused when already running, migrated with migrations/postgres (drizzle's migrator).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";

const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
export const migrationsFolder = path.join(root, "migrations", "postgres");

/** The newest installed server's bin directory (Debian: /usr/lib/postgresql/<major>/bin). */
export function postgresBin() {
  const base = "/usr/lib/postgresql";
  const majors = existsSync(base) ? readdirSync(base).filter((d) => existsSync(path.join(base, d, "bin", "initdb"))) : [];
  const major = majors.sort((a, b) => Number(b) - Number(a))[0];
  if (major) return path.join(base, major, "bin");
  const which = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  if (which.status === 0 && existsSync(path.join(which.stdout.trim(), "initdb"))) return which.stdout.trim();
  throw new Error("PostgreSQL is not installed: install the server (Debian: apt-get install -y postgresql) or pass DATABASE_URL.");
}

/**
 * Whether this machine can start a cluster. Without the server binaries the PostgreSQL tests are
 * skipped with a notice locally, and fail in CI (which installs them), as the browser tests do.
 */
export function postgresAvailable() {
  try {
    postgresBin();
    return true;
  } catch {
    return false;
  }
}

// initdb and postgres refuse to run as root: as root the cluster belongs to the postgres user.
const asRoot = typeof process.getuid === "function" && process.getuid() === 0;

/** Runs one of the server's programs (as the postgres user when we are root); its stdout. */
export function run(bin, args, what) {
  const cmd = asRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  const res = spawnSync(cmd[0], cmd[1], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (res.status !== 0) throw new Error(`${what} failed (${res.status}): ${(res.stderr || res.stdout || String(res.error ?? "")).trim()}`);
  return res.stdout;
}

export function postgresUser() {
  const res = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const uid = Number(res.stdout.trim());
  const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
  if (res.status !== 0 || !Number.isInteger(uid)) throw new Error("Running as root needs the postgres system user (Debian's postgresql package creates it).");
  return { uid, gid };
}

/** Whether the server answers on this port. */
function isReady(bin, dir, port) {
  return spawnSync(path.join(bin, "pg_isready"), ["-q", "-h", "127.0.0.1", "-p", String(port)]).status === 0 && existsSync(path.join(dir, "postmaster.pid"));
}

/** Whether the cluster in `dir` is running on `port` (ensureCluster would reuse it). */
export function clusterRunning(dir, port) {
  return isReady(postgresBin(), clusterDir(dir), port);
}

/**
 * Starts (or reuses) the cluster in `dir` on `port` and returns a connection URL for `database`,
 * creating that database when missing. Text sorts bytewise (locale C), as SQLite's does on D1.
 * `settings` (server settings, applied when this call starts the cluster) override the disposable
 * clusters' fsync=off: the benchmark's syncs and has a server's memory.
 */
export async function ensureCluster({ dir, port, database = "tidepool", settings = {} }) {
  const bin = postgresBin();
  dir = clusterDir(dir);
  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    mkdirSync(dir, { recursive: true });
    if (asRoot) {
      const { uid, gid } = postgresUser();
      chownSync(dir, uid, gid);
    }
    chmodSync(dir, 0o700);
    run(path.join(bin, "initdb"), ["-D", dir, "-U", "postgres", "--auth=trust", "--locale=C", "--encoding=UTF8"], "initdb");
  }
  if (!isReady(bin, dir, port)) {
    // Sockets live in the data directory: nothing is written to /var/run, no other cluster is touched.
    // Test and dev clusters skip fsync: their data is disposable.
    const set = { fsync: "off", max_connections: "200", ...settings };
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ${Object.entries(set).map(([k, v]) => `-c ${k}=${v}`).join(" ")}`;
    run(path.join(bin, "pg_ctl"), ["-D", dir, "-o", opts, "-l", path.join(dir, "log"), "-w", "-t", "60", "start"], "Starting PostgreSQL");
  }
  const admin = postgres(`postgres://postgres:tidepool@127.0.0.1:${port}/postgres`, { max: 1, onnotice: () => {} });
  try {
    const [found] = await admin`SELECT 1 FROM pg_database WHERE datname = ${database}`;
    if (!found) await admin.unsafe(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  return `postgres://postgres:tidepool@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/** Stops the cluster in `dir` (fast shutdown); a cluster that is not running is left alone. */
export function stopCluster(dir) {
  dir = clusterDir(dir);
  if (!existsSync(path.join(dir, "postmaster.pid"))) return;
  run(path.join(postgresBin(), "pg_ctl"), ["-D", dir, "-m", "fast", "-w", "stop"], "Stopping PostgreSQL");
}

/**
 * A data directory the server's user can reach. As root, a directory under a private (0700) parent,
 * such as a fresh `mktemp -d` clone, is out of the postgres user's reach: such clusters go to /tmp.
 */
export function clusterDir(preferred) {
  preferred = path.resolve(preferred);
  if (!asRoot) return preferred;
  let dir = path.dirname(path.resolve(preferred));
  while (!existsSync(dir)) dir = path.dirname(dir);
  for (let d = dir; ; d = path.dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return path.join("/tmp", `tidepool-pg-${createHash("sha256").update(preferred).digest("hex").slice(0, 12)}`);
    if (d === path.dirname(d)) return preferred;
  }
}

/** Applies migrations/postgres to the database at `url` (idempotent: drizzle records what ran). */
export async function migratePostgres(url) {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    await client.end();
  }
}
