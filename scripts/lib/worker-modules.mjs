// The Worker's own TypeScript, loaded into a Node script: bundled in memory by esbuild (the bundler
// wrangler itself uses) and imported from a data URL, so a script computes exactly what the Worker
// computes (the seed's fingerprints and near-duplicate signatures) without a copy of the code.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));

/** Imports the named exports of Worker modules (paths relative to the repository root). */
export async function importWorkerModules(...files) {
  const result = await build({
    stdin: { contents: files.map((f) => `export * from ${JSON.stringify(`./${f}`)};`).join("\n"), resolveDir: root, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "silent",
  });
  return import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString("base64")}`);
}
