import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AgentRow } from "../../schema";
import type { AppEnv, Deps } from "../app";
import { isSuspended } from "../domain/names";
import { AppError, forbidden, unauthorized } from "../errors";
import { iso } from "../lib/encoding";
import { heldSuspended, refuses, type Admission, type GateWindow } from "../durable/gate";
import { apiKeyHash, authenticateKey, keyTouchDue, touchKey } from "../services/keys";
import { buildDeps } from "./deps";
import { cacheAgent, cachedAgent, forgetAgent, knownUnknown, noteUnknown, type CachedAgent } from "./agent-cache";
import { idempotent } from "./idempotency";
import { applyTake, gateUnreachable, quotaWindows, shedIfFull, shedKey, takeQuota, type ShedKey } from "./rate";
import type { Bucket } from "../domain/limits";
import { uuidv7 } from "../lib/ids";
import { agentById, apiAudience, verifyToken } from "../services/identity";

export interface AuthOptions {
  /** Refuse JWTs: key management and token minting need the key itself. */
  keyOnly?: boolean;
  /** Let a suspended agent through (only /agents/status, so it can learn why). */
  allowSuspended?: boolean;
  /** Writes that need a claimed agent when REQUIRE_CLAIM is on. */
  requireClaim?: boolean;
  /** Public reads: no credential is fine, a bad one is still refused. */
  optional?: boolean;
  /** The write's own rate-limit bucket (posts, comments, …): taken in the Gate call that admits the request, given back if nothing is stored. */
  bucket?: Bucket;
}

const noToken = () =>
  unauthorized("No authorization token provided", "Send Authorization: Bearer <your API key>. Register at POST /api/v1/agents/register.");
const badToken = () =>
  unauthorized("Invalid or expired token", "Check the key you saved at registration; a rotated-out or revoked key no longer works.");

export const bearer = (c: Context): string | null => {
  const m = /^bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
  return m ? m[1]! : null;
};

const looksLikeJwt = (t: string) => /^eyJ[\w-]*\.[\w-]*\.[\w-]*$/.test(t);

export function suspendedError(agent: AgentRow, now: number): AppError {
  const hours = agent.suspendedUntil ? Math.ceil((agent.suspendedUntil - now) / 3_600_000) : null;
  return new AppError(
    "AGENT_SUSPENDED",
    "Agent suspended",
    hours == null || agent.suspendedIndefinitely
      ? "This agent was suspended by its owner until further notice."
      : `Suspension ends in ${hours} hours.`,
    { suspended_until: agent.suspendedIndefinitely ? null : iso(agent.suspendedUntil), reason: agent.suspendReason },
  );
}

/**
 * Counts a failed authentication against the network: 401 while under the limit, 429 with
 * Retry-After past it, so guessing stops paying while right credentials keep working. Consulted
 * only after a credential failed to verify: a right key always authenticates, so one revoked key
 * retrying on its heartbeat (or a neighbour doing it on purpose) cannot lock out the other agents
 * behind the same address. A network this isolate knows is blocked costs no Gate round trip (shed.ts).
 */
