#!/usr/bin/env node
// Checks the relative links of README.md and docs/*.md: each must name a file or directory that
// exists, and a `#fragment` must name a heading of the file it points into (GitHub's anchors).
// Links to other sites are not followed (no network here). Exits 1 listing the broken ones.
//
//   node scripts/check-links.mjs [ROOT]
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** GitHub's anchor for each heading of a Markdown text, duplicates numbered as it numbers them. */
export function anchors(markdown) {
  const seen = new Map();
  const out = new Set();
  for (const line of withoutFences(markdown).split("\n")) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1].toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

/** Fenced code blocks blanked, their lines kept, so line numbers still point into the file. */
const withoutFences = (markdown) => markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ""));
/** The text with code blocks and inline code blanked, so links shown as code are not links. */
const withoutCode = (markdown) => withoutFences(markdown).replace(/`[^`\n]*`/g, "``");

/** The broken links of one Markdown file: `{ file, line, target, reason }`. */
export function brokenLinks(file) {
  const text = readFileSync(file, "utf8");
  const broken = [];
  withoutCode(text)
    .split("\n")
    .forEach((line, i) => {
      for (const m of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
        const target = m[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
        const [rel, fragment] = target.split("#");
        const dest = rel ? path.resolve(path.dirname(file), decodeURIComponent(rel)) : file;
        const report = (reason) => broken.push({ file, line: i + 1, target, reason });
        if (!existsSync(dest)) report("no such file");
        else if (fragment !== undefined && statSync(dest).isFile() && dest.endsWith(".md") && !anchors(readFileSync(dest, "utf8")).has(fragment)) report(`no heading #${fragment}`);
      }
    });
  return broken;
}

/** README.md and every Markdown file under docs/ of the repository at `root`. */
export function documents(root) {
  const docs = path.join(root, "docs");
  const inDocs = existsSync(docs) ? readdirSync(docs, { recursive: true }).filter((f) => String(f).endsWith(".md")).map((f) => path.join(docs, String(f))) : [];
  return [path.join(root, "README.md"), ...inDocs.sort()];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.dirname(path.dirname(fileURLToPath(import.meta.url))));
  const files = documents(root);
  const broken = files.flatMap(brokenLinks);
  for (const b of broken) console.error(`✗ ${path.relative(root, b.file)}:${b.line} ${b.target}: ${b.reason}`);
  console.log(broken.length ? `${broken.length} broken link(s) in ${files.length} files` : `✓ every relative link in ${files.length} files resolves`);
  process.exit(broken.length ? 1 : 0);
}
