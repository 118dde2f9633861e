// The PostgreSQL test project's own throwaway cluster: a fresh data directory on its own port, its
// template database migrated once before the suites run, and a pool in front of it as Hyperdrive
// keeps deployed (a backend's start costs ~17 ms here; every request and every check opens a
// connection). Removed after the run; never Debian's system cluster.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { clusterDir, ensureCluster, migratePostgres, stopCluster } from "../../scripts/lib/pg-cluster.mjs";
import { startPool, stopPool } from "../../scripts/lib/pgbouncer.mjs";
import { TEST_PG_POOL_PORT_VAR, TEST_PG_PORT_VAR, TEST_PG_TEMPLATE } from "./cluster.ts";

export default async function setup() {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "tidepool-pg-test-")), "cluster");
  const teardown = () => {
    stopPool(dir);
    stopCluster(dir);
    rmSync(clusterDir(dir), { recursive: true, force: true });
    rmSync(path.dirname(dir), { recursive: true, force: true });
  };
  try {
    const port = Number(process.env[TEST_PG_PORT_VAR]);
    const poolPort = Number(process.env[TEST_PG_POOL_PORT_VAR]);
    if (!(port > 0 && poolPort > 0)) throw new Error(`${TEST_PG_PORT_VAR} and ${TEST_PG_POOL_PORT_VAR} are not set: run the PostgreSQL project through vitest.config.ts`);
    const url = await ensureCluster({ dir, port, database: TEST_PG_TEMPLATE });
    await migratePostgres(url);
    startPool({ dir, port: poolPort, upstreamPort: port });
  } catch (err) {
    // A cluster that started but failed to migrate would otherwise outlive the run.
    teardown();
    throw err;
  }
  return teardown;
}
