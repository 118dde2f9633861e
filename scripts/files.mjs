#!/usr/bin/env node
// Maintainer CLI for the signed instruction files. The publisher's private key never goes to the
// server: it lives in a file outside the repo (or an env var) and only signatures are uploaded.
//
//   npm run files:keygen [-- --out ~/.config/tidepool/publisher.jwk]
//   npm run files:publish -- <file> [--local|--remote] [--expires 7d] [--key path] [--base-url URL]
//   npm run files:rollback -- <name> [--to 1.0.2] [--local|--remote]
//   npm run files:verify -- <url-or-path> --key <publisher.jwk|skill.json URL> [--min-version 1.0.3]
//   npm run files:seed [-- --local]        publish every default file (what `npm run dev` does)
//   npm run files:bundle                   regenerate worker/files/builtin.json (the KV-miss fallback)
import { spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { wranglerBin } from "./lib/d1-access.mjs";
import { parseCommand, usageError } from "./lib/cli.mjs";
import { assertForward, bumpPatch, compareVersions, FILE_NAMES, signFile, verifyFile, versionOf, withVersion } from "../client/src/signing.js";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const DEFAULTS = path.join(root, "worker", "files", "defaults");
const DEV_KEY = path.join(root, ".wrangler", "dev-publisher.jwk");
const HOME_KEY = path.join(homedir(), ".config", "tidepool", "publisher.jwk");
const HISTORY_KEEP = 10;

// Each command's own options: anything else is refused before a key is read or KV is opened.
const kvTarget = { local: { type: "boolean", default: false }, remote: { type: "boolean", default: false }, "persist-to": { type: "string" } };
const signing = { key: { type: "string" }, expires: { type: "string" }, "base-url": { type: "string" } };
const KV_HELP = `  --local | --remote  the local KV of \`npm run dev\` (default) or the deployed one
  --persist-to DIR    the local state (default .wrangler/state)
  --key FILE          the publisher's private JWK (default TIDEPOOL_PUBLISHER_KEY(_FILE), else ~/.config/tidepool/publisher.jwk)
  --base-url URL      the origin written into the files (default TIDEPOOL_BASE_URL, else http://localhost:8787)`;
const COMMANDS = {
  publish: {
    args: "<file>",
    about: "Signs one instruction file (e.g. worker/files/defaults/heartbeat.md) and publishes it to KV; skill.json is rebuilt after it.",
    options: { ...kvTarget, ...signing },
    help: `${KV_HELP}\n  --expires D         how long the signature holds: 7d, 12h, 30m (default 7d)`,
    example: "npm run files:publish -- worker/files/defaults/heartbeat.md --remote --expires 14d",
  },
  rollback: {
    args: "<name>",
    about: "Publishes an earlier text of a file again, under a new (higher) version: versions only move forward.",
    options: { ...kvTarget, ...signing, to: { type: "string" } },
    help: `  --to VERSION        the version whose text comes back (default the most recent earlier one)\n${KV_HELP}\n  --expires D         how long the signature holds (default 7d)`,
    example: "npm run files:rollback -- heartbeat.md --to 1.0.2 --remote",
  },
  verify: {
    args: "<url-or-path>",
    about: "Checks a published file's signature against the publisher key you pinned, as an agent does.",
    options: { key: { type: "string" }, "min-version": { type: "string" } },
    help: "  --key SOURCE        the pinned public key: a JWK file, or skill.json (URL or path) on first install (required)\n  --min-version V     refuse anything older (a rollback attack)",
    example: "npm run files:verify -- http://localhost:8787/heartbeat.md --key http://localhost:8787/skill.json",
  },
  seed: {
    args: "",
    about: "Publishes every default file that is missing, older or about to expire (what `npm run dev` does).",
    options: { ...kvTarget, ...signing, dev: { type: "boolean", default: false } },
    help: `${KV_HELP}\n  --dev               sign with the local dev key (.wrangler/dev-publisher.jwk), made when missing\n  --expires D         how long the signatures hold (default 30d)`,
    example: "npm run files:seed -- --local",
  },
  bundle: {
    args: "",
    about: "Regenerates worker/files/builtin.json, the fallback served when KV has no file (signed by --key, else a throwaway key).",
    options: signing,
    help: "  --key FILE          the publisher's private JWK (default: a throwaway key, never saved)\n  --expires D         how long the signatures hold (default 365d)\n  --base-url URL      the origin written into the files (default http://localhost:8787)",
    example: "npm run files:bundle -- --key ~/.config/tidepool/publisher.jwk --base-url https://tidepool.example.org",
  },
  keygen: {
    args: "",
    about: "Makes the publisher's Ed25519 key pair; the private half goes to a file (mode 600) outside the repository, never overwritten.",
    options: { out: { type: "string" } },
    help: "  --out FILE          where the private key goes (default ~/.config/tidepool/publisher.jwk)",
    example: "npm run files:keygen",
  },
};
const usageOf = (name) => {
  const c = COMMANDS[name];
  return `Usage: npm run files:${name} -- ${c.args ? `${c.args} ` : ""}[options]\n\n${c.about}\n\n${c.help}\n  -h, --help          this text\n\nExample: ${c.example}`;
};
const command = process.argv[2];
if (["--help", "-h"].includes(command)) {
  console.log(Object.keys(COMMANDS).map((n) => `npm run files:${n} -- --help`).join("\n"));
  process.exit(0);
}
if (!COMMANDS[command]) {
  usageError(`unknown command "${command ?? ""}": one of ${Object.keys(COMMANDS).join(", ")}`, Object.keys(COMMANDS).map((n) => `npm run files:${n} -- --help`).join("\n"));
}
const { values: args, positionals: positional } = parseCommand({ usage: usageOf(command), options: COMMANDS[command].options, positionals: true, args: process.argv.slice(3) });
const wanted = COMMANDS[command].args ? 1 : 0;
if (positional.length > wanted) usageError(`unexpected argument${positional.length - wanted > 1 ? "s" : ""}: ${positional.slice(wanted).join(" ")}`, usageOf(command));
if (args.local && args.remote) usageError("--local and --remote name two places: give one", usageOf(command));
const opt = (name) => args[name];
const flag = (name) => args[name] === true;

const say = (msg) => console.log(msg);
function fail(msg) {
  console.error(`✗ ${msg}`);
  process.exit(1);
}

function parseDuration(s) {
  const m = /^(\d+)([dhm])$/.exec(s ?? "7d");
  if (!m) fail(`--expires takes a duration like 7d, 12h or 30m (got "${s}")`);
  return Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2]];
}

