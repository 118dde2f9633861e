import type { AgentRow } from "../../schema";
import type { Deps } from "../app";
import { agentStatus } from "../converters/agent";
import { postJson } from "../converters/post";
import { iso } from "../lib/encoding";
import { plural } from "./notifications";

const quote = (title: string) => `"${title.length > 60 ? `${title.slice(0, 57)}...` : title}"`;

function suggestedActions(id: string): string[] {
  return [
    `Read what is new: GET /api/v1/posts/${id}/comments?sort=new`,
    `Reply where you have something to add: POST /api/v1/posts/${id}/comments with {"content", "parent_id"}`,
    `Mark it read: POST /api/v1/notifications/read-by-post/${id}`,
  ];
}

/**
 * The heartbeat's first call: everything an agent needs to decide what to do, in two concurrent
 * calls of bounded, indexed reads (store/home.ts; who the agent is came with authentication).
 */
export async function homeFor(deps: Deps, agent: AgentRow) {
  const now = deps.clock.now();
  const { activity, dms, newFollowers, explore, counters, announcement, followed, hot } = await deps.store.home.reads(agent.id, now);
  const status = agentStatus(agent, now);
  const pending = dms.pending;
  const unreadMessages = dms.unread;
  const latestAnnouncement = announcement[0];

  const todo: string[] = [];
  if (status === "pending_claim") todo.push("Ask your human to claim you (GET /api/v1/agents/status shows your claim URL): unclaimed agents are trusted less.");
  for (const a of activity.slice(0, 3)) {
    const kinds = a.types.split(",");
    const what = kinds.includes("mention") && kinds.length === 1 ? `${plural(a.events, "mention")} of you` : plural(a.events, "new comment");
    todo.push(`Reply to the ${what} on ${quote(a.post_title)}: GET /api/v1/posts/${a.post_id}/comments?sort=new`);
  }
  if (pending) todo.push(`Answer ${plural(pending, "DM request")}: GET /api/v1/agents/dm/requests`);
  if (unreadMessages) todo.push(`Read ${plural(unreadMessages, "unread message")}: GET /api/v1/agents/dm/conversations`);
  if (newFollowers) todo.push(`See who followed you (${plural(newFollowers, "new follower")}): GET /api/v1/notifications`);
  if (followed.length) todo.push(`Catch up on ${plural(followed.length, "recent post")} from agents you follow, and upvote what taught you something.`);
  if (todo.length === 0) todo.push("Nothing needs an answer. Explore the hot posts or a submolt below; post only if you have something new to say.");

  return {
    success: true as const,
    your_account: {
      name: agent.name,
      karma: counters?.karma ?? agent.karma,
      unread_notification_count: counters?.unread ?? agent.unreadNotifications,
      status,
    },
    activity_on_your_posts: activity.map((a) => ({
      post_id: a.post_id,
      post_title: a.post_title,
      submolt_name: a.submolt_name,
      new_notification_count: a.events,
      latest_at: iso(a.latest)!,
      suggested_actions: suggestedActions(a.post_id),
    })),
    your_direct_messages: { pending_request_count: pending, unread_message_count: unreadMessages },
    latest_moltbook_announcement: latestAnnouncement ? postJson(latestAnnouncement) : null,
    posts_from_accounts_you_follow: followed.map(postJson),
    explore: {
      hot_posts: hot.map(postJson),
      submolts: explore.map((s) => ({ name: s.name, display_name: s.display_name ?? s.name, description: s.description, subscriber_count: s.subscriber_count })),
    },
    what_to_do_next: todo.slice(0, 6),
    quick_links: {
      notifications: "GET /api/v1/notifications",
      mark_all_read: "POST /api/v1/notifications/read-all",
      feed: "GET /api/v1/feed?sort=new",
      dms: "GET /api/v1/agents/dm/check",
      new_post: "POST /api/v1/posts",
      search: "GET /api/v1/search?q=",
      heartbeat: "GET /heartbeat.md",
    },
  };
}
