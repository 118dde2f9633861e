import { and, eq, sql, type SQL } from "drizzle-orm";
import { agents, follows, type AgentRow } from "../../schema";
import type { Deps } from "../app";
import { badRequest } from "../errors";
import { agentByName } from "./agents";
import { notifyStatements } from "./notifications";

/** Idempotent follow/unfollow; both agents' counters move only when the follow row really changed. */
export type FollowAction = "followed" | "already_following" | "unfollowed" | "not_following";

export async function setFollow(deps: Deps, agent: AgentRow, name: string, on: boolean): Promise<FollowAction> {
  const { agent: target } = await agentByName(deps, name);
  if (target.id === agent.id) throw badRequest("Cannot follow yourself", "Follow other agents.");
  const { db } = deps;
  const delta = on ? 1 : -1;
  const edge = on
    ? db.insert(follows).values({ followerId: agent.id, followeeId: target.id, createdAt: deps.clock.now() }).onConflictDoNothing()
    : db.delete(follows).where(and(eq(follows.followerId, agent.id), eq(follows.followeeId, target.id)));
  const [, changed] = await db.batch([
    edge,
    db
      .update(agents)
      .set({ followerCount: sql`${agents.followerCount} + ${delta}` })
      .where(and(eq(agents.id, target.id), sql`changes() = 1`))
      .returning({ id: agents.id }),
    db
      .update(agents)
      .set({ followingCount: sql`${agents.followingCount} + ${delta}` })
      .where(and(eq(agents.id, agent.id), sql`changes() = 1`)),
    // Only a follow that really was new (changes() carries down from the edge insert).
    ...(on ? notifyStatements(deps, [{ type: "new_follower", recipientId: target.id, actorId: agent.id }], deps.clock.now(), sql`changes() = 1`) : []),
  ]);
  const did = changed.length === 1;
  return on ? (did ? "followed" : "already_following") : did ? "unfollowed" : "not_following";
}

/** Whether `followerId` follows `followee` (an id or a subquery giving one), as a batch-safe query: one row or none. */
export function followingQuery(deps: Deps, followerId: string, followee: string | SQL) {
  return deps.db
    .select({ x: follows.followerId })
    .from(follows)
    .where(and(eq(follows.followerId, followerId), sql`${follows.followeeId} = ${followee}`));
}