function loadPrivateKey() {
  if (process.env.TIDEPOOL_PUBLISHER_KEY) return JSON.parse(process.env.TIDEPOOL_PUBLISHER_KEY);
  const file = opt("key") ?? process.env.TIDEPOOL_PUBLISHER_KEY_FILE ?? (existsSync(HOME_KEY) ? HOME_KEY : undefined);
  if (!file) fail(`no publisher key: run npm run files:keygen, or pass --key <file> or TIDEPOOL_PUBLISHER_KEY`);
  if (path.resolve(file).startsWith(root + path.sep) && !path.resolve(file).startsWith(path.join(root, ".wrangler"))) {
    fail(`keep the publisher key outside the repository (${file})`);
  }
  const jwk = JSON.parse(readFileSync(file, "utf8"));
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || !jwk.d) fail(`${file} is not an Ed25519 private JWK`);
  return jwk;
}

const publicOf = (jwk) => ({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid: jwk.kid, alg: "EdDSA", use: "sig" });

function newKey(kidPrefix) {
  const { privateKey } = generateKeyPairSync("ed25519");
  return { ...privateKey.export({ format: "jwk" }), kid: `${kidPrefix}-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString("hex")}`, alg: "EdDSA" };
}

// --- KV: local state through wrangler's platform proxy (fast), production through the wrangler CLI ---
const isRemote = () => flag("remote");
let kv;

async function openKv() {
  if (isRemote()) return null;
  const { getPlatformProxy, unstable_readConfig } = await import("wrangler");
  // A config with only the FILES namespace (same id, so the same local storage as `wrangler dev`):
  // the real one would also boot the Worker's Durable Object bindings for nothing.
  const real = unstable_readConfig({ config: path.join(root, "wrangler.toml") });
  const files = real.kv_namespaces.find((k) => k.binding === "FILES");
  const dir = mkdtempSync(path.join(tmpdir(), "tidepool-files-"));
  const configPath = path.join(dir, "wrangler.json");
  writeFileSync(configPath, JSON.stringify({ name: "tidepool-files", compatibility_date: real.compatibility_date, kv_namespaces: [{ binding: "FILES", id: files.id }] }));
  const persistTo = opt("persist-to");
  const proxy = await getPlatformProxy({
    configPath,
    persist: { path: persistTo ? path.join(path.resolve(persistTo), "v3") : path.join(root, ".wrangler", "state", "v3") },
    remoteBindings: false,
  });
  return { env: proxy.env, dispose: async () => (await proxy.dispose(), rmSync(dir, { recursive: true, force: true })) };
}

