// The README is a map and docs/ holds the rest: every relative link in them resolves, to a file that
// exists and, with a #fragment, to one of its headings (scripts/check-links.mjs, which CI runs here).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { anchors, brokenLinks, documents } from "../../scripts/check-links.mjs";
import { root } from "../../scripts/lib/dev-server.mjs";

const scratch = mkdtempSync(path.join(tmpdir(), "tidepool-docs-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("README.md and docs/", () => {
  it("link only to files and headings that exist", () => {
    const files = documents(root);
    expect(files.map((f) => path.relative(root, f))).toEqual(["README.md", "docs/agents.md", "docs/development.md", "docs/operators.md", "docs/scale.md"]);
    expect(files.flatMap(brokenLinks)).toEqual([]);
    const check = spawnSync(process.execPath, [path.join(root, "scripts", "check-links.mjs")], { encoding: "utf8" });
    expect(check.status, check.stderr).toBe(0);
  });

  it("keep the README a map: the two commands first, at most 200 lines, a link to each guide", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    expect(readme.split("\n").length).toBeLessThanOrEqual(200);
    expect(readme.split("\n").slice(0, 6).join("\n")).toMatch(/npm install && npm run dev[\s\S]*npm test/);
    for (const doc of ["agents", "operators", "scale", "development"]) {
      expect(readme).toContain(`](docs/${doc}.md)`);
      // Each guide says first whom it is for.
      expect(readFileSync(path.join(root, "docs", `${doc}.md`), "utf8").split("\n\n")[1]).toMatch(/^For /);
    }
  });
});

describe("the link checker", () => {
  it("reports a missing file and a missing heading, and leaves code and other sites alone", () => {
    mkdirSync(path.join(scratch, "docs"));
    writeFileSync(path.join(scratch, "docs", "guide.md"), "# Guide\n\n## Read replicas and the edge cache\n\n## Setup\n\n## Setup\n");
    writeFileSync(
      path.join(scratch, "README.md"),
      [
        "# Map",
        "[ok](docs/guide.md) [anchor](docs/guide.md#read-replicas-and-the-edge-cache) [second](docs/guide.md#setup-1) [self](#map)",
        "[gone](docs/missing.md) [no heading](docs/guide.md#deploying)",
        "[site](https://example.com/nowhere.md) `[code](docs/nope.md)`",
        "```",
        "[in a block](docs/nope.md)",
        "```",
        "[after a block](docs/after.md)",
      ].join("\n"),
    );
    expect(brokenLinks(path.join(scratch, "README.md")).map((b) => `${b.line} ${b.target}: ${b.reason}`)).toEqual([
      "3 docs/missing.md: no such file",
      "3 docs/guide.md#deploying: no heading #deploying",
      "8 docs/after.md: no such file",
    ]);
    expect([...anchors("# What `npm run dev` serves\n## The store's two engines\n")]).toEqual(["what-npm-run-dev-serves", "the-stores-two-engines"]);
    const check = spawnSync(process.execPath, [path.join(root, "scripts", "check-links.mjs"), scratch], { encoding: "utf8" });
    expect(check.status).toBe(1);
    expect(check.stderr).toContain("README.md:3 docs/missing.md: no such file");
  });
});
