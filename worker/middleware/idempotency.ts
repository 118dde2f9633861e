import type { Context } from "hono";
import type { AppEnv } from "../app";
import { AppError, badRequest } from "../errors";
import { toHex } from "../lib/encoding";

const TTL_MS = 24 * 3_600_000;
/** A pending record older than this belongs to a request that died; a retry may take it over. */
const STALE_PENDING_MS = 60_000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** Shown-once values are never stored, so a replay carries a marker instead (same type: a string). */
const SECRET_FIELDS = new Set(["api_key", "access_token", "owner_token", "claim_url", "verification_code", "csrf_token", "tweet_template"]);
export const REDACTED = "[shown once: not replayable]";

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.has(k) && typeof v === "string" ? REDACTED : redact(v)]));
  }
  return value;
}

async function storableBody(res: Response): Promise<string> {
  const text = await res.clone().text();
  try {
    return JSON.stringify(redact(JSON.parse(text)));
  } catch {
    return text;
  }
}

/**
 * Runs a POST at most once per (principal, Idempotency-Key, method, path) for 24 h. The same body
 * again replays the stored status and body (`Idempotent-Replayed: true`) without running `run` —
 * so without creating anything or paying any rate limit; another body is 422; a request still in
 * flight is 409. 429 and 5xx outcomes are not kept, so the client can retry them. Secrets in the
 * first response (keys, tokens, claim links) are redacted before storing: they stay shown-once.
 * @example
 * return idempotent(c, `agent:${agent.id}`, async () => { await gate(); await next(); });
 */
export async function idempotent(c: Context<AppEnv>, principal: string, run: () => Promise<void>): Promise<Response | void> {
  const key = c.req.header("idempotency-key");
  if (c.req.method !== "POST" || key === undefined) return run();
  if (!KEY_PATTERN.test(key)) {
    throw badRequest("Invalid Idempotency-Key", "Use 1-255 visible ASCII characters, e.g. a UUID, and reuse it only to retry the same request.");
  }
  const { store, clock } = c.get("deps");
  const now = clock.now();
  const bodyHash = toHex(await crypto.subtle.digest("SHA-256", await c.req.arrayBuffer()));
  const scope = { principal, key, method: c.req.method, path: c.req.path };
  // Expired records, and pending ones whose request died, no longer block the key.
  await store.idempotency.sweep(scope, now - TTL_MS, now - STALE_PENDING_MS);
  if (!(await store.idempotency.claim(scope, bodyHash, now))) {
    const prior = (await store.idempotency.record(scope))!;
    if (prior.bodyHash !== bodyHash) {
      throw new AppError("BAD_REQUEST", "Idempotency key reused with a different body", "Use a new Idempotency-Key for a different request.", { code: "IDEMPOTENCY_MISMATCH" }, 422);
    }
    if (prior.state === "pending") {
      throw new AppError("CONFLICT", "A request with this Idempotency-Key is still in progress", "Wait for the first request to finish, then retry.", { code: "IDEMPOTENCY_IN_PROGRESS" });
    }
    return new Response(prior.response, {
      status: prior.status!,
      headers: { "content-type": prior.contentType ?? "application/json", "Idempotent-Replayed": "true" },
    });
  }

  try {
    await run();
  } catch (err) {
    await store.idempotency.forget(scope);
    throw err;
  }
  const res = c.res;
  if (res.status >= 500 || res.status === 429) {
    await store.idempotency.forget(scope);
    return;
  }
  await store.idempotency.finish(scope, { status: res.status, contentType: res.headers.get("content-type"), response: await storableBody(res) });
}