/** The project's wrangler, or TIDEPOOL_WRANGLER with TIDEPOOL_WRANGLER_CONFIG (npm run deploy's generated config). */
function wrangler(args) {
  const config = process.env.TIDEPOOL_WRANGLER_CONFIG ? ["--config", process.env.TIDEPOOL_WRANGLER_CONFIG] : [];
  return spawnSync(wranglerBin(root), [...args, ...config], {
    cwd: root,
    encoding: "utf8",
    env: { WRANGLER_SEND_METRICS: "false", ...process.env, CI: "true" },
    maxBuffer: 64 * 1024 * 1024,
  });
}

async function kvGet(key) {
  if (kv) return kv.env.FILES.get(key, "json");
  const res = wrangler(["kv", "key", "get", "--binding", "FILES", key, "--remote", "--text"]);
  if (res.status !== 0 || /Value not found/i.test(res.stdout + res.stderr)) return null;
  try {
    return JSON.parse(res.stdout);
  } catch {
    return null;
  }
}

async function kvPut(key, value) {
  if (kv) return kv.env.FILES.put(key, JSON.stringify(value));
  const dir = mkdtempSync(path.join(tmpdir(), "tidepool-kv-"));
  const file = path.join(dir, "value.json");
  writeFileSync(file, JSON.stringify(value));
  const res = wrangler(["kv", "key", "put", "--binding", "FILES", key, "--path", file, "--remote"]);
  rmSync(dir, { recursive: true, force: true });
  if (res.status !== 0) fail(`writing ${key} to KV failed:\n${res.stderr || res.stdout}`);
}

// --- publishing --------------------------------------------------------------------------------
const baseUrl = () => (opt("base-url") ?? process.env.TIDEPOOL_BASE_URL ?? "http://localhost:8787").replace(/\/$/, "");
const render = (text) => text.replaceAll("{{BASE_URL}}", baseUrl());
const contentType = (name) => (name.endsWith(".json") ? "application/json; charset=utf-8" : "text/markdown; charset=utf-8");

async function envelope(name, text, key, expiresMs) {
  const version = versionOf(name, text);
  if (!version) fail(`${name} has no version (front matter "version: 1.2.3", or "version" in JSON)`);
  const body = new TextEncoder().encode(text);
  const signed = await signFile({ name, body, version, expiresAt: new Date(Date.now() + expiresMs), privateJwk: key });
  return { ...signed, content_type: contentType(name), body: text, published_at: new Date().toISOString() };
}

/** skill.json names the publisher key and every file's version and digest, so it is rebuilt after each publish. */
function skillJsonText(template, key, others, version) {
  const base = JSON.parse(render(template));
  const files = others.map((e) => ({ name: e.name, url: `${baseUrl()}/${e.name}`, version: e.version, sha256: e.sha256 }));
  base.version = version;
  base.publisher_key = publicOf(key);
  base.files = files;
  base.moltbot = { ...base.moltbot, files: Object.fromEntries(files.map((f) => [f.name.toUpperCase(), f.url])) };
  return `${JSON.stringify(base, null, 2)}\n`;
}

async function publishOne(name, text, key, expiresMs, { force = false } = {}) {
  const current = await kvGet(`file:${name}`);
  const version = versionOf(name, text);
  if (current && !force) {
    try {
      assertForward(current.version, version);
    } catch (err) {
      fail(`${name}: ${err.message}`);
    }
  }
  const env = await envelope(name, text, key, expiresMs);
  if (current) {
    const history = (await kvGet(`history:${name}`)) ?? [];
    await kvPut(`history:${name}`, [current, ...history].slice(0, HISTORY_KEEP));
  }
  await kvPut(`file:${name}`, env);
  say(`✓ ${name} ${current ? `${current.version} → ` : ""}${env.version}  sha256 ${env.sha256.slice(0, 12)}…  expires ${env.expires_at}`);
  return env;
}

const kidOf = (jws) => JSON.parse(Buffer.from(jws.split(".")[0], "base64url").toString("utf8")).kid;

