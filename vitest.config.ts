import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { postgresAvailable } from "./scripts/lib/pg-cluster.mjs";
import { freePorts, TEST_PG_POOL_PORT_VAR, TEST_PG_PORT_VAR, testPgUrl } from "./test/postgres/cluster.ts";

// Fresh secrets per run: tests must never depend on a committed key.
function identityKey(kid: string): string {
  const { privateKey } = generateKeyPairSync("ed25519");
  return JSON.stringify({ ...privateKey.export({ format: "jwk" }), kid, alg: "EdDSA" });
}

/**
 * The HTTP-level suites that run on PostgreSQL too (STORAGE=postgres through a Hyperdrive binding to
 * the project's own cluster, test/postgres/global-setup.ts), as the services move behind the store.
 */
const POSTGRES_SUITES = ["test/store", "test/postgres", "test/routes", "test/security", "test/properties", "test/faults", "test/client", "test/compat"].map((dir) => `${dir}/**/*.test.ts`);
/** What is about D1 itself (its calls, rows, sessions, batches and FTS5 tables) runs on D1 only. */
const D1_ONLY = [
  ...["auth-cache", "bench", "index-drain", "round-trips", "rows-budget", "sessions", "near-index"].map((f) => `test/routes/${f}.test.ts`),
  "test/faults/d1-writes.test.ts",
];

/** Closing a postgres.js client leaves this rejection behind in workerd (HYPERDRIVE.md); it is not a failure. */
const CLOSED_STREAM = "Stream was cancelled.";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  // The default instruction files as on disk, so a test can tell when builtin.json is stale.
  const defaultsDir = path.join(import.meta.dirname, "worker", "files", "defaults");
  const defaults = Object.fromEntries(readdirSync(defaultsDir).map((f) => [f, readFileSync(path.join(defaultsDir, f), "utf8")]));
  // Locally without PostgreSQL's server the second store's suites are skipped with a notice; in CI
  // (which installs it) a missing server is a failure, reported by the project's global setup.
  const withPostgres = postgresAvailable() || !!process.env.CI;
  if (!withPostgres) console.warn("! PostgreSQL server binaries not found: the PostgreSQL project is skipped (apt-get install postgresql)");
  // Chosen once per run (the config is read once) and handed to the global setup that starts the
  // cluster and its pool.
  if (!process.env[TEST_PG_PORT_VAR] || !process.env[TEST_PG_POOL_PORT_VAR]) {
    [process.env[TEST_PG_PORT_VAR], process.env[TEST_PG_POOL_PORT_VAR]] = (await freePorts(2)).map(String);
  }
  const pgPoolPort = Number(process.env[TEST_PG_POOL_PORT_VAR]);
  // Files share a workerd process, one per vitest worker (isolate: false): starting workerd and
  // loading the Worker's modules took ~5 s per file, half the suite. test/setup.ts gives each file
  // the empty storage a process of its own would have.
  const inWorkerd = { isolate: false, setupFiles: ["./test/setup.ts"], testTimeout: 30_000 };
  const workersOn = (storage: "d1" | "postgres"): TestProjectInlineConfiguration => ({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          ...(storage === "postgres" ? { hyperdrives: { HYPERDRIVE: testPgUrl(pgPoolPort) } } : {}),
          bindings: {
            STORAGE: storage,
            TEST_MIGRATIONS: migrations,
            TEST_DEFAULT_FILES: defaults,
            PUBLIC_URL: "https://tidepool.test",
            // Most suites register many agents from one "network"; test/routes/rate-limits.test.ts turns limits on.
            RATE_LIMITS: "off",
            // Fresh test agents would otherwise all be "new" (no DMs, slower posting); tests that need it opt in.
            NEW_AGENT_HOURS: "0",
            // Pages render fresh in tests; test/routes/pages.test.ts turns the edge cache on to test it.
            PAGE_CACHE_SECONDS: "0",
            // Anonymous API first pages too; test/routes/api-cache.test.ts turns it on.
            API_CACHE_SECONDS: "0",
            // One JSON line per request would bury the test output; test/routes/request-log.test.ts turns it on.
            REQUEST_LOG: "off",
            // call() waits for each request's drain: no gathering wait in tests.
            DERIVE_GATHER_MS: "0",
            IDENTITY_KEY: identityKey("test-current"),
            IDENTITY_KEY_PREVIOUS: identityKey("test-previous"),
            HASH_PEPPER: randomBytes(32).toString("base64url"),
            ADMIN_TOKEN: "test-admin-token-0123456789abcdef0123456789",
          },
        },
      }),
    ],
    // A hang guard, not a speed check: a loaded 2-core CI machine can take seconds for a write-heavy test.
    test:
      storage === "d1"
        ? { name: "workers", include: ["test/**/*.test.ts"], exclude: ["test/browser/**", "test/node/**", "test/postgres/**"], ...inWorkerd }
        : { name: "postgres", include: POSTGRES_SUITES, exclude: D1_ONLY, globalSetup: ["./test/postgres/global-setup.ts"], ...inWorkerd },
  });
  // Real Chromium against `wrangler dev` (test/browser): Node, not workerd.
  const browser: TestProjectInlineConfiguration = {
    test: { name: "browser", include: ["test/browser/**/*.test.ts"], environment: "node", testTimeout: 60_000, hookTimeout: 240_000 },
  };
  // The client package in Node: generated types, the MCP server over stdio and the example agent
  // against a spawned `npm run dev` (test/node).
  const node: TestProjectInlineConfiguration = {
    test: { name: "node", include: ["test/node/**/*.test.ts"], environment: "node", testTimeout: 60_000, hookTimeout: 240_000 },
  };
  return {
    test: {
      projects: [workersOn("d1"), ...(withPostgres ? [workersOn("postgres")] : []), browser, node],
      // Vitest's default is one worker fewer than the cores: one on a 2-core machine, where half
      // the suite waits on processes (dev servers, PostgreSQL, Chromium) rather than computes.
      maxWorkers: Math.max(3, availableParallelism()),
      onUnhandledError: (error: unknown) => !String((error as Error)?.message ?? error).includes(CLOSED_STREAM),
      reporters: ["default", "json", "./test/timings-reporter.ts"],
      outputFile: { json: "test-results/vitest.json" },
    },
  };
});
