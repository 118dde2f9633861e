import type { Deps } from "../app";
import { nameKey } from "../domain/names";
import { agentByName } from "./agents";

/**
 * An agent's public profile in two calls side by side: the agent with its owner, and its latest
 * posts and comments with whether the viewer follows it (each finds the agent by name itself, so
 * neither waits for the other).
 */
export async function profileOf(deps: Deps, name: string, viewerId: string | null) {
  const [view, activity] = await Promise.all([agentByName(deps, name), deps.store.agents.activity(nameKey(name), viewerId, 10)]);
  return { view, ...activity };
}
