// npm run deploy against a recording stand-in for wrangler (first on PATH): the exact commands for a
// fresh account, a re-run (nothing created twice, no secret changed) and a failure midway (the
// re-run completes it); secrets are never printed and are kept outside the repository; the pepper
// is never rotated; --dry-run touches nothing but the build.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { idsIn, productionConfig } from "../../scripts/lib/deploy-config.mjs";
import { root } from "../../scripts/lib/dev-server.mjs";
import { clusterDir, ensureCluster, postgresAvailable, stopCluster } from "../../scripts/lib/pg-cluster.mjs";
import { freePort } from "../postgres/cluster.ts";

// The stand-in: answers like wrangler 4.86 for the commands deploy uses, keeps the "account" in a
// JSON file, and logs each call (the --config pair dropped; secret values and file paths never).
const STUB = `#!/usr/bin/env node
const fs = require("fs");
const state = JSON.parse(fs.readFileSync(process.env.STUB_STATE, "utf8"));
const save = () => fs.writeFileSync(process.env.STUB_STATE, JSON.stringify(state));
let args = process.argv.slice(2);
const ci = args.indexOf("--config");
if (ci >= 0) args.splice(ci, 2);
const opt = (n) => (args.includes(n) ? args[args.indexOf(n) + 1] : undefined);
const logged = args.map((a, i) => a.startsWith("--connection-string=") ? "--connection-string=<url>" : (args[i - 1] === "--secrets-file" ? "<" + Object.keys(JSON.parse(fs.readFileSync(a, "utf8"))).sort().join(",") + ">" : args[i - 1] === "--path" || args[i - 1] === "--outdir" ? "<file>" : a));
fs.appendFileSync(process.env.STUB_LOG, logged.join(" ") + "\\n");
const out = (v) => process.stdout.write(typeof v === "string" ? v : JSON.stringify(v));
const die = (m) => { process.stderr.write(m); process.exit(1); };
const lead = args.findIndex((a) => a.startsWith("-"));
const cmd = (lead < 0 ? args : args.slice(0, lead)).slice(0, 3).join(" ");
const kvKey = args[args.indexOf("--binding") + 2];
if (state.fail && cmd.startsWith(state.fail)) die("stand-in failure: " + state.fail);
if (cmd === "whoami") out("You are logged in with an OAuth Token.");
else if (cmd === "vectorize list") out(state.vectorize.map((name) => ({ name, config: { dimensions: state.dims[name], metric: "cosine" } })));
else if (cmd.startsWith("vectorize create-metadata-index")) out("enqueued");
else if (cmd.startsWith("vectorize create")) { state.vectorize.push(args[2]); state.dims[args[2]] = Number(args.find((a) => a.startsWith("--dimensions=")).split("=")[1]); save(); }
else if (cmd === "secret list") state.worker ? out(state.secrets.map((name) => ({ name, type: "secret_text" }))) : die('Worker "tidepool" not found.');
else if (cmd === "d1 list") out(state.d1 ? [{ name: "tidepool", uuid: "d1-uuid" }] : []);
else if (cmd.startsWith("d1 migrations apply")) { state.migrated = true; save(); out("applied"); }
else if (cmd === "deploy" && args.includes("--dry-run")) { fs.mkdirSync(opt("--outdir"), { recursive: true }); fs.writeFileSync(opt("--outdir") + "/index.js", "//"); }
else if (cmd === "deploy") {
  const f = opt("--secrets-file");
  if (f) for (const k of Object.keys(JSON.parse(fs.readFileSync(f, "utf8"))).sort()) state.secrets.push(k);
  Object.assign(state, { worker: true, d1: true });
  save();
  out("Deployed tidepool");
}
else if (cmd === "hyperdrive create tidepool") { state.hyperdrive.push(args[2]); save(); out('Created new Hyperdrive PostgreSQL config: 0123456789abcdef0123456789abcdef {"hyperdrive": [{"binding": "HYPERDRIVE", "id": "0123456789abcdef0123456789abcdef"}]}'); }
else if (cmd === "kv key get") (state.kv[kvKey] ? out(state.kv[kvKey]) : die("Value not found"));
else if (cmd === "kv key put") { state.kv[kvKey] = fs.readFileSync(opt("--path"), "utf8"); save(); }
else die("stand-in does not know: " + args.join(" "));
`;

let dir = "";
const fresh = { vectorize: [] as string[], dims: {} as Record<string, number>, secrets: [] as string[], worker: false, d1: false, migrated: false, hyperdrive: [] as string[], kv: {} as Record<string, string>, fail: null as string | null };

function setup() {
  dir = mkdtempSync(path.join(tmpdir(), "tidepool-deploy-"));
  mkdirSync(path.join(dir, "bin"));
  mkdirSync(path.join(dir, "home"));
  writeFileSync(path.join(dir, "bin", "wrangler"), STUB);
  chmodSync(path.join(dir, "bin", "wrangler"), 0o755);
  writeFileSync(path.join(dir, "state.json"), JSON.stringify(fresh));
  writeFileSync(path.join(dir, "log"), "");
}