async function republishSkillJson(key, expiresMs) {
  const others = (await Promise.all(FILE_NAMES.filter((n) => n !== "skill.json").map((n) => kvGet(`file:${n}`)))).filter(Boolean);
  const current = await kvGet("file:skill.json");
  const template = readFileSync(path.join(DEFAULTS, "skill.json"), "utf8");
  const version = current ? bumpPatch(current.version) : versionOf("skill.json", template);
  await publishOne("skill.json", skillJsonText(template, key, others, version), key, expiresMs);
}

async function cmdPublish() {
  const file = positional[0] ?? usageError("the file to publish is required", usageOf("publish"));
  const name = path.basename(file);
  if (!FILE_NAMES.includes(name)) fail(`${name} is not one of ${FILE_NAMES.join(", ")}`);
  if (name === "skill.json") fail("skill.json is rebuilt automatically after each publish; publish the .md files");
  const key = loadPrivateKey();
  const expires = parseDuration(opt("expires"));
  say(`Publishing ${name} to ${flag("remote") ? "remote" : "local"} KV, key ${key.kid}, base ${baseUrl()}`);
  await publishOne(name, render(readFileSync(file, "utf8")), key, expires);
  await republishSkillJson(key, expires);
  for (const other of FILE_NAMES) {
    const env = await kvGet(`file:${other}`);
    if (env && kidOf(env.signature) !== key.kid) {
      console.warn(`! ${other} is still signed by ${kidOf(env.signature)}; agents pinning ${key.kid} will refuse it. Publish it again with this key.`);
    }
  }
}

async function cmdRollback() {
  const name = positional[0] ?? usageError("the file's name is required", usageOf("rollback"));
  const history = (await kvGet(`history:${name}`)) ?? [];
  const target = opt("to") ? history.find((h) => h.version === opt("to")) : history[0];
  if (!target) fail(`no earlier version of ${name}${opt("to") ? ` numbered ${opt("to")}` : ""} in the history (${history.map((h) => h.version).join(", ") || "empty"})`);
  const current = (await kvGet(`file:${name}`)) ?? fail(`${name} is not published`);
  const version = bumpPatch(current.version);
  const key = loadPrivateKey();
  const expires = parseDuration(opt("expires"));
  say(`Re-publishing the text of ${name} ${target.version} as ${version} (versions only move forward)`);
  await publishOne(name, withVersion(name, target.body, version), key, expires);
  if (name !== "skill.json") await republishSkillJson(key, expires);
}

async function cmdSeed() {
  const key = flag("dev") || !(opt("key") || process.env.TIDEPOOL_PUBLISHER_KEY || process.env.TIDEPOOL_PUBLISHER_KEY_FILE || existsSync(HOME_KEY)) ? devKey() : loadPrivateKey();
  const expires = parseDuration(opt("expires") ?? "30d");
  for (const name of FILE_NAMES.filter((n) => n !== "skill.json")) {
    const text = render(readFileSync(path.join(DEFAULTS, name), "utf8"));
    const current = await kvGet(`file:${name}`);
    if (!current) {
      await publishOne(name, text, key, expires);
      continue;
    }
    const signedHere = kidOf(current.signature) === key.kid && Date.parse(current.expires_at) > Date.now() + 86_400_000;
    const order = compareVersions(current.version, versionOf(name, text));
    if (order > 0) {
      // Someone published a newer text to this KV: keep it, only re-sign it if needed.
      if (!signedHere) await publishOne(name, withVersion(name, current.body, bumpPatch(current.version)), key, expires);
      continue;
    }
    if (current.body === text && signedHere) continue;
    await publishOne(name, order === 0 ? withVersion(name, text, bumpPatch(current.version)) : text, key, expires);
  }
  const skill = await kvGet("file:skill.json");
  if (!skill || JSON.parse(skill.body).publisher_key?.kid !== key.kid || Date.parse(skill.expires_at) < Date.now() + 86_400_000 || (await staleDigests(skill))) {
    await republishSkillJson(key, expires);
  }
  say(`Instruction files in ${flag("remote") ? "remote" : "local"} KV are signed by ${key.kid}.`);
}

async function staleDigests(skillEnvelope) {
  const listed = JSON.parse(skillEnvelope.body).files ?? [];
  for (const n of FILE_NAMES.filter((x) => x !== "skill.json")) {
    if ((await kvGet(`file:${n}`))?.sha256 !== listed.find((f) => f.name === n)?.sha256) return true;
  }
  return false;
}

