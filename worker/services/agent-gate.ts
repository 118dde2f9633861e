import type { Deps } from "../app";
import type { Gate } from "../durable/gate";
import { unavailable } from "../errors";

type GateStub = DurableObjectStub<Gate>;

/**
 * A change that takes something away (suspension, a key's end): the agent's Gate hears of it
 * before D1 is written, so no isolate's cached copy of the agent outlives it, not even by one
 * request. An unreachable Gate refuses the change (503, nothing written); if the D1 write fails,
 * the Gate's half is undone.
 * @example
 * await gateFirst(deps, agent.id, (g) => g.suspend(until), () => writeD1(), (g, before) => g.resume(before));
 */
export async function gateFirst<T, U>(
  deps: Deps,
  agentId: string,
  announce: (gate: GateStub) => Promise<U>,
  write: () => Promise<T>,
  undo: (gate: GateStub, announced: U) => Promise<unknown>,
): Promise<T> {
  const gate = deps.gate(agentId);
  let announced: U;
  try {
    announced = await announce(gate);
  } catch (err) {
    throw unavailable("rate_gate", err);
  }
  try {
    return await write();
  } catch (err) {
    // Left in place, the Gate would refuse what D1 allows: fail closed, but say so.
    await undo(gate, announced).catch((e: unknown) => console.error(JSON.stringify({ level: "error", message: "gate undo failed; the agent stays refused until the next change", agent: agentId, error: String(e) })));
    throw err;
  }
}

/**
 * A change that gives something back (a resumed agent): D1 first, then the Gate. Until the Gate
 * hears of it the agent stays refused, so its failure is a 503 the caller retries.
 */
export async function gateAfter(deps: Deps, agentId: string, announce: (gate: GateStub) => Promise<unknown>) {
  try {
    await announce(deps.gate(agentId));
  } catch (err) {
    throw unavailable("rate_gate", err);
  }
}

/**
 * A change to what a cached copy of the agent shows (claim, profile, avatar) that grants no access:
 * every isolate re-reads the agent at its next request. Best effort: a copy lives AUTH_CACHE_TTL_MS at most.
 */
export async function refreshEverywhere(deps: Deps, agentId: string) {
  await deps
    .gate(agentId)
    .bump()
    .catch((err: unknown) => console.warn(JSON.stringify({ level: "warn", message: "gate bump failed; cached copies of the agent expire on their own", agent: agentId, error: String(err) })));
}
