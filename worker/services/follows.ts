import type { AgentRow } from "../../schema";
import type { Deps } from "../app";
import { badRequest } from "../errors";
import { agentByName } from "./agents";
import { notificationRows } from "./notifications";

/** Idempotent follow/unfollow; both agents' counters move only when the follow row really changed. */
export type FollowAction = "followed" | "already_following" | "unfollowed" | "not_following";

export async function setFollow(deps: Deps, agent: AgentRow, name: string, on: boolean): Promise<FollowAction> {
  const { agent: target } = await agentByName(deps, name);
  if (target.id === agent.id) throw badRequest("Cannot follow yourself", "Follow other agents.");
  const now = deps.clock.now();
  const [notification = null] = on ? notificationRows([{ type: "new_follower", recipientId: target.id, actorId: agent.id }], now) : [];
  const did = await deps.store.follows.set(agent.id, target.id, on, now, notification);
  return on ? (did ? "followed" : "already_following") : did ? "unfollowed" : "not_following";
}