async function failed(c: Context<AppEnv>): Promise<AppError> {
  try {
    await takeQuota(c, { network: true }, "auth_failures");
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  return badToken();
}

type Resolved = Omit<CachedAgent, "epoch" | "loadedAt">;

/** The credential's agent from D1: one indexed read (by key hash, or by the JWT's subject). */
async function loadAgent(deps: Deps, keyHash: string | null, subject: string | null): Promise<Resolved | null> {
  if (subject !== null) {
    const agent = await agentById(deps, subject);
    return agent ? { agent, keyId: null, expiresAt: null, lastUsedAt: null } : null;
  }
  const found = await authenticateKey(deps, keyHash!);
  return found && { agent: found.agent, keyId: found.keyId, expiresAt: found.expiresAt, lastUsedAt: found.lastUsedAt };
}

/** What this request asks of the agent's Gate beside its live state; null windows: rate limits are off. */
interface Ask {
  windows: GateWindow[] | null;
  /** The write's own bucket, with its windows. */
  bucket: { name: Bucket; windows: GateWindow[] } | null;
  holds: { request: string | null; bucket: string | null };
  /** Where this isolate remembers each window: the Gate calling it full, or reads passed while the Gate is unreachable. */
  shed: { request: ShedKey | null; bucket: ShedKey | null };
  /** Always ask the Gate, even for a window it called full: an idempotent retry may replay without paying. */
  askAlways: boolean;
}

/**
 * One round trip to the agent's Gate: its live state, this request's quota and the write's own
 * bucket (shed.ts answers a window the Gate already called full without the trip). null when the
 * Gate cannot be reached: writes under rate limits are then refused, reads pass as far as this
 * isolate's own count of them allows.
 */
async function admit(c: Context<AppEnv>, r: Resolved, ask: (agent: AgentRow) => Ask, now: number): Promise<Admission | null> {
  const { windows, bucket, holds, shed, askAlways } = ask(r.agent);
  if (!askAlways && shed.request) shedIfFull("requests", shed.request, now);
  if (!askAlways && shed.bucket) shedIfFull(bucket!.name, shed.bucket, now);
  try {
    return await c
      .get("deps")
      .gate(r.agent.id)
      .admit(r.keyId, windows ?? [], now, { hold: holds.request, bucket: bucket?.windows, bucketHold: holds.bucket, write: !isRead(c.req.method) });
  } catch (err) {
    if (windows) gateUnreachable(c, "requests", err, shed.request);
    return null;
  }
}

const isRead = (method: string) => method === "GET" || method === "HEAD";

/** What a bearer token says it is: a JWT we signed for our API (its subject), or an API key (its hash). */
interface Credential {
  keyHash: string | null;
  subject: string | null;
  jti: string | null;
  /** The isolate's cache key: the key's hash, or `jwt:<agent id>`. */
  cacheKey: string;
}

/** Reads the token; a JWT that does not verify is a failed authentication, counted against the network. */
async function readCredential(c: Context<AppEnv>, token: string, opts: AuthOptions, now: number): Promise<Credential> {
  const deps = c.get("deps");
  if (!looksLikeJwt(token)) {
    const keyHash = await apiKeyHash(deps, token);
    return { keyHash, subject: null, jti: null, cacheKey: keyHash };
  }
  if (opts.keyOnly) {
    throw unauthorized("API key required", "This route takes your API key, not a JWT: key management cannot be done with a derived token.");
  }
  const result = await verifyToken(deps, token, apiAudience(deps.origin));
  if (!result.ok) throw await failed(c);
  const subject = result.claims.sub!;
  return { keyHash: null, subject, jti: String(result.claims.jti), cacheKey: `jwt:${subject}` };
}

/**
 * Resolves the credential to its agent, with the Gate's word on it (null when the Gate cannot be
 * reached): the isolate's cached copy when the Gate confirms it (no D1 call), else D1's row. The
 * one Gate call takes what `ask` says on the way. No agent: a counted failure.
 */
async function resolveAgent(
  c: Context<AppEnv>,
  cred: Credential,
  ask: (agent: AgentRow) => Ask,
  now: number,
): Promise<{ resolved: CachedAgent; admission: Admission | null }> {
  const deps = c.get("deps");
  let admission: Admission | null | undefined;
  let r: CachedAgent | undefined = cachedAgent(cred.cacheKey, now);
  if (r && (isSuspended(r.agent, now) || (r.expiresAt !== null && r.expiresAt <= now))) r = undefined;
  if (r) {
    admission = await admit(c, r, ask, now);
    if (!admission || admission.epoch !== r.epoch || refuses(admission, now)) r = undefined;
  }
  if (!r) {
    forgetAgent(cred.cacheKey);
    if (knownUnknown(cred.cacheKey, now)) throw await failed(c);
    // A read starts on any replica, which may not hold a key registered a moment ago: the primary decides a miss.
    const fresh =
      (await loadAgent(deps, cred.keyHash, cred.subject)) ??
      (isRead(c.req.method) ? await loadAgent(deps.anchored("first-primary"), cred.keyHash, cred.subject) : null);
    if (!fresh) {
      noteUnknown(cred.cacheKey, now);
      throw await failed(c);
    }
    // Asked before this read when a cached copy was checked: an epoch no newer than what D1 gave.
    if (admission === undefined) admission = await admit(c, fresh, ask, now);
    r = { ...fresh, epoch: admission?.epoch ?? -1, loadedAt: now };
    if (admission) cacheAgent(cred.cacheKey, r);
  }
  return { resolved: r, admission: admission ?? null };
}

/**
 * Admits the resolved agent, or refuses it: a key the Gate says has ended (revoked or rotated out
 * before D1 was written), a suspension (the Gate's, when it heard first), an unclaimed writer under
 * REQUIRE_CLAIM. Puts the credential on the request and stamps a key's use after the response.
 */
async function admitAgent(c: Context<AppEnv>, cred: Credential, resolved: CachedAgent, admission: Admission | null, opts: AuthOptions, now: number): Promise<AgentRow> {
  const deps = c.get("deps");
  if (admission?.keyEndsAt != null && admission.keyEndsAt <= now) {
    forgetAgent(cred.cacheKey);
    throw await failed(c);
  }
  let agent = resolved.agent;
  const held = admission?.suspended;
  if (held && heldSuspended(admission!, now) && !isSuspended(agent, now)) {
    // The Gate heard of the suspension first; D1's row follows (or its write failed: refused still).
    agent = { ...agent, suspendedUntil: held.until, suspendedIndefinitely: held.until === null };
  }
  if (cred.jti !== null) c.set("credential", { kind: "jwt", jti: cred.jti });
  else {
    const ends = [resolved.expiresAt, admission?.keyEndsAt ?? null].filter((t): t is number => t !== null);
    const expiresAt = ends.length ? Math.min(...ends) : null;
    c.set("credential", { kind: "key", keyId: resolved.keyId!, expiresAt });
    if (expiresAt) c.header("Tidepool-Key-Expires", iso(expiresAt)!);
    if (keyTouchDue(resolved.lastUsedAt, now)) {
      // After the response and on deps of its own: an advisory stamp, not part of the request (nor of its D1 count).
      const own = buildDeps(c.env, deps.origin, deps.clock);
      c.executionCtx.waitUntil(touchKey(own, resolved.keyId!).catch(() => undefined).finally(own.release));
      resolved.lastUsedAt = now;
    }
  }
  if (!opts.allowSuspended && isSuspended(agent, now)) throw suspendedError(agent, now);
  if (opts.requireClaim && deps.config.REQUIRE_CLAIM && !agent.claimedAt) {
    throw forbidden("Agent not yet claimed", "Ask your human to open your claim_url and complete the claim.");
  }
  return agent;
}

/**
 * Authenticates an agent by API key (peppered-hash lookup) or by a JWT we issued for our own API
 * audience, then applies the kill switch on every request: read the credential, resolve it to its
 * agent, admit the agent. The agent a credential resolved to is kept per isolate and used only as
 * far as the agent's Gate, called anyway for the request quota, confirms it: a suspension or a
 * revoked key is refused on the very next request in every isolate, and a warm credential costs no
 * D1 round trip.
 * @example
 * router.use("/agents/me", requireAgent());
 * router.use("/agents/me/keys/*", requireAgent({ keyOnly: true }));
 */
export function requireAgent(opts: AuthOptions = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const deps = c.get("deps");
    const token = bearer(c);
    if (!token) {
      if (opts.optional) return next();
      throw noToken();
    }
    const now = deps.clock.now();
    const callsBefore = deps.d1Calls?.() ?? 0;
    const cred = await readCredential(c, token, opts, now);
    // An idempotent POST pays only if it runs: what it takes is held, and given back when it replays.
    const idem = c.req.method === "POST" && c.req.header("idempotency-key") !== undefined;
    const holds = { request: idem ? uuidv7() : null, bucket: opts.bucket ? uuidv7() : null };
    // Worked out once: the cached copy and D1's row of a credential are the same agent.
    let asked: Ask | undefined;
    const ask = (agent: AgentRow): Ask => {
      if (asked) return asked;
      const windows = quotaWindows(c, { agent }, "requests");
      const bucketWindows = windows && opts.bucket ? quotaWindows(c, { agent }, opts.bucket) : null;
      const subject = `agent:${agent.id}`;
      return (asked = {
        windows,
        bucket: bucketWindows && { name: opts.bucket!, windows: bucketWindows },
        holds,
        shed: { request: windows && shedKey(subject, windows), bucket: bucketWindows && shedKey(subject, bucketWindows) },
        askAlways: idem,
      });
    };
    const { resolved, admission } = await resolveAgent(c, cred, ask, now);
    const take = admission?.take ?? null;
    const bucketTake = admission?.bucketTake ?? null;
    // Hits taken under a hold go back when what they paid for did not happen (after the response).
    const giveBack = (request: boolean) => {
      const ids = [request && take?.allowed ? holds.request : null, bucketTake?.allowed ? holds.bucket : null].filter((h): h is string => h !== null);
      if (ids.length === 0) return;
      const released = deps
        .gate(resolved.agent.id)
        .release(...ids)
        .catch((err: unknown) => console.warn(JSON.stringify({ level: "warn", message: "quota release failed", error: String(err) })));
      c.executionCtx.waitUntil(released);
    };
    let ran = false;
    try {
      const agent = await admitAgent(c, cred, resolved, admission, opts, now);
      c.set("agent", agent);
      c.set("agentEntry", resolved);
      // Benchmark servers say what authentication cost, so a route's own calls can be told apart.
      if (deps.d1Calls && deps.config.BENCH_ROUTES) c.header("X-Tidepool-D1-Auth-Calls", String(deps.d1Calls() - callsBefore));
      // The rest of the request reads where the agent's own writes are (its Gate knows where that is).
      c.set("deps", deps.anchored(admission?.readFrom ?? "first-primary"));
      const { shed } = ask(agent);
      const ordinal = admission?.writeOrdinal ?? null;
      // A replayed idempotent request returns before run(): retries never pay twice.
      return await idempotent(c, `agent:${agent.id}`, async () => {
        ran = true;
        if (take) applyTake(c, "requests", take, now, shed.request ?? undefined);
        if (bucketTake) applyTake(c, opts.bucket!, bucketTake, now, shed.bucket ?? undefined);
        await next();
        // Nothing was stored: the write's own bucket is given back (a refused write still counts as a request).
        if (c.res.status >= 400) giveBack(false);
        // The agent's own write may move what /agents/me shows: its next one reads it again.
        else if (!isRead(c.req.method)) resolved.view = undefined;
        const bookmark = ordinal === null ? null : c.get("deps").bookmark();
        // After the response: until it arrives, the Gate sends the agent's reads to the primary (it
        // counted this write when it admitted it). On the binding itself: not a call of this request.
        if (bookmark) c.executionCtx.waitUntil(c.env.GATE.get(c.env.GATE.idFromName(`agent:${agent.id}`)).noteBookmark(ordinal!, bookmark).catch(() => undefined));
      });
    } finally {
      if (!ran) giveBack(true);
    }
  });
}

/** The authenticated agent; only call behind requireAgent(). */
export const currentAgent = (c: Context<AppEnv>): AgentRow => {
  const agent = c.get("agent");
  if (!agent) throw noToken();
  return agent;
};

/** Route middleware for public reads that a key personalises (user_vote, your_role). */
export const optionalAgent = [requireAgent({ optional: true })];
/** Route middleware for writes: a live agent, claimed when REQUIRE_CLAIM is on. */
export const writingAgent = [requireAgent({ requireClaim: true })];
/** Route middleware for writes with a rate-limit bucket of their own, paid in the same Gate call. */
export const writingAgentPaying = (bucket: Bucket) => [requireAgent({ requireClaim: true, bucket })];
