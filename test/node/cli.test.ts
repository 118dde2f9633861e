// The command-line tools behave like command-line tools: every script behind `npm run` answers
// --help (exit 0, its usage on stdout, nothing written) and refuses an option it does not know
// (exit 2, the usage on stderr, nothing written) instead of ignoring it while its default runs; the
// seed refuses to mix a new network into one already there unless --force.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "../../scripts/lib/dev-server.mjs";

/** Each `npm run` script that runs one of ours: its file and the arguments npm adds. */
const COMMANDS: Record<string, [string, ...string[]]> = {
  dev: ["scripts/dev.mjs"],
  seed: ["scripts/seed.mjs"],
  bench: ["bench/run.mjs"],
  "bench:search": ["bench/search.mjs"],
  "bench:gate": ["bench/gate.mjs"],
  soak: ["scripts/soak.mjs"],
  session: ["scripts/session.mjs"],
  deploy: ["scripts/deploy.mjs"],
  backup: ["scripts/backup.mjs"],
  restore: ["scripts/restore.mjs"],
  "migrate:to-postgres": ["scripts/migrate-to-postgres.mjs"],
  "search:reindex": ["scripts/search-reindex.mjs"],
  "client:generate": ["scripts/client-generate.mjs"],
  "files:keygen": ["scripts/files.mjs", "keygen"],
  "files:publish": ["scripts/files.mjs", "publish"],
  "files:rollback": ["scripts/files.mjs", "rollback"],
  "files:verify": ["scripts/files.mjs", "verify"],
  "files:seed": ["scripts/files.mjs", "seed"],
  "files:bundle": ["scripts/files.mjs", "bundle"],
};
// Run by npm itself (install, test) or by vitest, not tools a person drives.
const NOT_TOOLS = ["postinstall", "pretest", "test", "db:generate", "build", "search:eval", "client:build", "example:agent"];

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(path.join(tmpdir(), "tidepool-cli-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** What a command could write into the repository: generated files and the local state. */
function footprint() {
  const files = ["BENCHMARKS.md", "bench/results.json", "client/openapi.json", "client/src/openapi.d.ts", "worker/files/builtin.json", ".dev.vars"];
  return files.map((f) => {
    try {
      return `${f} ${statSync(path.join(root, f)).mtimeMs}`;
    } catch {
      return `${f} absent`;
    }
  });
}

function run(name: string, ...args: string[]) {
  const [file, ...sub] = COMMANDS[name]!;
  const home = fresh();
  const r = spawnSync(process.execPath, [path.join(root, file), ...sub, ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
    // Nowhere to reach and nothing of the developer's to touch: a home of its own, no server, no database.
    env: { ...process.env, HOME: home, DATABASE_URL: "", ADMIN_TOKEN: "", TIDEPOOL_URL: "http://127.0.0.1:9", CI: "true" },
  });
  return { ...r, home };
}

describe("every npm run tool", () => {
  it("is in this test's list", () => {
    const scripts = Object.keys(JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts);
    expect(scripts.filter((s) => !NOT_TOOLS.includes(s)).sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  it.each(Object.keys(COMMANDS))("%s --help prints its usage, exits 0 and writes nothing", (name) => {
    const before = footprint();
    const state = fresh();
    const r = run(name, "--help", ...(["dev", "seed", "backup", "files:seed", "files:publish", "files:rollback"].includes(name) ? ["--persist-to", state] : []));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run /);
    expect(r.stdout).toContain("--help");
    expect(r.stdout).toMatch(/Example: npm run /);
    expect(r.stderr).toBe("");
    expect(readdirSync(state)).toEqual([]);
    expect(readdirSync(r.home)).toEqual([]);
    expect(footprint()).toEqual(before);
  });

  it.each(Object.keys(COMMANDS))("%s refuses an option it does not know: exit 2, the usage on stderr, nothing written", (name) => {
    const before = footprint();
    const state = fresh();
    const r = run(name, "--definitely-not-an-option", "1", "--persist-to", state);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(2);
    expect(r.stderr).toMatch(/--definitely-not-an-option/);
    expect(r.stderr).toContain("Usage: npm run ");
    expect(readdirSync(state)).toEqual([]);
    expect(readdirSync(r.home)).toEqual([]);
    expect(footprint()).toEqual(before);
  });

  it("rejects a value that is not one (a number that is not a number, a choice not offered)", () => {
    for (const [name, args, message] of [
      ["seed", ["--posts", "lots"], '--posts takes a whole number from 10 up, got "lots"'],
      ["bench", ["--storage", "mysql"], '--storage takes d1 or postgres, got "mysql"'],
      ["dev", ["--port", "eighty"], '--port takes a whole number from 1 to 65,535, got "eighty"'],
      ["soak", ["--mix", "reads"], '--mix takes writes or load, got "reads"'],
      ["search:reindex", ["--batch", "0"], '--batch takes a whole number from 1 to 500, got "0"'],
    ] as const) {
      const r = run(name, ...args);
      expect(r.status, name).toBe(2);
      expect(r.stderr, name).toContain(message);
    }
  });
});

describe("npm run seed into a local state that holds a network", () => {
  it("refuses without --force, saying what is there, and replaces it with --force", { timeout: 120_000 }, () => {
    const state = fresh();
    const seed = (...args: string[]) => spawnSync(process.execPath, [path.join(root, "scripts", "seed.mjs"), "--posts", "20", "--persist-to", state, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, CI: "true" } });
    const first = seed();
    expect(first.status, first.stderr).toBe(0);
    // Not a terminal: plain progress lines, no carriage returns.
    expect(first.stdout).not.toContain("\r");
    expect(first.stdout).toMatch(/seeding: [\d,]+\/[\d,]+ rows \(100%\)/);

    const again = seed("--seed", "7");
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("already holds a network (50 agents, 20 posts, 160 comments)");
    expect(again.stderr).toContain("--force");

    const forced = seed("--seed", "7", "--force");
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stdout).toContain("Replacing the D1 database");
    const file = readdirSync(path.join(state, "v3", "d1", "miniflare-D1DatabaseObject")).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")!;
    const count = spawnSync("sqlite3", [path.join(state, "v3", "d1", "miniflare-D1DatabaseObject", file), "SELECT count(*) FROM posts"], { encoding: "utf8" });
    expect(count.stdout.trim()).toBe("20");
  });
});
