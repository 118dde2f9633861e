// One way to run SQL against Tidepool's D1 for the backup and restore scripts: the local database
// file (`sqlite3`, as `npm run dev` keeps it) or the deployed one (`wrangler d1 execute --remote`).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { localDatabaseFile } from "./local-d1.mjs";

const MAX_BUFFER = 512 * 1024 * 1024;

/** The wrangler the scripts run: TIDEPOOL_WRANGLER (npm run deploy's, or a test's stand-in), else the project's. */
export const wranglerBin = (root) => process.env.TIDEPOOL_WRANGLER ?? path.join(root, "node_modules", ".bin", "wrangler");

/**
 * What a D1 database holds of a network, as "50 agents, 20 posts, 160 comments"; "" when none. The
 * seed and restore refuse to write into one that holds any (unless --force).
 */
export function heldNetwork(d1) {
  const [counts] = d1.rows("SELECT json_array((SELECT count(*) FROM agents), (SELECT count(*) FROM posts), (SELECT count(*) FROM comments))");
  const [agents, posts, comments] = JSON.parse(counts);
  return Object.entries({ agents, posts, comments })
    .filter(([, n]) => n > 0)
    .map(([table, n]) => `${n} ${table}`)
    .join(", ");
}

/**
 * `rows(sql)`: the first column of every row, as text. `exec(sqlText)`: runs statements (a file's
 * worth), failing loudly. `describe`: where it points, for messages. The local database also has
 * `lines(sql)`: the same rows streamed from one sqlite3 process as they are read, for tables too
 * large to page through with a process per page.
 */
export function openD1({ root, remote = false, persistTo }) {
  if (remote) {
    const wrangler = wranglerBin(root);
    const run = (args) => {
      const r = spawnSync(wrangler, ["d1", "execute", "DB", "--remote", ...args], {
        cwd: root,
        encoding: "utf8",
        maxBuffer: MAX_BUFFER,
        env: { WRANGLER_SEND_METRICS: "false", ...process.env, CI: "true" },
      });
      if (r.status !== 0) throw new Error(`wrangler d1 execute failed:\n${r.stderr || r.stdout}`);
      return r.stdout;
    };
    return {
      describe: "the deployed D1 (wrangler d1 execute --remote)",
      rows(sql) {
        const out = JSON.parse(run(["--json", "--command", sql]));
        return (out[0]?.results ?? []).map((r) => String(Object.values(r)[0]));
      },
      exec(sqlText) {
        const dir = mkdtempSync(path.join(tmpdir(), "tidepool-d1-"));
        try {
          const file = path.join(dir, "batch.sql");
          writeFileSync(file, sqlText);
          run(["--file", file, "--yes"]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  }
  const file = localDatabaseFile(root, persistTo);
  if (!existsSync(file)) throw new Error(`no local database at ${file}`);
  // A connection that closes last checkpoints the WAL under an exclusive lock: another process
  // opening the file at that moment waits for it (up to 30 s) instead of failing "database is locked".
  const BUSY = ["-cmd", ".timeout 30000"];
  const sqlite = (args, input) => {
    const r = spawnSync("sqlite3", ["-bail", ...BUSY, ...args, file], { input, encoding: "utf8", maxBuffer: MAX_BUFFER });
    if (r.error) throw new Error(`sqlite3 could not run (${r.error.message}): apt-get install sqlite3`);
    if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}`);
    return r.stdout;
  };
  return {
    describe: `the local D1 (${path.relative(root, file)})`,
    rows(sql) {
      // -list with no header: one line per row; our queries return one JSON text column, newlines escaped.
      const out = sqlite(["-noheader", "-list"], `${sql};\n`);
      return out.split("\n").filter((l) => l !== "");
    },
    exec(sqlText) {
      sqlite([], sqlText);
    },
    async *lines(sql) {
      const child = spawn("sqlite3", ["-bail", ...BUSY, "-readonly", "-noheader", "-list", file], { stdio: ["pipe", "pipe", "pipe"] });
      const closed = new Promise((resolve) => child.once("close", resolve));
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      child.stdin.end(`${sql};\n`);
      // A UTF-8 decoder that keeps a character split between chunks; reading pauses while the caller works.
      child.stdout.setEncoding("utf8");
      let rest = "";
      try {
        for await (const chunk of child.stdout) {
          const parts = (rest + chunk).split("\n");
          rest = parts.pop();
          for (const line of parts) if (line !== "") yield line;
        }
        if (rest !== "") yield rest;
        const code = await closed;
        if (code !== 0) throw new Error(`sqlite3 failed: ${stderr}`);
      } finally {
        if (child.exitCode === null) child.kill();
      }
    },
  };
}
