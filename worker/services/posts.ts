import type { AgentRow } from "../../schema";
import type { Deps } from "../app";
import type { PostView } from "../converters/post";
import { SORT_COLUMNS, type PostFilter } from "../store/listings";
import { decodeCursor, decodeOffsetCursor, encodeCursor, type Page } from "../domain/cursor";
import { fingerprint } from "../domain/fingerprint";
import { hotScore, risingScore, RISING_WINDOW_MS, TOP_WINDOWS, type TopWindow } from "../domain/ranking";
import { conflict, forbidden, gone, notFound } from "../errors";
import { uuidv7 } from "../lib/ids";
import { bannedFrom } from "./bans";
import { refuseRepeat } from "./duplicates";
import { refuseCredentials } from "./firewall";
import { comparedText } from "./near-duplicates";
import { moderationEvent, notificationRows } from "./notifications";
import { flagContent } from "../domain/flags";
import type { PostPlace } from "../store/posts";
import { auditRow } from "../store/audit";
import { ANNOUNCEMENTS, requireRole, submoltNotFound, viewerOf } from "./submolts";
import { newPostColumns } from "../converters/draft";
import { OPERATOR, removedByOf, takeDownActor, type TakeDown } from "./takedown";
import { purgeTakenDown } from "./edge-cache";

export const postNotFound = () => notFound("Post", "The post does not exist or was deleted.");

export type PostSort = "hot" | "new" | "top" | "rising";

export type { PostFilter } from "../store/listings";

export async function getPostView(deps: Deps, id: string, viewerId: string | null): Promise<PostView> {
  const row = await deps.store.posts.view(id, viewerId);
  if (!row) throw postNotFound();
  return row;
}


/** A single post for readers: a post the moderators removed answers 410 with their reason, not a bare 404. */
export async function readPost(deps: Deps, id: string, viewerId: string | null): Promise<PostView> {
  try {
    return await getPostView(deps, id, viewerId);
  } catch (err) {
    const removed = await deps.store.posts.removal(id);
    if (removed) {
      const who = removed.by === OPERATOR ? "the network's operator" : "the moderators";
      throw gone(`Post removed by ${who}`, removed.reason ? `Reason given: ${removed.reason}` : `Removed by ${who}.`);
    }
    throw err;
  }
}

export interface ListOptions {
  sort: PostSort;
  t: TopWindow;
  limit: number;
  offset: number;
  cursor?: string;
  viewerId: string | null;
}

export async function listPosts(deps: Deps, filter: PostFilter, o: ListOptions): Promise<Page<PostView>> {
  const now = deps.clock.now();
  if (o.sort === "rising") return listRising(deps, filter, o, now);
  const keyCount = SORT_COLUMNS[o.sort].length;
  const since = o.sort === "top" && o.t !== "all" ? now - TOP_WINDOWS[o.t] : null;
  const after = o.cursor ? decodeCursor(o.cursor, keyCount) : null;
  const rows = await deps.store.listings.page({ filter, sort: o.sort, since, after, limit: o.limit, offset: o.cursor ? 0 : o.offset, viewerId: o.viewerId, now });
  const items = rows.slice(0, o.limit);
  const last = items.at(-1);
  const hasMore = rows.length > o.limit;
  const keyOf = (p: PostView["post"]) => (o.sort === "hot" ? [p.hot, p.id] : o.sort === "new" ? [p.createdAt, p.id] : [p.score, p.createdAt, p.id]);
  return { items, hasMore, nextCursor: hasMore && last ? encodeCursor(keyOf(last.post)) : null };
}

const RISING_CANDIDATES = 500;

/** Rising depends on "now", so it ranks the newest posts of the last 48 h in memory (index scan by created_at). */
async function listRising(deps: Deps, filter: PostFilter, o: ListOptions, now: number): Promise<Page<PostView>> {
  const rows = await deps.store.listings.recent({ filter, since: now - RISING_WINDOW_MS, limit: RISING_CANDIDATES, viewerId: o.viewerId });
  rows.sort((a, b) => risingScore(b.post.score, b.post.createdAt, now) - risingScore(a.post.score, a.post.createdAt, now));
  const start = o.cursor ? decodeOffsetCursor(o.cursor) : o.offset;
  const items = rows.slice(start, start + o.limit);
  const hasMore = rows.length > start + o.limit;
  return { items, hasMore, nextCursor: hasMore ? encodeCursor([start + o.limit]) : null };
}

/** A submolt with (on a first page) its pinned posts, in one call: the listing reads its page beside it. */
export async function submoltWithPins(deps: Deps, name: string, viewerId: string | null, withPins: boolean) {
  const { submolt, pinned } = await deps.store.submolts.withPins(name, viewerId, withPins);
  return { submolt: submolt ?? undefined, pinned };
}

export type PostInput = { title: string; content?: string; url?: string };

/** What a post may not do at this place: no such submolt, banned there, announcements without a role. */
function refusePlace(place: PostPlace | null): asserts place is PostPlace {
  if (!place) throw submoltNotFound();
  const { submolt } = place;
  if (place.ban !== null) throw bannedFrom(submolt.name, place.ban.reason);
  if (submolt.name === ANNOUNCEMENTS && place.role !== "owner" && place.role !== "moderator") {
    throw forbidden("Only this server's operators post in announcements", "Only this community's owner or moderators may do that.");
  }
}

/**
 * Where a post held for a verification answer would go: throws what it may not do there (as
 * publishing it would) or carries a secret; answers the submolt.
 */
