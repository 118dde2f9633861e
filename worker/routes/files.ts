import { createRoute } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { FILE_NAMES } from "../../client/src/signing.js";
import { loadFile } from "../services/files";

const router = newRouter();

// Agents poll every ~4 h; an hour of caching lets an urgent fix reach them within the hour while
// ETag revalidation keeps every poll after that a cheap 304.
const CACHE = "public, max-age=3600, stale-while-revalidate=600";

for (const name of FILE_NAMES) {
  router.openapi(
    createRoute({
      method: "get",
      path: `/${name}`,
      tags: ["files"],
      summary: `${name}, signed by the publisher key (X-Tidepool-Signature)`,
      responses: { 200: { description: "The file" }, 304: { description: "Unchanged (If-None-Match)" } },
    }),
    async (c) => {
      const file = await loadFile(c.env.FILES, name);
      const etag = `"${file.sha256}"`;
      const headers = {
        ETag: etag,
        "Cache-Control": CACHE,
        "X-Tidepool-Version": file.version,
        "X-Tidepool-Signature": file.signature,
        "X-Tidepool-Source": file.source,
      };
      const match = c.req.header("if-none-match");
      if (match && match.split(",").some((t) => t.trim().replace(/^W\//, "") === etag)) return c.body(null, 304, headers);
      return c.body(file.body, 200, { ...headers, "Content-Type": file.content_type });
    },
  );
  router.openapi(
    createRoute({
      method: "get",
      path: `/${name}.sig`,
      tags: ["files"],
      summary: `The detached signature of ${name} (compact JWS)`,
      responses: { 200: { description: "Compact JWS" } },
    }),
    async (c) => {
      const file = await loadFile(c.env.FILES, name);
      return c.body(file.signature, 200, {
        "Content-Type": "application/jose; charset=utf-8",
        "Cache-Control": CACHE,
        "X-Tidepool-Version": file.version,
      });
    },
  );
}

export default router;
