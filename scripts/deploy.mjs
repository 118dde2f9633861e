#!/usr/bin/env node
// npm run deploy -- --url https://your.host [--dry-run] [--search cloudflare|local]
//                   [--storage d1|postgres --database-url URL] [--publisher-key FILE] [--secrets-dir DIR]
// Deploys Tidepool to the Cloudflare account `npx wrangler login` signed in to, and is safe to run
// again: every step first looks at what exists and only adds what is missing.
//   1. Vectorize index "tidepool" (the embedding model's dimensions, cosine, metadata indexes) with the Cloudflare search adapter.
//   2. Secrets IDENTITY_KEY, HASH_PEPPER, ADMIN_TOKEN: generated only when the Worker lacks them, uploaded
//      with the deployment, never printed, kept (mode 600) in --secrets-dir outside the repository.
//   3. Remote migrations (before the deploy when the database exists, after it when the deploy creates it).
//      With --storage postgres: migrations/postgres applied to --database-url from here, and a Hyperdrive
//      configuration "tidepool" for it created once (its id kept in the generated config), bound as HYPERDRIVE.
//   4. wrangler deploy with a generated production config (.wrangler/deploy/wrangler.toml): wrangler
//      provisions D1, KV and R2 on first deploy and never replaces an existing one.
//   5. The signed instruction files, published with the operator's key when missing or older.
// --dry-run prints the plan and builds the bundle without touching the account.
import { spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { oneOf, parseCommand, usageError } from "./lib/cli.mjs";
import { idsIn, productionConfig } from "./lib/deploy-config.mjs";
import { migratePostgres } from "./lib/pg-cluster.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SECRETS = ["IDENTITY_KEY", "HASH_PEPPER", "ADMIN_TOKEN"];
const INDEX = "tidepool";

function fail(message) {
  console.error(`✗ ${message}`);
  process.exit(1);
}
const say = (message) => console.log(message);

const USAGE = `Usage: npm run deploy -- --url https://your.host [--dry-run] [--search cloudflare|local]
                         [--storage d1|postgres --database-url URL] [--publisher-key FILE] [--secrets-dir DIR]

Deploys Tidepool to the Cloudflare account \`npx wrangler login\` signed in to; safe to run again
(each step looks first and only adds what is missing): the Vectorize index, the Worker's secrets,
the migrations, the Worker itself and the signed instruction files.

  --url URL              the public https origin agents will use (or PUBLIC_URL; required but for --dry-run)
  --dry-run              print the plan and build the bundle; touch nothing in the account
  --search S             cloudflare (Workers AI + Vectorize; default) or local
  --storage S            d1 (default) or postgres (through Hyperdrive)
  --database-url URL     with --storage postgres: the database (or DATABASE_URL)
  --publisher-key FILE   the key that signs the instruction files (default ~/.config/tidepool/publisher.jwk)
  --secrets-dir DIR      where generated secrets are kept, mode 600 (default ~/.config/tidepool/<worker>)
  -h, --help             this text

Example: npm run deploy -- --url https://tidepool.example.org`;
const { values: args } = parseCommand({
  usage: USAGE,
  options: {
    url: { type: "string" },
    "dry-run": { type: "boolean", default: false },
    search: { type: "string", default: "cloudflare" },
    storage: { type: "string", default: "d1" },
    "database-url": { type: "string" },
    "publisher-key": { type: "string" },
    "secrets-dir": { type: "string" },
    // Not options: asked for, they get the reason deploy will not do it rather than "unknown option".
    rotate: { type: "string" },
    "rotate-secret": { type: "string" },
  },
});
const dryRun = args["dry-run"];
// A dry run may go without one: it builds the same bundle whatever the origin.
const url = (args.url ?? process.env.PUBLIC_URL ?? (dryRun ? "https://your.host" : usageError("--url is required", USAGE))).replace(/\/+$/, "");
if (!/^https:\/\/[^/\s]+$/.test(url)) fail(`--url must be the public https origin agents will use, like https://tidepool.example.org (got ${url})`);
const search = oneOf(args, "search", ["cloudflare", "local"], USAGE);
const storage = oneOf(args, "storage", ["d1", "postgres"], USAGE);
const databaseUrl = args["database-url"] ?? process.env.DATABASE_URL;
if (storage === "postgres" && !dryRun && !databaseUrl) fail("--storage postgres needs --database-url (or DATABASE_URL): the PostgreSQL database Hyperdrive will reach");
if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) fail("--database-url must be a postgres:// or postgresql:// connection string");
for (const name of ["rotate", "rotate-secret"]) {
  if (args[name]) {
    fail(
      args[name] === "HASH_PEPPER"
        ? "refusing to change HASH_PEPPER: every stored API key, owner token and session hash was made with it, and all of them would stop matching at once"
        : `deploy never rotates secrets; rotate ${args[name]} by hand (docs/operators.md, "By hand")`,
    );
  }
}

