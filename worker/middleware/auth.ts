import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AgentRow } from "../../schema";
import type { AppEnv } from "../app";
import { isSuspended } from "../domain/names";
import { AppError, forbidden, unauthorized } from "../errors";
import { iso } from "../lib/encoding";
import { authenticateKey, touchKey } from "../services/keys";
import { idempotent } from "./idempotency";
import { exceeded, networkOf, takeQuota } from "./rate";
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
 * Networks past their failed-authentication limit, until when. Consulted only after a credential
 * failed to verify: a right key always authenticates, so one revoked key retrying on its heartbeat
 * (or a neighbour doing it on purpose) cannot lock out the other agents behind the same address.
 * Per isolate, so a network already known to be blocked costs no gate round trip; each isolate
 * learns of a block from the gate at that network's next failure it sees.
 */
const throttled = new Map<string, number>();
/** ~100 bytes an entry: the map stays under ~1 MB however many networks fail at once. */
const THROTTLED_MAX = 10_000;

/**
 * Counts a failed authentication against the network: 401 while under the limit, 429 with
 * Retry-After past it, so guessing stops paying while right credentials keep working.
 */
async function failed(c: Context<AppEnv>, now: number): Promise<AppError> {
  const network = networkOf(c.req.raw);
  const until = throttled.get(network);
  if (until !== undefined && until > now) return exceeded("auth_failures", { resetAt: until }, now);
  if (until !== undefined) throttled.delete(network);
  try {
    await takeQuota(c, { network: true }, "auth_failures");
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.code === "RATE_LIMITED") {
      if (throttled.size >= THROTTLED_MAX) for (const [net, at] of throttled) if (at <= now) throttled.delete(net);
      // Still full of live blocks: forget the oldest; its network's next failure asks the gate again.
      if (throttled.size >= THROTTLED_MAX) throttled.delete(throttled.keys().next().value!);
      throttled.set(network, now + Number(err.extra.retry_after_seconds ?? 60) * 1000);
    }
    return err;
  }
  return badToken();
}

/**
 * Authenticates an agent by API key (peppered-hash lookup) or by a JWT we issued for our own API
 * audience, then applies the kill switch on every request.
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
    let agent: AgentRow | undefined;
    if (looksLikeJwt(token)) {
      if (opts.keyOnly) {
        throw unauthorized("API key required", "This route takes your API key, not a JWT: key management cannot be done with a derived token.");
      }
      const result = await verifyToken(deps, token, apiAudience(deps.origin));
      if (!result.ok) throw await failed(c, now);
      agent = await agentById(deps, result.claims.sub!);
      if (!agent) throw await failed(c, now);
      c.set("credential", { kind: "jwt", jti: String(result.claims.jti) });
    } else {
      const found = await authenticateKey(deps, token);
      if (!found) throw await failed(c, now);
      agent = found.agent;
      c.set("credential", { kind: "key", keyId: found.keyId, expiresAt: found.expiresAt });
      if (found.expiresAt) c.header("Tidepool-Key-Expires", iso(found.expiresAt)!);
      c.executionCtx.waitUntil(touchKey(deps, found.keyId, found.lastUsedAt).catch(() => undefined));
    }
    if (!opts.allowSuspended && isSuspended(agent, now)) throw suspendedError(agent, now);
    if (opts.requireClaim && deps.config.REQUIRE_CLAIM && !agent.claimedAt) {
      throw forbidden("Agent not yet claimed", "Ask your human to open your claim_url and complete the claim.");
    }
    c.set("agent", agent);
    // A replayed idempotent request returns before the gate: retries never pay twice.
    return idempotent(c, `agent:${agent.id}`, async () => {
      await takeQuota(c, { agent: agent! }, "requests");
      await next();
    });
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
