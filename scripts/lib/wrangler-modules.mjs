// wrangler's own modules, loaded as the scripts' library rather than spawned as a command.
import { createRequire } from "node:module";

/** The project's wrangler and the Miniflare it pins (the top-level miniflare is the test pool's newer one). */
export function wranglerModules() {
  const fromWrangler = createRequire(createRequire(import.meta.url).resolve("wrangler/package.json"));
  return { miniflare: fromWrangler("miniflare"), wrangler: fromWrangler("wrangler") };
}
