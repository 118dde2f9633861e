// How long each test project took, beside vitest's own summary: the projects run side by side, so
// each gets its wall span (first file taken up → last file done) and its files' summed time, and the
// slowest files. Written to test-results/timings.json for .ci/run's phase line (docs/development.md).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";

interface Span {
  files: number;
  tests: number;
  first: number;
  last: number;
  summed: number;
}

export default class TimingsReporter implements Reporter {
  private readonly started = new Map<string, number>();
  private readonly projects = new Map<string, Span>();
  private readonly files: { file: string; project: string; seconds: number }[] = [];
  private runStart = Date.now();

  onTestRunStart() {
    this.runStart = Date.now();
  }

  onTestModuleQueued(module: TestModule) {
    this.started.set(module.moduleId, Date.now());
  }

  onTestModuleEnd(module: TestModule) {
    const end = Date.now();
    const start = this.started.get(module.moduleId) ?? end;
    const name = module.project.name;
    const span = this.projects.get(name) ?? { files: 0, tests: 0, first: start, last: end, summed: 0 };
    span.files++;
    span.tests += [...module.children.allTests()].length;
    span.first = Math.min(span.first, start);
    span.last = Math.max(span.last, end);
    span.summed += end - start;
    this.projects.set(name, span);
    this.files.push({ file: module.relativeModuleId, project: name, seconds: (end - start) / 1000 });
  }

  onTestRunEnd() {
    const s = (ms: number) => Math.round(ms / 100) / 10;
    const projects = Object.fromEntries(
      [...this.projects].map(([name, p]) => [name, { files: p.files, tests: p.tests, wall_s: s(p.last - p.first), summed_s: s(p.summed), from_s: s(p.first - this.runStart), to_s: s(p.last - this.runStart) }]),
    );
    const slowest = [...this.files].sort((a, b) => b.seconds - a.seconds).slice(0, 10);
    const out = path.join("test-results", "timings.json");
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ wall_s: s(Date.now() - this.runStart), projects, slowest }, null, 2)}\n`);
    console.log("\n Time by project (wall span, files' summed time):");
    for (const [name, p] of Object.entries(projects)) console.log(`   ${name.padEnd(9)} ${String(p.wall_s).padStart(6)} s  ${String(p.summed_s).padStart(6)} s  ${p.files} file${p.files === 1 ? "" : "s"}, ${p.tests} test${p.tests === 1 ? "" : "s"} (from ${p.from_s} s to ${p.to_s} s)`);
    console.log(" Slowest files:");
    for (const f of slowest) console.log(`   ${f.seconds.toFixed(1).padStart(6)} s  ${f.project.padEnd(9)} ${f.file}`);
  }
}
