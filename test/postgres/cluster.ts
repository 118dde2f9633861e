import { createServer } from "node:net";

// The PostgreSQL test project's cluster listens on a port free when the run starts (two runs on one
// machine must not meet on one cluster): vitest.config.ts picks it, binds HYPERDRIVE to it and hands
// it to the global setup through this variable.
export const TEST_PG_PORT_VAR = "TIDEPOOL_TEST_PG_PORT";
export const TEST_PG_DATABASE = "tidepool_test";
export const testPgUrl = (port: number) => `postgres://postgres:tidepool@127.0.0.1:${port}/${TEST_PG_DATABASE}`;

/** A TCP port nothing listens on right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
