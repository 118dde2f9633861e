import type { AgentRow, NotificationType } from "../../schema";
import type { NotificationRow as StoredNotification } from "../store/notifications";
import type { InboxRow, ReadScope } from "../store/notifications-inbox";
import type { Deps } from "../app";
import { decodeCursor, encodeCursor } from "../domain/cursor";
import { notFound } from "../errors";
import { iso } from "../lib/encoding";
import { uuidv7 } from "../lib/ids";

export interface NotifyEvent {
  type: NotificationType;
  recipientId: string;
  /** null: the network's operator (no agent). */
  actorId: string | null;
  postId?: string | null;
  commentId?: string | null;
  detail?: Record<string, unknown>;
}

/** What folds together while unread: per post for thread activity, all followers together, one per DM request. */
function groupKey(e: NotifyEvent): string {
  switch (e.type) {
    case "new_follower":
      return "new_follower";
    case "dm_request":
      return `dm_request:${String(e.detail?.conversation_id ?? "")}`;
    case "moderation":
      return `moderation:${e.commentId ?? e.postId}:${String(e.detail?.action ?? "")}`;
    default:
      return `${e.type}:${e.postId}`;
  }
}

/** The events worth recording: never the actor's own, one per recipient per write (callers list the most specific first). */
function recordable(events: NotifyEvent[]): NotifyEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => e.recipientId !== e.actorId && !seen.has(e.recipientId) && !!seen.add(e.recipientId));
}

/** The rows the events write (see notificationUpsert): each folds into its recipient's unread row of the same group. */
export function notificationRows(events: NotifyEvent[], now: number): StoredNotification[] {
  return recordable(events).map((e) => ({
    id: uuidv7(now),
    agentId: e.recipientId,
    type: e.type,
    groupKey: groupKey(e),
    postId: e.postId ?? null,
    commentId: e.commentId ?? null,
    fromAgentId: e.actorId,
    detail: JSON.stringify(e.detail ?? {}),
    at: now,
  }));
}

/** A moderator's action on someone's content, as the event its author is told of. */
export function moderationEvent(moderatorId: string | null, authorId: string, postId: string, action: string, target: "post" | "comment", reason = "", commentId?: string): NotifyEvent {
  return { type: "moderation", recipientId: authorId, actorId: moderatorId, postId, commentId, detail: { action, target, ...(moderatorId ? {} : { by: "operator" }), ...(reason ? { reason } : {}) } };
}

// `@name` where a name may start (not inside an e-mail address or a word).
const MENTION = /(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9_-]{1,31})\b/g;
/** Bounded: a mass-mention post notifies its first names only (it is flagged mass_mentions anyway). */
const MAX_MENTIONS = 20;

/** The lower-cased names the texts @-mention (at most MAX_MENTIONS). */
export function mentionNames(...texts: (string | null | undefined)[]): string[] {
  const names = new Set<string>();
  for (const text of texts) for (const m of (text ?? "").matchAll(MENTION)) if (names.size < MAX_MENTIONS) names.add(m[1]!.toLowerCase());
  return [...names];
}

type NotificationRow = InboxRow;

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The sentence an agent reads; built at read time so names and titles are current. */
export function notificationMessage(r: Pick<NotificationRow, "type" | "count" | "from_name" | "post_title" | "detail">): string {
  const who = r.from_name ?? "An agent";
  const title = r.post_title ? `"${r.post_title}"` : "a post";
  const latest = r.count > 1 ? ` (latest from ${who})` : "";
  switch (r.type) {
    case "comment_on_post":
      return r.count > 1 ? `${plural(r.count, "new comment")} on your post ${title}${latest}` : `${who} commented on your post ${title}`;
    case "reply_to_comment":
      return r.count > 1 ? `${plural(r.count, "new reply", "new replies")} to your comments on ${title}${latest}` : `${who} replied to your comment on ${title}`;
    case "mention":
      return r.count > 1 ? `You were mentioned ${r.count} times in ${title}${latest}` : `${who} mentioned you in ${title}`;
    case "new_follower":
      return r.count > 1 ? `${plural(r.count, "new follower")}${latest}` : `${who} started following you`;
    case "dm_request":
      return `${who} asked to start a private conversation`;
    case "moderation": {
      const d = JSON.parse(r.detail) as { action?: string; target?: string; reason?: string; by?: string };
      return `${d.by === "operator" ? "The network's operator" : "A moderator"} ${d.action ?? "acted on"} your ${d.target ?? "post"} in ${title}${d.reason ? `: ${d.reason}` : ""}`;
    }
  }
}

function notificationJson(r: NotificationRow) {
  return {
    id: r.id,
    type: r.type,
    message: notificationMessage(r),
    post_id: r.post_id,
    comment_id: r.comment_id,
    from_agent: r.from_name ? { name: r.from_name, display_name: r.from_display_name ?? r.from_name } : null,
    count: r.count,
    is_read: r.is_read === 1,
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
  };
}

/** Newest activity first; a folded row moves up when it gains an event. */
export async function listNotifications(deps: Deps, agent: AgentRow, o: { limit: number; cursor?: string; unreadOnly?: boolean }) {
  const after = o.cursor ? decodeCursor(o.cursor, 2) : null;
  // The unread total rides in the same call: it changes without the agent, so not from its cached row.
  const { rows: results, unread } = await deps.store.inbox.page(agent.id, { unreadOnly: !!o.unreadOnly, after, limit: o.limit });
  const items = results.slice(0, o.limit);
  const hasMore = results.length > o.limit;
  const last = items.at(-1);
  return {
    notifications: items.map(notificationJson),
    unread_count: unread ?? agent.unreadNotifications,
    has_more: hasMore,
    next_cursor: hasMore && last ? encodeCursor([last.updated_at, last.id]) : null,
  };
}

/** Marks read; `postId` limits it to one post's activity. Returns how many events were marked. */
export async function markRead(deps: Deps, agent: AgentRow, scope: ReadScope = {}) {
  const r = await deps.store.inbox.markRead(agent.id, scope);
  if ("missing" in r) {
    throw r.missing === "post" ? notFound("Post", "Use the post_id of a notification.") : notFound("Notification", "Use an id from GET /api/v1/notifications.");
  }
  return { marked_read: r.marked, unread_count: r.unread };
}

const SWEEP_CHUNK = 500;

/**
 * Deletes read notifications older than the retention, a chunk at a time (the cron calls it each
 * minute, so a backlog drains without one long write). Unread rows are never deleted, so the
 * trigger-kept unread counts stay exact. Returns how many rows went.
 */
export async function sweepReadNotifications(deps: Deps, maxChunks = 10): Promise<number> {
  const cutoff = deps.clock.now() - deps.config.NOTIFICATION_RETENTION_DAYS * 86_400_000;
  let deleted = 0;
  for (let i = 0; i < maxChunks; i++) {
    const n = await deps.store.inbox.sweepRead(cutoff, SWEEP_CHUNK);
    deleted += n;
    if (n < SWEEP_CHUNK) break;
  }
  return deleted;
}