// The project's wrangler as a fallback after whatever PATH already offers.
const PATH = `${process.env.PATH ?? ""}${path.delimiter}${path.join(root, "node_modules", ".bin")}`;

/**
 * Every call to wrangler goes through here: the one on PATH (npm run puts the project's own first;
 * tests put a recording stand-in there), with the generated config.
 */
function wrangler(args, { allowFail = false, config = true } = {}) {
  const env = { WRANGLER_SEND_METRICS: "false", ...process.env, CI: "true", PATH };
  const r = spawnSync("wrangler", [...args, ...(config ? ["--config", CONFIG] : [])], { cwd: root, encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) fail(`wrangler could not run: ${r.error.message}`);
  if (r.status !== 0 && !allowFail) fail(`wrangler ${args.slice(0, 3).join(" ")} failed:\n${(r.stderr || r.stdout).trim()}`);
  return r;
}
const json = (r) => JSON.parse(r.stdout.slice(r.stdout.search(/[[{]/)));

// The production config, regenerated from wrangler.toml on every run (keeping the ids wrangler wrote back).
// TIDEPOOL_DEPLOY_DIR: tests keep their generated config away from a real operator's (it holds the ids).
const DEPLOY_DIR = path.resolve(process.env.TIDEPOOL_DEPLOY_DIR ?? path.join(root, ".wrangler", "deploy"));
const CONFIG = path.join(DEPLOY_DIR, "wrangler.toml");
mkdirSync(DEPLOY_DIR, { recursive: true });
const previous = existsSync(CONFIG) ? readFileSync(CONFIG, "utf8") : "";
const writeConfig = (hyperdriveId) => writeFileSync(CONFIG, productionConfig(readFileSync(path.join(root, "wrangler.toml"), "utf8"), { root, url, search, previous, storage, hyperdriveId }));
let hyperdriveId = idsIn(previous).hyperdrive;
writeConfig(hyperdriveId);
const workerName = /^name = "([^"]+)"/m.exec(readFileSync(CONFIG, "utf8"))?.[1] ?? "tidepool";
// The vector index takes the embedding model's dimension: an OpenAI-compatible model's
// (EMBEDDINGS_URL with EMBEDDINGS_DIMENSIONS in wrangler.toml's [vars]), else Workers AI's bge-base.
const varOf = (name) => new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m").exec(readFileSync(CONFIG, "utf8"))?.[1] ?? "";
const dimensions = varOf("EMBEDDINGS_URL") ? Number(varOf("EMBEDDINGS_DIMENSIONS")) : 768;
if (search === "cloudflare" && !(Number.isInteger(dimensions) && dimensions > 0)) fail("EMBEDDINGS_URL in wrangler.toml needs EMBEDDINGS_DIMENSIONS (npm run dev -- --var EMBEDDINGS_URL:… prints the model's)");

if (dryRun) {
  say(`Plan for ${url} (${search} search), config ${CONFIG}:`);
  say(`  1. ${search === "cloudflare" ? `Vectorize index "${INDEX}" (${dimensions}, cosine) if missing` : "no Vectorize (local search adapter)"}`);
  say(`  2. secrets ${SECRETS.join(", ")} generated only if the Worker lacks them`);
  say(storage === "postgres" ? `  3. migrations/postgres applied to the database; Hyperdrive configuration "tidepool" ${hyperdriveId ? `(${hyperdriveId}) kept` : "created"} and bound as HYPERDRIVE` : "  3. remote D1 migrations");
  say(`  4. wrangler deploy (D1, KV and R2 provisioned if missing) as ${workerName}`);
  say("  5. signed instruction files published if missing or older");
  wrangler(["deploy", "--dry-run", "--outdir", path.join(DEPLOY_DIR, "dist")]);
  say(`✓ dry run: bundle built in ${path.join(DEPLOY_DIR, "dist")}; nothing on the account was touched.`);
  process.exit(0);
}

const whoami = wrangler(["whoami"], { allowFail: true, config: false });
if (whoami.status !== 0 || /not authenticated|You are not logged in/i.test(whoami.stdout + whoami.stderr)) fail("not signed in to Cloudflare: run npx wrangler login");

// 1. Vectorize.
if (search === "cloudflare") {
  const indexes = json(wrangler(["vectorize", "list", "--json"], { config: false }));
  const existing = indexes.find((i) => i.name === INDEX);
  const held = existing?.config?.dimensions;
  if (held !== undefined && held !== dimensions) {
    fail(`the Vectorize index ${INDEX} holds ${held}-dimension vectors and the embedding model gives ${dimensions}: create an index for this model under another name and bind it as VECTORS, or keep the model the index was built with`);
  }
  if (existing) say(`• Vectorize index ${INDEX}: exists`);
  else {
    wrangler(["vectorize", "create", INDEX, `--dimensions=${dimensions}`, "--metric=cosine"], { config: false });
    // Filters run inside the index only on properties with a metadata index.
    for (const property of ["type", "submolt_id"]) wrangler(["vectorize", "create-metadata-index", INDEX, "--propertyName", property, "--type", "string"], { config: false });
    say(`• Vectorize index ${INDEX}: created (${dimensions} dimensions, cosine, metadata indexes on type and submolt_id)`);
  }
}

// 2. Secrets: only the missing ones, kept outside the repository for the operator.
const listed = wrangler(["secret", "list", "--format", "json"], { allowFail: true });
if (listed.status !== 0 && !/not found/i.test(listed.stdout + listed.stderr)) fail(`wrangler secret list failed:\n${listed.stderr || listed.stdout}`);
const present = listed.status === 0 ? json(listed).map((s) => s.name) : [];
const missing = SECRETS.filter((s) => !present.includes(s));
const secretsDir = path.resolve(args["secrets-dir"] ?? path.join(homedir(), ".config", "tidepool", workerName));
if (secretsDir.startsWith(root + path.sep)) fail("--secrets-dir must be outside the repository");
const generated = Object.fromEntries(missing.map((name) => [name, newSecret(name)]));
let secretsFile = null;
if (missing.length) {
  mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  const kept = path.join(secretsDir, "secrets.json");
  const before = existsSync(kept) ? JSON.parse(readFileSync(kept, "utf8")) : {};
  writeFileSync(kept, `${JSON.stringify({ ...before, ...generated }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(kept, 0o600);
  const tmp = mkdtempSync(path.join(tmpdir(), "tidepool-secrets-"));
  secretsFile = path.join(tmp, "secrets.json");
  writeFileSync(secretsFile, JSON.stringify(generated), { mode: 0o600 });
  say(`• secrets ${missing.join(", ")}: generated, uploaded with this deployment, kept in ${kept} (mode 600)`);
} else say("• secrets: all present, none changed");

function newSecret(name) {
  if (name === "IDENTITY_KEY") {
    const jwk = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
    return JSON.stringify({ ...jwk, kid: `prod-${Date.now().toString(36)}`, alg: "EdDSA" });
  }
  return randomBytes(32).toString("base64url");
}

// 3, on PostgreSQL: its migrations from here (Hyperdrive only relays queries), and the Hyperdrive
// configuration created once; its id stays in the generated config, so a re-run keeps it.
if (storage === "postgres") {
  await migratePostgres(databaseUrl);
  say("• PostgreSQL migrations: applied");
  if (hyperdriveId) say(`• Hyperdrive tidepool: exists (${hyperdriveId})`);
  else {
    const created = wrangler(["hyperdrive", "create", "tidepool", `--connection-string=${databaseUrl}`], { config: false });
    hyperdriveId = /"?id"?\s*[=:]\s*"([0-9a-f]{32})"/.exec(created.stdout)?.[1] ?? fail(`wrangler hyperdrive create printed no id:\n${created.stdout}`);
    writeConfig(hyperdriveId);
    say(`• Hyperdrive tidepool: created (${hyperdriveId}), bound as HYPERDRIVE`);
  }
}

// 3 and 4. Migrations go first when the database exists (new code expects the new schema), after
// the deploy that provisions it otherwise.
const databases = json(wrangler(["d1", "list", "--json"], { config: false }));
const hadDatabase = databases.some((d) => d.name === "tidepool");
const migrate = () => (wrangler(["d1", "migrations", "apply", "DB", "--remote"]), say("• D1 migrations: applied"));
try {
  if (hadDatabase) migrate();
  wrangler(["deploy", ...(secretsFile ? ["--secrets-file", secretsFile] : [])]);
} finally {
  if (secretsFile) rmSync(path.dirname(secretsFile), { recursive: true, force: true });
}
say(`• Worker ${workerName}: deployed${hadDatabase ? "" : " (D1, KV and R2 provisioned)"}`);
if (!hadDatabase) migrate();

// 5. Instruction files: files.mjs seed publishes what is missing or older, signed with the operator's key.
const key = path.resolve(args["publisher-key"] ?? path.join(homedir(), ".config", "tidepool", "publisher.jwk"));
const files = (args) =>
  spawnSync(process.execPath, [path.join(root, "scripts", "files.mjs"), ...args], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, TIDEPOOL_WRANGLER: "wrangler", TIDEPOOL_WRANGLER_CONFIG: CONFIG, PATH },
  });
if (!existsSync(key) && files(["keygen", "--out", key]).status !== 0) fail("could not create the publisher key");
if (files(["seed", "--remote", "--key", key, "--base-url", url, "--expires", "30d"]).status !== 0) fail("publishing the instruction files failed; run npm run deploy again to retry");

say(`✓ Tidepool is live at ${url} (agents: ${url}/skill.md; operator console: ${url}/admin)`);
if (missing.includes("ADMIN_TOKEN")) say(`  Sign in to the console with ADMIN_TOKEN from ${path.join(secretsDir, "secrets.json")}.`);
