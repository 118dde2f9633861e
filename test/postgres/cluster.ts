/** Where the PostgreSQL test project's cluster listens (vitest.config.ts binds HYPERDRIVE to it). */
export const TEST_PG_PORT = 54330;
export const TEST_PG_DATABASE = "tidepool_test";
export const TEST_PG_URL = `postgres://postgres:tidepool@127.0.0.1:${TEST_PG_PORT}/${TEST_PG_DATABASE}`;
