// Serves the Worker locally with Miniflare: one workerd process, fed the bundle `wrangler deploy
// --dry-run` builds and the bindings, vars, .dev.vars and state layout `wrangler dev` uses.
//
// Why not `wrangler dev`: in wrangler 4.86 it puts a second workerd in front of the Worker whose
// inspector relay buffers every request's DevTools messages until a DevTools window attaches (a
// 100k-post network under 50 connections grew it to 1.87 GB and killed it in four minutes;
// cloudflare/workers-sdk issue 14191, fixed in wrangler releases that need Node >= 22), and which
// kept growing with the inspector off too. docs/development.md ("Its memory under load") has the measurements. Drop
// this file for plain `wrangler dev` once a pinned wrangler has the fix.
//
// workerd itself still grows under sustained load (to ~700-800 MB on that network, slower and
// slower), so the public port is a front door in this process (front-door.mjs) and workerd is
// restarted behind it, with no request dropped, if it passes `restartAboveMb`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openFrontDoor } from "./front-door.mjs";
import { treeMemory } from "./process-memory.mjs";
import { wranglerModules } from "./wrangler-modules.mjs";

const LOG_LEVELS = ["none", "error", "warn", "info", "log", "debug"];
const MEMORY_CHECK_MS = 5_000;
const CRON_MS = 60_000;
// After a memory restart, wait before another: a bound below workerd's footprint at rest would
// otherwise restart it every check.
const MIN_RESTART_GAP_MS = 60_000;

/** Resident MB of the workerd processes this process started. */
const runtimeMb = () => treeMemory(process.pid).filter((p) => p.name.startsWith("workerd")).reduce((sum, p) => sum + p.rssMb, 0);

/** The bundle an operator would deploy, built offline into `outdir`; the build's output when it fails. */
function build(root, outdir) {
  const res = spawnSync(path.join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", outdir], {
    cwd: root,
    encoding: "utf8",
    env: { WRANGLER_SEND_METRICS: "false", ...process.env },
  });
  return res.status === 0 ? null : `${res.stdout}\n${res.stderr}`.trim();
}

/**
 * Builds and serves the Worker; rebuilds and reloads when worker/, schema/ or wrangler.toml change.
 * Resolves once the server answers, with a stop() that frees the port and the bundle directory.
 * @example
 * const server = await serveLocal({ root, port: 8787, vars: { RATE_LIMITS: "off" } });
 */
