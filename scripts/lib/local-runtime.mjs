// Serves the Worker locally with Miniflare: one workerd process, fed the bundle `wrangler deploy
// --dry-run` builds and the bindings, vars, .dev.vars and state layout `wrangler dev` uses.
//
// Why not `wrangler dev`: in wrangler 4.86 it puts a second workerd in front of the Worker whose
// inspector relay buffers every request's DevTools messages until a DevTools window attaches (a
// 100k-post network under 50 connections grew it to 1.87 GB and killed it in four minutes;
// cloudflare/workers-sdk issue 14191, fixed in wrangler releases that need Node >= 22), and which
// kept growing with the inspector off too. README "Memory under load" has the measurements. Drop
// this file for plain `wrangler dev` once a pinned wrangler has the fix.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, watch } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

const LOG_LEVELS = ["none", "error", "warn", "info", "log", "debug"];

/** Miniflare as wrangler pins it (the top-level package is the test pool's newer one). */
function wranglerModules(root) {
  const fromWrangler = createRequire(createRequire(path.join(root, "package.json")).resolve("wrangler/package.json"));
  return { miniflare: fromWrangler("miniflare"), wrangler: fromWrangler("wrangler") };
}

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
export async function serveLocal({ root, port = 8787, host = "127.0.0.1", persistTo, vars = {}, logLevel = "log", inspectorPort }) {
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`--log-level takes one of ${LOG_LEVELS.join(", ")}`);
  const { miniflare, wrangler } = wranglerModules(root);
  const { Miniflare, Log, LogLevel } = miniflare;
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
      defaultPersistRoot: path.join(path.resolve(root, persistTo ?? path.join(".wrangler", "state")), "v3"),
      // Request.cf from a built-in default: the real one would be downloaded from Cloudflare.
      cf: false,
      host,
      port,
      ...(inspectorPort ? { inspectorPort } : {}),
      log: new Log(level),
    };
  };

  let outdir = nextBundle();
  const failure = build(root, outdir);
  if (failure) {
    rmSync(bundles, { recursive: true, force: true });
    throw new Error(`building the Worker failed:\n${failure}`);
  }
  const mf = new Miniflare(options(outdir));
  await mf.ready;

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
      await mf.setOptions(options(next));
      rmSync(outdir, { recursive: true, force: true });
      outdir = next;
      console.log("⎔ Reloaded after a change.");
    });
  };
  const watchers = ["worker", "schema"].map((dir) =>
    watch(path.join(root, dir), { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(reload, 300);
    }),
  );
  watchers.push(watch(path.join(root, "wrangler.toml"), () => (clearTimeout(timer), (timer = setTimeout(reload, 300)))));

  return {
    url: `http://${host === "127.0.0.1" ? "localhost" : host}:${port}`,
    async stop() {
      for (const w of watchers) w.close();
      clearTimeout(timer);
      await reloading.catch(() => undefined);
      await mf.dispose();
      rmSync(bundles, { recursive: true, force: true });
    },
  };
}