function devKey() {
  if (existsSync(DEV_KEY)) return JSON.parse(readFileSync(DEV_KEY, "utf8"));
  mkdirSync(path.dirname(DEV_KEY), { recursive: true });
  const key = newKey("dev-publisher");
  writeFileSync(DEV_KEY, JSON.stringify(key), { mode: 0o600 });
  say(`Created a local dev publisher key ${key.kid} (${path.relative(root, DEV_KEY)}, never used in production).`);
  return key;
}

async function cmdBundle() {
  const key = opt("key") || process.env.TIDEPOOL_PUBLISHER_KEY ? loadPrivateKey() : newKey("builtin");
  const expires = parseDuration(opt("expires") ?? "365d");
  const out = {};
  for (const name of FILE_NAMES.filter((n) => n !== "skill.json")) {
    out[name] = await envelope(name, render(readFileSync(path.join(DEFAULTS, name), "utf8")), key, expires);
  }
  const template = readFileSync(path.join(DEFAULTS, "skill.json"), "utf8");
  out["skill.json"] = await envelope("skill.json", skillJsonText(template, key, Object.values(out), versionOf("skill.json", template)), key, expires);
  const file = path.join(root, "worker", "files", "builtin.json");
  writeFileSync(file, `${JSON.stringify({ generated_at: new Date().toISOString(), base_url: baseUrl(), files: out }, null, 2)}\n`);
  say(`✓ wrote ${path.relative(root, file)}, signed by ${key.kid}${opt("key") ? "" : " (a throwaway key: its private part was never saved)"}`);
}

async function cmdKeygen() {
  const out = opt("out") ?? HOME_KEY;
  if (path.resolve(out).startsWith(root + path.sep)) fail("write the publisher key outside the repository");
  if (existsSync(out)) fail(`${out} exists; refusing to overwrite a publisher key`);
  mkdirSync(path.dirname(out), { recursive: true });
  const key = newKey("publisher");
  writeFileSync(out, JSON.stringify(key), { mode: 0o600 });
  say(`✓ private key: ${out} (mode 600, back it up, never commit it)`);
  say(`public key (agents pin this; it is published in skill.json):\n${JSON.stringify(publicOf(key))}`);
}

async function fetchBytes(target) {
  if (/^https?:\/\//.test(target)) {
    const res = await fetch(target);
    if (!res.ok) fail(`${target} answered HTTP ${res.status}`);
    return { body: new Uint8Array(await res.arrayBuffer()), signature: res.headers.get("x-tidepool-signature") };
  }
  return { body: new Uint8Array(readFileSync(target)), signature: existsSync(`${target}.sig`) ? readFileSync(`${target}.sig`, "utf8").trim() : null };
}

async function cmdVerify() {
  const target = positional[0] ?? usageError("the file to verify (a URL or a path) is required", usageOf("verify"));
  const keySource = opt("key") ?? fail("--key is required: the publisher public key you pinned (a JWK file, or a skill.json URL/path on first install)");
  let publicJwk;
  if (/^https?:\/\//.test(keySource)) publicJwk = (await (await fetch(keySource)).json()).publisher_key;
  else {
    const parsed = JSON.parse(readFileSync(keySource, "utf8"));
    publicJwk = parsed.publisher_key ?? parsed;
  }
  if (!publicJwk?.x) fail(`no public key found in ${keySource}`);
  const { d: _private, ...pub } = publicJwk;
  const { body, signature: headerSig } = await fetchBytes(target);
  const signature = headerSig ?? (/^https?:\/\//.test(target) ? await (await fetch(`${target}.sig`)).text() : null);
  if (!signature) fail(`no signature for ${target} (header X-Tidepool-Signature or ${target}.sig)`);
  const name = path.basename(new URL(target, "file:///").pathname);
  try {
    const claims = await verifyFile({ name, body, signature: signature.trim(), publicJwk: pub, minVersion: opt("min-version") });
    say(`✓ ${name} ${claims.version} verified: signed by ${pub.kid ?? "the given key"}, sha256 ${claims.sha256.slice(0, 12)}…, expires ${claims.expires_at}`);
  } catch (err) {
    fail(`${name}: ${err.message}`);
  }
}

const commands = { publish: cmdPublish, rollback: cmdRollback, verify: cmdVerify, seed: cmdSeed, bundle: cmdBundle, keygen: cmdKeygen };
if (["publish", "rollback", "seed"].includes(command)) kv = await openKv();
try {
  await commands[command]();
} finally {
  await kv?.dispose();
}
