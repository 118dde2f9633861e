// Starts and stops local Tidepool servers for benchmarks, code generation and toolkit tests:
// `npm run dev` (migrations, signed files, then the Worker behind its front door) on its own port and
// state directory.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));

/**
 * `vars` are wrangler `--var NAME:value` strings, `args` further `npm run dev` options, `env` more
 * environment (DATABASE_URL for `--storage postgres`). Resolves
 * once /health answers; `output()` is the server's recent log, `drains()` and `crons()` every drain
 * pass and cron run it logged. The request log is off unless `vars`
 * turn it on: a line per request would push the server's own messages out of that log, and cost
 * the load runs something earlier runs did not pay.
 */
export async function startServer({ port, persistTo, vars = [], args: extra = [], env = {}, timeoutMs = 180_000 }) {
  const all = vars.some((v) => v.startsWith("REQUEST_LOG:")) ? vars : ["REQUEST_LOG:off", ...vars];
  // No inspector (scripts/dev.mjs): it would buffer every request's DevTools messages for the whole run.
  const args = ["scripts/dev.mjs", "--port", String(port), "--persist-to", persistTo, "--log-level", "error", ...all.flatMap((v) => ["--var", v]), ...extra];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "true", ...env } });
  // The server's log is kept and shown only if it fails to start: wrangler's file watcher prints
  // a stack dump when it is stopped mid-build, which would bury the benchmark's own output.
  let log = "";
  // Drain passes (a benchmark server logs one line per pass) and cron runs are kept whole, however
  // long the run: the drains' lines would push the cron's out of the recent log.
  const drains = [];
  const crons = [];
  const keep = () => {
    let partial = "";
    return (d) => {
      log = (log + d).slice(-20_000);
      const lines = (partial + d).split("\n");
      partial = lines.pop() ?? "";
      for (const l of lines) {
        const kept = l.includes('"message":"drain"') ? drains : l.includes('"message":"cron"') ? crons : null;
        if (!kept) continue;
        try {
          kept.push(JSON.parse(l.slice(l.indexOf("{"))));
        } catch {
          // Not one of ours.
        }
      }
    };
  };
  child.stdout.on("data", keep());
  child.stderr.on("data", keep());
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${base}/health`)).ok) return { base, pid: child.pid, output: () => log, drains: () => drains, crons: () => crons, stop: () => stopServer(child, exited) };
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  await stopServer(child, exited);
  throw new Error(`server on port ${port} did not start:\n${log}`);
}

async function stopServer(child, exited) {
  if (child.exitCode === null) child.kill("SIGINT");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}
