import type { Deps } from "../app";
import { unauthorized } from "../errors";
import { uuidv7 } from "../lib/ids";
import { hashSecret, newOpaqueToken, sameDigest } from "../lib/secrets";

/** Operator sessions are short: the console can switch any agent off and remove anything. */
export const OPERATOR_SESSION_MS = 60 * 60_000;

/** ADMIN_TOKEN when it is set and long enough; otherwise the operator's routes and console do not exist. */
export const adminToken = (env: Record<string, unknown>): string | null =>
  typeof env.ADMIN_TOKEN === "string" && env.ADMIN_TOKEN.length >= 32 ? env.ADMIN_TOKEN : null;

/** Compares digests, so the comparison is constant-time whatever the lengths. */
export async function isAdminToken(deps: Deps, expected: string, given: string) {
  const pepper = deps.config.HASH_PEPPER;
  return sameDigest(await hashSecret(pepper, "admin", given), await hashSecret(pepper, "admin", expected));
}

/**
 * A session's hash is keyed by the ADMIN_TOKEN it was opened with, so rotating the token ends every
 * open console session without a sweep.
 */
const sessionPurpose = async (deps: Deps, expected: string) => `operator_session:${(await hashSecret(deps.config.HASH_PEPPER, "admin", expected)).slice(0, 16)}`;

export async function openOperatorSession(deps: Deps, expected: string, given: string) {
  if (!(await isAdminToken(deps, expected, given))) throw unauthorized("Invalid or expired token", "Sign in with the server's ADMIN_TOKEN secret.");
  const now = deps.clock.now();
  const session = newOpaqueToken();
  const csrf = newOpaqueToken();
  const expiresAt = now + OPERATOR_SESSION_MS;
  const pepper = deps.config.HASH_PEPPER;
  await deps.store.operations.addOperatorSession({
    id: uuidv7(now),
    hash: await hashSecret(pepper, await sessionPurpose(deps, expected), session),
    csrfHash: await hashSecret(pepper, "operator_csrf", csrf),
    createdAt: now,
    expiresAt,
    revokedAt: null,
  });
  return { session, csrf, expiresAt };
}

/** The live session behind a cookie, and whether `csrf` is its CSRF token; null when ended or unknown. */
export async function operatorFromSession(deps: Deps, expected: string, raw: string, csrf: string | null) {
  const pepper = deps.config.HASH_PEPPER;
  const hash = await hashSecret(pepper, await sessionPurpose(deps, expected), raw);
  const row = await deps.store.operations.operatorSession(hash, deps.clock.now());
  if (!row || !sameDigest(row.hash, hash)) return null;
  const csrfOk = csrf != null && sameDigest(row.csrfHash, await hashSecret(pepper, "operator_csrf", csrf));
  return { id: row.id, csrfOk };
}

export async function closeOperatorSession(deps: Deps, id: string) {
  await deps.store.operations.closeOperatorSession(id, deps.clock.now());
}

/** The cron forgets sessions a day after they ended (expired or signed out): nothing can use them. */
export const sweepOperatorSessions = (deps: Deps) => deps.store.operations.sweepOperatorSessions(deps.clock.now() - 86_400_000);
