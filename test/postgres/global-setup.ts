// The PostgreSQL test project's own throwaway cluster: a fresh data directory on its own port,
// migrated once before the suites run and removed after them (never Debian's system cluster).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { clusterDir, ensureCluster, migratePostgres, stopCluster } from "../../scripts/lib/pg-cluster.mjs";
import { TEST_PG_DATABASE, TEST_PG_PORT_VAR } from "./cluster.ts";

export default async function setup() {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), "tidepool-pg-test-")), "cluster");
  const teardown = () => {
    stopCluster(dir);
    rmSync(clusterDir(dir), { recursive: true, force: true });
    rmSync(path.dirname(dir), { recursive: true, force: true });
  };
  try {
    const port = Number(process.env[TEST_PG_PORT_VAR]);
    if (!Number.isInteger(port) || port <= 0) throw new Error(`${TEST_PG_PORT_VAR} is not set: run the PostgreSQL project through vitest.config.ts`);
    const url = await ensureCluster({ dir, port, database: TEST_PG_DATABASE });
    await migratePostgres(url);
  } catch (err) {
    // A cluster that started but failed to migrate would otherwise outlive the run.
    teardown();
    throw err;
  }
  return teardown;
}