const state = () => JSON.parse(readFileSync(path.join(dir, "state.json"), "utf8")) as typeof fresh;
const setState = (patch: Partial<typeof fresh>) => writeFileSync(path.join(dir, "state.json"), JSON.stringify({ ...state(), ...patch }));
/** The calls since the last look, account commands only (the files' KV reads and writes summarised). */
function calls() {
  const lines = readFileSync(path.join(dir, "log"), "utf8").trim().split("\n").filter(Boolean);
  writeFileSync(path.join(dir, "log"), "");
  return lines;
}
const accountCalls = (lines: string[]) => lines.filter((l) => !l.startsWith("kv key"));
const kvPuts = (lines: string[]) => lines.filter((l) => l.startsWith("kv key put")).map((l) => l.split(" ")[5]);

function deploy(...extra: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "deploy.mjs"), "--url", "https://tidepool.example.org", "--secrets-dir", path.join(dir, "secrets"), "--publisher-key", path.join(dir, "publisher.jwk"), ...extra], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PATH: `${path.join(dir, "bin")}${path.delimiter}${process.env.PATH}`, HOME: path.join(dir, "home"), TIDEPOOL_DEPLOY_DIR: path.join(dir, "deploy"), STUB_STATE: path.join(dir, "state.json"), STUB_LOG: path.join(dir, "log") },
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

const FIRST = [
  "whoami",
  "vectorize list --json",
  "vectorize create tidepool --dimensions=768 --metric=cosine",
  "vectorize create-metadata-index tidepool --propertyName type --type string",
  "vectorize create-metadata-index tidepool --propertyName submolt_id --type string",
  "secret list --format json",
  "d1 list --json",
  "deploy --secrets-file <ADMIN_TOKEN,HASH_PEPPER,IDENTITY_KEY>",
  "d1 migrations apply DB --remote",
];
const AGAIN = ["whoami", "vectorize list --json", "secret list --format json", "d1 list --json", "d1 migrations apply DB --remote", "deploy"];

beforeEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  setup();
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("npm run deploy", () => {
  it("on a fresh account: creates the index, uploads new secrets with the first deploy, migrates, publishes the files", () => {
    const run = deploy();
    expect(run.status, run.out).toBe(0);
    const lines = calls();
    expect(accountCalls(lines)).toEqual(FIRST);
    expect(kvPuts(lines)).toEqual(expect.arrayContaining(["file:skill.md", "file:heartbeat.md", "file:messaging.md", "file:rules.md", "file:skill.json"]));
    expect(state()).toMatchObject({ vectorize: ["tidepool"], secrets: ["ADMIN_TOKEN", "HASH_PEPPER", "IDENTITY_KEY"], migrated: true });
    // Kept for the operator outside the repository, never printed.
    const kept = path.join(dir, "secrets", "secrets.json");
    expect(statSync(kept).mode & 0o777).toBe(0o600);
    const secrets = JSON.parse(readFileSync(kept, "utf8")) as Record<string, string>;
    expect(Object.keys(secrets).sort()).toEqual(["ADMIN_TOKEN", "HASH_PEPPER", "IDENTITY_KEY"]);
    for (const value of Object.values(secrets)) expect(run.out).not.toContain(value.slice(0, 24));
    expect(run.out).toContain("https://tidepool.example.org");
    expect(existsSync(path.join(dir, "publisher.jwk"))).toBe(true);
  });

  it("re-run: nothing created twice, no secret changed, migrations before the deploy, files left as they are", () => {
    expect(deploy().status).toBe(0);
    calls();
    const kept = readFileSync(path.join(dir, "secrets", "secrets.json"), "utf8");
    const run = deploy();
    expect(run.status, run.out).toBe(0);
    const lines = calls();
    expect(accountCalls(lines)).toEqual(AGAIN);
    expect(kvPuts(lines)).toEqual([]);
    expect(state().secrets).toEqual(["ADMIN_TOKEN", "HASH_PEPPER", "IDENTITY_KEY"]);
    expect(readFileSync(path.join(dir, "secrets", "secrets.json"), "utf8")).toBe(kept);
  });

  it("a failure midway: the re-run completes it without doing anything twice", () => {
    setState({ fail: "d1 migrations" });
    const broken = deploy();
    expect(broken.status).not.toBe(0);
    expect(broken.out).toContain("stand-in failure");
    expect(accountCalls(calls())).toEqual(FIRST);
    setState({ fail: null });
    const run = deploy();
    expect(run.status, run.out).toBe(0);
    expect(accountCalls(calls())).toEqual(AGAIN);
    expect(state()).toMatchObject({ vectorize: ["tidepool"], secrets: ["ADMIN_TOKEN", "HASH_PEPPER", "IDENTITY_KEY"], migrated: true });
  });

  it("refuses an existing index of another dimension, naming both, before anything is deployed", () => {
    setState({ vectorize: ["tidepool"], dims: { tidepool: 1024 } });
    const refused = deploy();
    expect(refused.status).not.toBe(0);
    expect(refused.out).toMatch(/holds 1024-dimension vectors and the embedding model gives 768/);
    expect(accountCalls(calls())).toEqual(["whoami", "vectorize list --json"]);
    expect(state()).toMatchObject({ worker: false, secrets: [], migrated: false });
  });

  it("refuses to rotate the pepper, and --dry-run only builds", () => {
    const refused = deploy("--rotate", "HASH_PEPPER");
    expect(refused.status).not.toBe(0);
    expect(refused.out).toContain("refusing to change HASH_PEPPER");
    expect(calls()).toEqual([]);
    const dry = deploy("--dry-run");
    expect(dry.status, dry.out).toBe(0);
    expect(calls()).toEqual(["deploy --dry-run --outdir <file>"]);
    expect(state()).toEqual(fresh);
  });
});

