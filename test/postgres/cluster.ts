import { createServer } from "node:net";

// The PostgreSQL test project's cluster listens on a port free when the run starts (two runs on one
// machine must not meet on one cluster): vitest.config.ts picks it, binds HYPERDRIVE to it and hands
// it to the global setup through this variable.
export const TEST_PG_PORT_VAR = "TIDEPOOL_TEST_PG_PORT";
/** PgBouncer's port in front of it: what the Worker's HYPERDRIVE binding reaches, as deployed. */
export const TEST_PG_POOL_PORT_VAR = "TIDEPOOL_TEST_PG_POOL_PORT";
/**
 * Migrated once per run by the global setup; each test file gets a copy of its own
 * (test/postgres/file-database.ts), as the Workers pool gives each file its own D1.
 */
export const TEST_PG_TEMPLATE = "tidepool_template";
/** The template through the pool; each file's setup swaps the database name for its own copy's. */
export const testPgUrl = (port: number) => `postgres://postgres:tidepool@127.0.0.1:${port}/${TEST_PG_TEMPLATE}`;

/** A TCP port nothing listens on right now (the kernel's pick). */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

/** `n` different such ports: each is held until all are picked, so no two are the same. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
