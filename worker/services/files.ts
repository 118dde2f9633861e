import builtin from "../files/builtin.json";
import type { FileClaims } from "../../client/src/signing.js";

export interface FileEnvelope extends FileClaims {
  signature: string;
  content_type: string;
  body: string;
}

const BUILTIN = builtin.files as unknown as Record<string, FileEnvelope>;

/**
 * The published file from KV (written by `npm run files:publish`), or the built-in default signed
 * when the bundle was made: a missing KV entry never becomes an error page.
 */
export async function loadFile(kv: KVNamespace, name: string): Promise<FileEnvelope & { source: "kv" | "builtin" }> {
  let raw: string | null = null;
  try {
    raw = await kv.get(`file:${name}`, { cacheTtl: 60 });
  } catch (err) {
    // Fail open to the signed built-in: agents can still verify it, and a heartbeat must not 500.
    console.error(JSON.stringify({ level: "error", message: `KV read of file:${name} failed; serving the built-in default`, error: String(err) }));
  }
  if (raw) {
    try {
      const stored = JSON.parse(raw) as FileEnvelope;
      if (typeof stored.body === "string" && typeof stored.signature === "string" && typeof stored.sha256 === "string") {
        return { ...stored, source: "kv" };
      }
    } catch {
      // A damaged entry is treated like a missing one; the log says so.
    }
    console.warn(JSON.stringify({ level: "warn", message: `KV entry file:${name} is malformed; serving the built-in default` }));
  }
  return { ...BUILTIN[name]!, source: "builtin" };
}