describe.skipIf(!(postgresAvailable() || process.env.CI))("npm run deploy --storage postgres", () => {
  let url = "";
  const pgDir = () => path.join(dir, "pg");
  beforeEach(async () => {
    url = await ensureCluster({ dir: pgDir(), port: await freePort() });
  }, 120_000);
  afterEach(() => {
    stopCluster(pgDir());
    rmSync(clusterDir(pgDir()), { recursive: true, force: true });
  });

  it("migrates the database, creates the Hyperdrive configuration once and deploys bound to it", async () => {
    const run = deploy("--storage", "postgres", "--database-url", url);
    expect(run.status, run.out).toBe(0);
    expect(accountCalls(calls())).toEqual([...FIRST.slice(0, 6), "hyperdrive create tidepool --connection-string=<url>", ...FIRST.slice(6)]);
    expect(run.out).not.toContain(url);
    const config = readFileSync(path.join(dir, "deploy", "wrangler.toml"), "utf8");
    expect(config).toMatch(/^STORAGE = "postgres"$/m);
    expect(config).toMatch(/^\[\[hyperdrive\]\]\nbinding = "HYPERDRIVE"\nid = "0123456789abcdef0123456789abcdef"$/m);
    const pg = postgres(url, { max: 1, onnotice: () => {} });
    try {
      expect((await pg`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`)[0]!.n).toBeGreaterThanOrEqual(2);
      expect((await pg`SELECT name FROM submolts`).map((r) => r.name)).toContain("general");
    } finally {
      await pg.end();
    }
    // Again: the configuration's id is kept, nothing is created twice.
    const again = deploy("--storage", "postgres", "--database-url", url);
    expect(again.status, again.out).toBe(0);
    expect(accountCalls(calls())).toEqual(AGAIN);
    expect(state().hyperdrive).toEqual(["tidepool"]);
  });

  it("refuses PostgreSQL without a database, and a URL that is not one", () => {
    expect(deploy("--storage", "postgres").out).toContain("--storage postgres needs --database-url");
    expect(deploy("--storage", "postgres", "--database-url", "mysql://x").out).toContain("must be a postgres://");
    const sqlite = deploy("--storage", "sqlite");
    expect(sqlite.status).toBe(2);
    expect(sqlite.out).toContain('--storage takes d1 or postgres, got "sqlite"');
    // A misspelled option is refused, not ignored while the default deploys.
    const typo = deploy("--storgae", "postgres");
    expect(typo.status).toBe(2);
    expect(typo.out).toContain("Unknown option '--storgae'");
    expect(calls()).toEqual([]);
  });
});

describe("the generated production config", () => {
  const source = readFileSync(path.join(root, "wrangler.toml"), "utf8");

  it("drops the placeholder ids (wrangler provisions), sets the production settings and the Workers AI bindings", () => {
    const text = productionConfig(source, { root, url: "https://tidepool.example.org", search: "cloudflare" });
    expect(idsIn(text)).toEqual({ d1: null, kv: null, hyperdrive: null });
    expect(text).not.toMatch(/^STORAGE = /m);
    expect(text).not.toMatch(/0{8}-0{4}/);
    expect(text).toMatch(/^PUBLIC_URL = "https:\/\/tidepool\.example\.org"$/m);
    expect(text).toMatch(/^CLAIM_VERIFIER = "remote"$/m);
    expect(text).toMatch(/^TIDEPOOL_LEXICON = "false"$/m);
    expect(text).toMatch(/^\[ai\]\nbinding = "AI"\n\[\[vectorize\]\]\nbinding = "VECTORS"$/m);
    expect(text).toContain(`main = "${root}/worker/index.ts"`);
  });

  it("keeps the ids wrangler wrote back on an earlier run", () => {
    const first = productionConfig(source, { root, url: "https://t.example", search: "local" });
    const written = first.replace('database_name = "tidepool"', 'database_name = "tidepool"\ndatabase_id = "5c1e0c6e-1111-4222-8333-944455556666"').replace('binding = "FILES"', 'binding = "FILES"\nid = "0123456789abcdef0123456789abcdef"');
    const again = productionConfig(source, { root, url: "https://t.example", search: "local", previous: written });
    expect(idsIn(again)).toEqual({ d1: "5c1e0c6e-1111-4222-8333-944455556666", kv: "0123456789abcdef0123456789abcdef", hyperdrive: null });
    expect(again).not.toMatch(/^\[ai\]$/m);
  });
});
