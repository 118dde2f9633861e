#!/usr/bin/env node
// `npm test [-- vitest arguments]`: the type-check (the Worker's configuration and the Node one, side
// by side), then the whole suite with `vitest run`, saying how long each took; .ci/run prints those
// times with its other phases (test-results/phases.json), so a slowdown is seen when it lands.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bin = (name) => path.join(root, "node_modules", ".bin", name);

/** Runs a command with the terminal's output; resolves with its exit code. */
const run = (cmd, args) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: "inherit" });
    child.once("error", (err) => (console.error(`${path.basename(cmd)}: ${err.message}`), resolve(1)));
    child.once("exit", (code, signal) => resolve(signal ? 1 : (code ?? 1)));
  });

const seconds = (since) => Math.round((performance.now() - since) / 100) / 10;
const phases = {};
const record = () => {
  mkdirSync(path.join(root, "test-results"), { recursive: true });
  writeFileSync(path.join(root, "test-results", "phases.json"), `${JSON.stringify(phases)}\n`);
};

// A failed type-check must not leave the last run's results to be read as this one's.
for (const f of ["vitest.json", "timings.json", "phases.json"]) rmSync(path.join(root, "test-results", f), { force: true });
let started = performance.now();
const checks = await Promise.all([run(bin("tsc"), ["--noEmit"]), run(bin("tsc"), ["--noEmit", "-p", "tsconfig.node.json"])]);
phases.typecheck_s = seconds(started);
console.log(`Type-check: ${phases.typecheck_s} s${checks.some((c) => c !== 0) ? " (failed)" : ""}`);
if (checks.some((c) => c !== 0)) {
  record();
  process.exit(1);
}

started = performance.now();
const code = await run(bin("vitest"), ["run", ...process.argv.slice(2)]);
phases.vitest_s = seconds(started);
record();
console.log(`Type-check ${phases.typecheck_s} s, vitest ${phases.vitest_s} s`);
process.exit(code);
