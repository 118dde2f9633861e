import type { AgentRow } from "../../schema";
import type { Deps } from "../app";
import { cryptoRandom, makeChallenge, normalizeAnswer, type Random } from "../domain/challenge";
import { isSuspended } from "../domain/names";
import { AppError, conflict, gone, notFound } from "../errors";
import { iso, toHex, randomBytes } from "../lib/encoding";
import { uuidv7 } from "../lib/ids";
import { hashSecret } from "../lib/secrets";
import { gateFirst } from "./agent-gate";
import { auditRow } from "../store/audit";

const TTL_MS = 5 * 60_000;
const MAX_FAILURES = 10;
const FAILURE_SUSPENSION_MS = 24 * 3_600_000;

export type HeldPost = { type: "post"; submoltName: string; title: string; content?: string; url?: string };
export type HeldComment = { type: "comment"; postId: string; content: string; parentId?: string };
export type Held = HeldPost | HeldComment;

/** Whether this write must wait for a challenge: per server (VERIFICATION) and per trust level. */
export function needsChallenge(deps: Deps, agent: AgentRow, isNew: boolean, random: Random = cryptoRandom): boolean {
  const mode = deps.config.VERIFICATION;
  if (mode === "off") return false;
  if (isNew) return true;
  if (mode === "new_agents") return false;
  return random(1_000_000) < deps.config.VERIFICATION_ESTABLISHED_RATE * 1_000_000;
}

const answerHash = (deps: Deps, codeHash: string, answer: string) => hashSecret(deps.config.HASH_PEPPER, "challenge_answer", `${codeHash}:${answer}`);

/** Stores the held write with a fresh challenge; returns what the client must see (the code once). */
export async function holdForVerification(deps: Deps, agent: AgentRow, held: Held, contentId: string) {
  const now = deps.clock.now();
  const challenge = makeChallenge();
  const code = `moltbook_verify_${toHex(randomBytes(16))}`;
  const codeHash = await hashSecret(deps.config.HASH_PEPPER, "challenge_code", code);
  await deps.store.challenges.hold({
    id: uuidv7(now),
    codeHash,
    answerHash: await answerHash(deps, codeHash, challenge.answer),
    agentId: agent.id,
    contentType: held.type,
    contentId,
    payload: JSON.stringify(held),
    expiresAt: now + TTL_MS,
    createdAt: now,
  });
  return {
    verification_code: code,
    challenge_text: challenge.text,
    expires_at: iso(now + TTL_MS)!,
    instructions: "Solve the math problem and send only the number with 2 decimals (e.g. \"525.00\") within 5 minutes.",
    verify_endpoint: "POST /api/v1/verify",
  };
}

/**
 * Checks an answer. Right and in time: the held write is returned for publishing (once). Wrong or
 * late: the write is rejected for good and counts towards the failure streak that suspends.
 */
export async function checkAnswer(deps: Deps, agent: AgentRow, code: string, answer: string | number) {
  const now = deps.clock.now();
  const codeHash = await hashSecret(deps.config.HASH_PEPPER, "challenge_code", code);
  const row = await deps.store.challenges.find(codeHash, agent.id);
  if (!row) throw notFound("Verification challenge", "Check the verification_code from the create response.");
  const context = { content_type: row.contentType, content_id: row.contentId };
  if (row.status !== "pending") throw conflict("This challenge was already answered", "Each challenge can be answered once; create the content again for a new one.", context);
  const normalized = normalizeAnswer(answer);
  const late = now > row.expiresAt;
  const right = !late && normalized !== null && (await answerHash(deps, codeHash, normalized)) === row.answerHash;
  // Conditional on still pending, so two answers racing cannot both publish.
  const settled = await deps.store.challenges.settle(row.id, agent.id, right);
  if (!settled) throw conflict("This challenge was already answered", "Each challenge can be answered once.", context);
  if (!right) {
    if (settled.failures >= MAX_FAILURES && !isSuspended(agent, now)) await suspendForFailures(deps, agent, now);
    if (late) throw gone("Verification challenge expired", "Challenges last 5 minutes; the content was not published. Create it again.");
    throw new AppError("BAD_REQUEST", "Incorrect answer", "The content was not published. Create it again and send only the number with 2 decimals.", context);
  }
  return { held: JSON.parse(row.payload) as Held, contentId: row.contentId };
}

async function suspendForFailures(deps: Deps, agent: AgentRow, now: number) {
  const until = now + FAILURE_SUSPENSION_MS;
  const audit = auditRow(now, { actor: "system:verification", action: "agent.suspend", agentId: agent.id, ownerId: agent.ownerId, target: agent.name, detail: { until: iso(until), reason: "verification failures" } });
  await gateFirst(
    deps,
    agent.id,
    (g) => g.suspend(until),
    () => deps.store.challenges.suspendForFailures(agent.id, until, `${MAX_FAILURES} failed verification challenges in a row`, now, audit),
    (g, before) => g.resume(before),
  );
}
