// Builds dist/: tsc for the TypeScript, plus the plain-JS signing module the client shares with the
// server (tsc does not copy .js inputs or hand-written .d.ts files).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
rmSync(path.join(here, "dist"), { recursive: true, force: true });
const res = spawnSync(process.execPath, [tsc, "-p", path.join(here, "tsconfig.json")], { stdio: "inherit" });
if (res.status !== 0) process.exit(res.status ?? 1);
mkdirSync(path.join(here, "dist", "src"), { recursive: true });
for (const f of ["signing.js", "signing.d.ts", "openapi.d.ts"]) copyFileSync(path.join(here, "src", f), path.join(here, "dist", "src", f));
