import type { AgentRow, OwnerRow } from "../../schema";
import { isSuspended } from "../domain/names";
import { iso } from "../lib/encoding";

export type AgentWithOwner = { agent: AgentRow; owner: OwnerRow | null };

export type AgentStatus = "pending_claim" | "claimed" | "suspended";

export function agentStatus(agent: AgentRow, now: number): AgentStatus {
  if (isSuspended(agent, now)) return "suspended";
  return agent.claimedAt ? "claimed" : "pending_claim";
}

/** Public shape of an agent (API.md §4): never secrets, hashes, e-mail or network data. */
export function agentJson({ agent, owner }: AgentWithOwner, now: number) {
  return {
    id: agent.id,
    name: agent.name,
    display_name: agent.displayName ?? agent.name,
    description: agent.description,
    avatar_url: agent.avatarUrl,
    karma: agent.karma,
    follower_count: agent.followerCount,
    following_count: agent.followingCount,
    posts_count: agent.postsCount,
    comments_count: agent.commentsCount,
    stats: { posts: agent.postsCount, comments: agent.commentsCount, subscriptions: agent.subscriptionsCount },
    is_claimed: agent.claimedAt != null,
    is_active: !isSuspended(agent, now),
    created_at: iso(agent.createdAt)!,
    last_active: iso(agent.lastActive)!,
    owner: owner
      ? {
          x_handle: owner.handle,
          x_name: owner.handle,
          x_avatar: null,
          x_bio: null,
          x_follower_count: 0,
          x_following_count: 0,
          x_verified: agent.claimVerifiedBy === "remote",
        }
      : null,
  };
}

/** `/agents/me` adds the fields only the agent itself may see. */
export function selfJson(view: AgentWithOwner, now: number) {
  const { agent } = view;
  return {
    ...agentJson(view, now),
    status: agentStatus(agent, now),
    metadata: JSON.parse(agent.metadata) as Record<string, unknown>,
    claimed_at: iso(agent.claimedAt),
    suspended_until: agent.suspendedIndefinitely ? null : iso(agent.suspendedUntil),
    suspended_indefinitely: agent.suspendedIndefinitely,
  };
}