export async function serveLocal({ root, port = 8787, host = "127.0.0.1", persistTo, vars = {}, hyperdrive, logLevel = "log", inspectorPort, restartAboveMb = 1024 }) {
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`--log-level takes one of ${LOG_LEVELS.join(", ")}`);
  if (!(restartAboveMb > 0)) throw new Error("--restart-above-mb takes a positive number of megabytes");
  const { miniflare, wrangler } = wranglerModules();
  const { Miniflare, Log, LogLevel } = miniflare;
  // Miniflare's "Ready on" names workerd's private port; the launcher announces the front door.
  class RuntimeLog extends Log {
    logReady() {}
  }
  const level = { none: LogLevel.NONE, error: LogLevel.ERROR, warn: LogLevel.WARN, info: LogLevel.INFO, log: LogLevel.INFO, debug: LogLevel.DEBUG }[logLevel];
  const bundles = mkdtempSync(path.join(tmpdir(), "tidepool-dev-"));
  // However the process ends (a signal mid-start, a kill after a timeout), the bundles go with it.
  process.once("exit", () => rmSync(bundles, { recursive: true, force: true }));
  let generation = 0;
  const nextBundle = () => path.join(bundles, String(generation++));

  const options = (outdir) => {
    // Read again on each build: wrangler.toml and .dev.vars may have changed too.
    const { workerOptions } = wrangler.unstable_getMiniflareWorkerOptions(path.join(root, "wrangler.toml"));
    return {
      ...workerOptions,
      name: "tidepool",
      modules: true,
      scriptPath: path.join(outdir, "index.js"),
      modulesRoot: outdir,
      bindings: { ...workerOptions.bindings, ...vars },
      // STORAGE=postgres: the HYPERDRIVE binding straight to a local PostgreSQL (no Hyperdrive offline).
      ...(hyperdrive ? { hyperdrives: { HYPERDRIVE: hyperdrive } } : {}),
      defaultPersistRoot: path.join(path.resolve(root, persistTo ?? path.join(".wrangler", "state")), "v3"),
      // Request.cf from a built-in default: the real one would be downloaded from Cloudflare.
      cf: false,
      // Only the front door listens where clients connect; workerd takes any free loopback port.
      host: "127.0.0.1",
      port: 0,
      ...(inspectorPort ? { inspectorPort } : {}),
      // The cron below calls /cdn-cgi/handler/scheduled on workerd's private port; the front door
      // refuses /cdn-cgi/ from clients.
      unsafeTriggerHandlers: true,
      log: new RuntimeLog(level),
    };
  };

  let outdir = nextBundle();
  const failure = build(root, outdir);
  if (failure) {
    rmSync(bundles, { recursive: true, force: true });
    throw new Error(`building the Worker failed:\n${failure}`);
  }
  const mf = new Miniflare(options(outdir));
  let runtime = await mf.ready;
  let door;
  try {
    door = await openFrontDoor({ host, port, target: () => runtime });
  } catch (err) {
    await mf.dispose();
    throw new Error(`cannot listen on ${host}:${port}: ${err.code ?? err.message}`);
  }

  // setOptions starts a new workerd on the same state; the door holds requests meanwhile.
  let restarting = Promise.resolve();
  const restart = (dir) =>
    (restarting = restarting.then(() =>
      door.hold(async () => {
        await mf.setOptions(options(dir ?? outdir));
        runtime = await mf.ready;
      }),
    ));

  // Reload on change: rebuild into a fresh folder, switch over only if the build succeeds.
  let timer;
  let reloading = Promise.resolve();
  const reload = () => {
    reloading = reloading.then(async () => {
      const next = nextBundle();
      const failed = build(root, next);
      if (failed) {
        console.error(`✘ Rebuild failed; still serving the previous build.\n${failed}`);
        return;
      }
      await restart(next);
      rmSync(outdir, { recursive: true, force: true });
      outdir = next;
      console.log("⎔ Reloaded after a change.");
    });
  };

  let lastMemoryRestart = 0;
  const memoryCheck = setInterval(() => {
    const mb = runtimeMb();
    if (mb <= restartAboveMb || Date.now() - lastMemoryRestart < MIN_RESTART_GAP_MS) return;
    lastMemoryRestart = Date.now();
    const started = Date.now();
    restart().then(
      () => console.log(`⎔ workerd used ${Math.round(mb)} MB (bound ${restartAboveMb} MB): restarted it in ${((Date.now() - started) / 1000).toFixed(1)} s, requests held meanwhile.`),
      (err) => console.error(`✘ Restarting workerd failed: ${err.message}`),
    );
  }, MEMORY_CHECK_MS);
  memoryCheck.unref();
  // wrangler.toml's cron ("* * * * *"), as Cloudflare would run it: search outbox retries, old read
  // notifications, the near-duplicate index's window and the backfill a migration may have queued.
  const cron = setInterval(() => {
    const url = new URL("/cdn-cgi/handler/scheduled?cron=*+*+*+*+*", runtime);
    fetch(url)
      .then((res) => (res.ok ? res.arrayBuffer() : Promise.reject(new Error(`status ${res.status}`))))
      .catch((err) => console.error(`✘ The cron run failed: ${err.message}`));
  }, CRON_MS);
  cron.unref();
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(reload, 300);
  };
  const watchers = [...["worker", "schema"].map((dir) => watch(path.join(root, dir), { recursive: true }, soon)), watch(path.join(root, "wrangler.toml"), soon)];

  return {
    url: `http://${host === "127.0.0.1" ? "localhost" : host}:${port}`,
    async stop() {
      for (const w of watchers) w.close();
      clearTimeout(timer);
      clearInterval(memoryCheck);
      clearInterval(cron);
      await reloading.catch(() => undefined);
      await restarting.catch(() => undefined);
      await door.close();
      await mf.dispose();
      rmSync(bundles, { recursive: true, force: true });
    },
  };
}