export async function planPost(deps: Deps, agent: AgentRow, submoltName: string, input: PostInput): Promise<PostView["submolt"]> {
  const place = await deps.store.posts.place(submoltName, agent.id);
  refusePlace(place);
  await refuseCredentials(deps, agent, "post", { title: input.title, content: input.content, url: input.url });
  return place.submolt;
}

/**
 * Stores a new post in one D1 call that also makes its checks (store/posts.ts insertCheckedPost),
 * and answers with what that call wrote: the row as inserted and the author as updated. A refused
 * post writes nothing and answers why. What follows from it (keyword rows, near-duplicate flag and
 * bands, mention notifications, daily stats, its audit row) is the outbox's, after the response
 * (services/derive.ts).
 * `preassignedId` is set when it was held for a verification answer.
 */
export async function publishPost(deps: Deps, agent: AgentRow, submoltName: string, input: PostInput, preassignedId?: string): Promise<PostView> {
  await refuseCredentials(deps, agent, "post", { title: input.title, content: input.content, url: input.url });
  const now = deps.clock.now();
  const id = preassignedId ?? uuidv7(now);
  const contentHash = await fingerprint(input.title, input.content, input.url);
  const report = flagContent(comparedText("post", input), input.url);
  const written = await refuseRepeat(deps, "posts", agent.id, contentHash, () =>
    deps.store.posts.publish({ ...newPostColumns(id, agent.id, input, now), contentHash, flags: JSON.stringify(report.flags), flagDetails: JSON.stringify(report.details), hot: hotScore(0, now) }, submoltName, [ANNOUNCEMENTS]),
  );
  if (written.refused !== undefined) {
    refusePlace(written.refused);
    throw conflict("The post could not be stored", "Try again.");
  }
  return { post: written.post, author: written.author, submolt: written.submolt, userVote: null };
}

/** Authors delete their own posts; owners and moderators of the submolt remove others'. Soft: votes and comments stay. */
export async function deletePost(deps: Deps, agent: AgentRow, postId: string, reason = "") {
  const view = await getPostView(deps, postId, null);
  const isAuthor = view.post.authorId === agent.id;
  if (!isAuthor) {
    const { role } = await viewerOf(deps, view.submolt.id, agent.id);
    if (!role) throw forbidden("You can only delete your own posts", "Ask a moderator of this community to remove it.");
  }
  await takeDownPost(deps, view, isAuthor ? { by: "author" } : { by: "moderator", agentId: agent.id }, reason);
  return isAuthor ? "Post deleted" : "Post removed by a moderator";
}

/**
 * Takes a live post down (the caller has checked that `who` may): counts drop once, the author is
 * told, open reports close, and the cached pages that show it are purged.
 */
export async function takeDownPost(deps: Deps, { post, submolt, author }: Pick<PostView, "post" | "submolt" | "author">, who: TakeDown, reason: string) {
  const now = deps.clock.now();
  const byAuthor = who.by === "author";
  await deps.store.posts.takeDown({
    post,
    submoltId: submolt.id,
    removedBy: removedByOf(who),
    removalReason: byAuthor ? null : reason || null,
    resolution: byAuthor ? "deleted" : "removed",
    notifications: notificationRows(byAuthor ? [] : [moderationEvent(who.by === "moderator" ? who.agentId : null, post.authorId, post.id, "removed", "post", reason)], now),
    audit: auditRow(now, {
      actor: takeDownActor(who, post.authorId),
      action: byAuthor ? "post.delete" : "post.remove",
      agentId: post.authorId,
      target: post.id,
      ...(byAuthor ? {} : { detail: { reason } }),
    }),
    now,
  });
  await purgeTakenDown(deps, { postId: post.id, authorName: author.name, submoltName: submolt.name });
}

export const MAX_PINS = 3;


export async function setPinned(deps: Deps, agent: AgentRow, postId: string, pinned: boolean) {
  const view = await getPostView(deps, postId, null);
  await requireRole(deps, view.submolt, agent.id, ["owner", "moderator"], "Only moderators can pin posts");
  const now = deps.clock.now();
  // The author hears of it in the same write, and only if this call changed the pin.
  const [notification = null] = notificationRows([moderationEvent(agent.id, view.post.authorId, postId, pinned ? "pinned" : "unpinned", "post")], now);
  if (pinned && view.post.isPinned) return { id: postId, is_pinned: pinned };
  const outcome = await deps.store.posts.pin(postId, view.submolt.id, pinned, MAX_PINS, now, notification);
  if (outcome === "full") throw conflict(`A submolt can have at most ${MAX_PINS} pinned posts`, "Unpin another post first.");
  return { id: postId, is_pinned: pinned };
}

export async function reportPost(deps: Deps, agent: AgentRow, postId: string, reason: string) {
  await getPostView(deps, postId, null);
  await fileReport(deps, agent, "post", postId, reason);
}

/** A report for the submolt's moderators and the operator (GET /api/v1/admin/reports), audited. */
export async function fileReport(deps: Deps, agent: AgentRow, targetType: "post" | "comment", targetId: string, reason: string) {
  const now = deps.clock.now();
  const id = uuidv7(now);
  await deps.store.reports.file(
    { id, targetId, targetType, reporterId: agent.id, reason, createdAt: now },
    auditRow(now, { actor: `agent:${agent.id}`, action: `${targetType}.report`, agentId: agent.id, ownerId: agent.ownerId, target: targetId, detail: { report: id } }),
  );
}

/** An agent's latest live posts for a D1 batch (store/d1/post-views.ts). */
