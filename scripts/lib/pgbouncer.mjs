// A connection pool in front of a local cluster (the benchmark's and the test project's), standing in
// for what Hyperdrive does deployed: Workers open a connection per request, and Hyperdrive hands
// each one a warm backend from its pool. wrangler dev's local Hyperdrive connects straight to the
// database, so without a pool every request would pay a backend's start (tens of milliseconds
// here), which no deployed request pays. PgBouncer (Debian: apt-get install -y pgbouncer) in
// session mode: a request's connection keeps one backend for its life (its prepared statements and
// transactions with it), and DISCARD ALL resets the backend before the next request takes it.
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { clusterDir, postgresUser, run } from "./pg-cluster.mjs";

const BIN = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"].find((p) => existsSync(p));
const asRoot = typeof process.getuid === "function" && process.getuid() === 0;

/** Starts PgBouncer on `port` in front of the cluster on `upstreamPort` (files in the cluster's directory); its URL base. */
export function startPool({ dir, port, upstreamPort, size = 20 }) {
  if (!BIN) throw new Error("PostgreSQL behind a pool as Hyperdrive keeps it needs PgBouncer: apt-get install -y pgbouncer");
  dir = clusterDir(dir);
  stopPool(dir);
  const ini = path.join(dir, "pgbouncer.ini");
  writeFileSync(
    ini,
    [
      "[databases]",
      `* = host=127.0.0.1 port=${upstreamPort} user=postgres`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = any",
      "pool_mode = session",
      `default_pool_size = ${size}`,
      "max_client_conn = 1000",
      "server_reset_query = DISCARD ALL",
      "ignore_startup_parameters = extra_float_digits,options",
      `logfile = ${path.join(dir, "pgbouncer.log")}`,
      `pidfile = ${path.join(dir, "pgbouncer.pid")}`,
      "",
    ].join("\n"),
  );
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(ini, uid, gid);
  }
  run(BIN, ["-d", "-q", ini], "Starting PgBouncer");
  return `postgres://postgres:tidepool@127.0.0.1:${port}`;
}

/** Stops the pool started in `dir`, if it runs. */
export function stopPool(dir) {
  const pidfile = path.join(clusterDir(dir), "pgbouncer.pid");
  if (!existsSync(pidfile)) return;
  const pid = Number(readFileSync(pidfile, "utf8").trim());
  try {
    process.kill(pid, "SIGINT");
  } catch {
    // already gone
  }
  for (let i = 0; i < 50 && alive(pid); i++) spawnSync("sleep", ["0.1"]);
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
