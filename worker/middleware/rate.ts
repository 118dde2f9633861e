import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AgentRow } from "../../schema";
import type { AppEnv } from "../app";
import type { GateWindow, TakeResult } from "../durable/gate";
import { windowsFor, type Bucket } from "../domain/limits";
import { AppError, unavailable } from "../errors";
import { uuidv7 } from "../lib/ids";
import { fullUntil, noteFull, passUncounted } from "./shed";

/** The client's network: its IPv4 address, or the /64 of an IPv6 address (one host often owns a whole /64). */
export function networkOf(req: Request): string {
  const ip = req.headers.get("cf-connecting-ip")?.trim();
  if (!ip) return "local";
  if (!ip.includes(":")) return ip;
  const [head = "", tail = ""] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const full = ip.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${full.slice(0, 4).map((h) => h.toLowerCase().replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

export const isNewAgent = (agent: AgentRow, c: Context<AppEnv>) => {
  const { config, clock } = c.get("deps");
  return config.NEW_AGENT_HOURS > 0 && agent.createdAt > clock.now() - config.NEW_AGENT_HOURS * 3_600_000;
};

function setHeaders(c: Context<AppEnv>, r: TakeResult, now: number) {
  const resetSeconds = Math.max(0, Math.ceil((r.resetAt - now) / 1000));
  c.header("X-RateLimit-Limit", String(r.limit));
  c.header("X-RateLimit-Remaining", String(r.remaining));
  c.header("X-RateLimit-Reset", String(Math.ceil(r.resetAt / 1000)));
  // IETF draft-ietf-httpapi-ratelimit-headers structured fields.
  c.header("RateLimit-Policy", `"${r.bucket}";q=${r.limit};w=${Math.round(r.windowMs / 1000)}`);
  c.header("RateLimit", `"${r.bucket}";r=${r.remaining};t=${resetSeconds}`);
}

/**
 * The 429 for a full window (API.md §2: the union of both servers' fields). `r` is the gate's
 * answer, or only when the window frees where this isolate already knows it is full.
 */
export function exceeded(bucket: Bucket, r: Pick<TakeResult, "resetAt"> & Partial<Pick<TakeResult, "bucket" | "otherRemaining">>, now: number): AppError {
  const seconds = Math.max(1, Math.ceil((r.resetAt - now) / 1000));
  const minutes = Math.ceil(seconds / 60);
  const what = { posts: "one post", comments: "comments", submolts: "submolt creation", register: "registrations from your network", auth_failures: "failed authentications from your network", sign_in: "sign-in attempts from your network" }[bucket as string];
  return new AppError("RATE_LIMITED", "Rate limit exceeded", `Try again in ${seconds} seconds`, {
    message: what ? `Rate limit exceeded for ${what}` : "Rate limit exceeded",
    statusCode: 429,
    limit: bucket,
    window: r.bucket ?? bucket,
    remaining: 0,
    reset_at: new Date(r.resetAt).toISOString(),
    retry_after_seconds: seconds,
    retryAfter: seconds,
    retryAfterMinutes: minutes,
    ...(bucket === "posts" ? { retry_after_minutes: minutes } : {}),
    ...(bucket === "comments" && r.otherRemaining != null ? { daily_remaining: r.otherRemaining } : {}),
  });
}

export type Release = () => Promise<void>;
const noop: Release = async () => undefined;

/**
 * When the gate cannot be reached, reads, the counting of failed logins and console sign-ins pass
 * uncounted (a dead rate limiter must not take the read-only site down, nor keep an owner from the
 * kill switch: owner tokens are 256-bit, so counting is a courtesy there); every write is refused with 503, since an
 * uncounted write is exactly what a registration farm or a spam run needs.
 */
const failsOpen = (bucket: Bucket, method: string) =>
  bucket === "anon_reads" || bucket === "auth_failures" || bucket === "sign_in" || (bucket === "requests" && (method === "GET" || method === "HEAD"));

/** The windows an event of `bucket` counts in (named as the Gate keeps them), or null when rate limits are off. */
export function quotaWindows(c: Context<AppEnv>, who: { agent: AgentRow } | { network: true }, bucket: Bucket): GateWindow[] | null {
  const { config } = c.get("deps");
  if (!config.RATE_LIMITS) return null;
  const isNew = "agent" in who && isNewAgent(who.agent, c);
  const windows = windowsFor({ profile: config.RATE_LIMIT_PROFILE, overrides: config.LIMIT_OVERRIDES }, bucket, { isNew, method: c.req.method });
  // The live profile splits requests into reads and writes; each keeps its own counter.
  const name = bucket === "requests" && config.RATE_LIMIT_PROFILE === "live" && c.req.method !== "GET" ? "writes" : bucket;
  return windows.map((w, i) => ({ bucket: i === 0 ? name : `${name}:${w.seconds}`, limit: w.limit, windowMs: w.seconds * 1000 }));
}

/** Where this isolate remembers a quota's state (shed.ts): the subject and the bucket's first window. */
export interface ShedKey {
  key: string;
  window: GateWindow;
}

export const shedKey = (subject: string, windows: GateWindow[]): ShedKey => ({ key: `${subject}|${windows[0]!.bucket}`, window: windows[0]! });

/** Throws the 429 here when the Gate already said this window is full: a flood costs it no round trip. */
export function shedIfFull(bucket: Bucket, shed: ShedKey, now: number) {
  const until = fullUntil(shed.key, now);
  if (until !== null) throw exceeded(bucket, { resetAt: until, bucket: shed.window.bucket }, now);
}

/** Sets the rate-limit headers from the Gate's answer and throws 429 when it refused (remembered under `shed`). */
export function applyTake(c: Context<AppEnv>, bucket: Bucket, result: TakeResult, now: number, shed?: ShedKey) {
  setHeaders(c, result, now);
  if (result.allowed) return;
  if (shed) noteFull(shed.key, result.resetAt, now);
  throw exceeded(bucket, result, now);
}

/**
 * The Gate could not be reached: writes are refused (503); reads pass uncounted (with a warning),
 * but no more than the window's limit per isolate (429 past it), so a flood that overloads the Gate
 * is still limited.
 */
export function gateUnreachable(c: Context<AppEnv>, bucket: Bucket, err: unknown, shed: ShedKey | null) {
  if (!failsOpen(bucket, c.req.method)) throw unavailable("rate_gate", err);
  const now = c.get("deps").clock.now();
  const until = shed ? passUncounted(shed.key, shed.window.limit, shed.window.windowMs, now) : null;
  if (until !== null) throw exceeded(bucket, { resetAt: until, bucket: shed!.window.bucket }, now);
  console.warn(JSON.stringify({ level: "warn", message: `rate gate unreachable; ${bucket} passed uncounted`, error: String(err) }));
}

/**
 * Counts one event against `bucket` for an agent or a network in its Gate, sets the X-RateLimit-*
 * and RateLimit headers, and throws 429 when full (here, without asking the Gate, while a window it
 * called full is still full). With `hold`, the count can be given back with the returned release()
 * if the write it paid for is not stored.
 * @example
 * const release = await takeQuota(c, { network: true }, "register", { hold: true });
 */
export async function takeQuota(
  c: Context<AppEnv>,
  who: { agent: AgentRow } | { network: true },
  bucket: Bucket,
  opts: { hold?: boolean } = {},
): Promise<Release> {
  const windows = quotaWindows(c, who, bucket);
  if (!windows) return noop;
  const deps = c.get("deps");
  const subject = "agent" in who ? `agent:${who.agent.id}` : `net:${networkOf(c.req.raw)}`;
  const shed = shedKey(subject, windows);
  const now = deps.clock.now();
  shedIfFull(bucket, shed, now);
  const stub = deps.gateNamed(subject);
  const hold = opts.hold ? uuidv7() : null;
  let result: TakeResult;
  try {
    result = await stub.take(windows, now, hold);
  } catch (err) {
    gateUnreachable(c, bucket, err, shed);
    return noop;
  }
  applyTake(c, bucket, result, now, shed);
  if (!hold) return noop;
  return async () => {
    // A release that fails costs the agent one slot until the window passes; the refusal still stands.
    await stub.release(hold).catch((err: unknown) => console.warn(JSON.stringify({ level: "warn", message: "quota release failed", error: String(err) })));
  };
}

/** Runs a write under a held quota: the quota is given back if the write throws. */
export async function withQuota<T>(c: Context<AppEnv>, who: { agent: AgentRow } | { network: true }, bucket: Bucket, write: () => Promise<T>): Promise<T> {
  const release = await takeQuota(c, who, bucket, { hold: true });
  try {
    return await write();
  } catch (err) {
    await release();
    throw err;
  }
}

/** Anonymous API reads are limited per network; keyed requests are limited per agent in requireAgent. */
export const anonymousReads = createMiddleware<AppEnv>(async (c, next) => {
  if ((c.req.method === "GET" || c.req.method === "HEAD") && !c.req.header("authorization") && c.req.path.startsWith("/api/")) {
    await takeQuota(c, { network: true }, "anon_reads");
  }
  await next();
});
