import { and, desc, eq, sql } from "drizzle-orm";
import type { PostRow } from "../../schema";
import type { PostView } from "../converters/post";
import type { SubmoltRole } from "../converters/submolt";
import type { AuditRow } from "./audit";
import type { NotificationRow } from "./notifications";
import { first, type Builder, type Portable } from "./portable";

/** An earlier item sharing LSH buckets with a new one: its id and signature as stored (bytes). */
export type CandidateRow = { item_id: ArrayBuffer | number[] | Uint8Array; signature: ArrayBuffer | number[] | Uint8Array; created_at: number };

/** A new item's near-duplicate index entry: its signature and band keys. */
export interface NearIndexRow {
  itemType: number;
  itemId: string;
  createdAt: number;
  signature: Uint8Array;
  bandKeys: number[];
}

/** What a content write is checked against: the near-duplicate buckets and the names it mentions. */
export interface ContentChecks {
  near: { bandKeys: number[]; since: number; limit: number } | null;
  /** Lower-cased names. */
  mentions: string[];
}

/** What a content write writes beside the item, in the same batch or transaction. */
export interface ContentWrites {
  nearIndex: NearIndexRow | null;
  notifications: NotificationRow[];
  audit: AuditRow;
}

export interface PostPlace {
  submolt: { id: string; name: string; displayName: string };
  /** The writer's ban there (its reason may be null), or null. */
  ban: { reason: string | null } | null;
  role: SubmoltRole;
  candidates: CandidateRow[];
  /** Ids of the mentioned agents that exist. */
  mentioned: string[];
}

export type NewPost = Omit<PostRow, "upvotes" | "downvotes" | "score" | "commentCount" | "isPinned" | "pinnedAt" | "isLocked" | "isDeleted" | "removedBy" | "removalReason">;

/** A take-down's row changes and writes: the notifications only if this call took the item down; its open reports close; the audit row. */
export interface TakeDownWrites {
  removedBy: string | null;
  removalReason: string | null;
  resolution: "deleted" | "removed";
  notifications: NotificationRow[];
  audit: AuditRow;
  now: number;
}

export interface PostTakeDown extends TakeDownWrites {
  post: { id: string; authorId: string };
  submoltId: string;
}

export interface PostStore {
  /** The submolt by name with the writer's ban and role there, and the write's checks; null: no such submolt. */
  place(submoltName: string, agentId: string, checks: ContentChecks): Promise<PostPlace | null>;
  /** The post with its counters, index entry, notifications and audit row, all or nothing; answers the row and its author as written. */
  create(post: NewPost, writes: ContentWrites): Promise<{ post: PostRow; author: PostView["author"] }>;
  /** A live post as readers see it, with the viewer's vote. */
  view(id: string, viewerId: string | null): Promise<PostView | null>;
  /** Who removed a post that moderators or the operator took down, and why; null for any other post. */
  removal(id: string): Promise<{ by: string; reason: string | null } | null>;
  /** The author's latest live post or comment with this text fingerprint: the original an exact repeat is refused for. */
  repeatOf(table: "posts" | "comments", authorId: string, contentHash: string): Promise<string | null>;
  /**
   * Pins (at most `max` per submolt: the cap holds against concurrent moderators) or unpins a
   * post; the notification is written only if this call changed the pin.
   */
  pin(postId: string, submoltId: string, pinned: boolean, max: number, now: number, notification: NotificationRow | null): Promise<"changed" | "unchanged" | "full">;
  /** Takes a live post down; counts drop and notifications go only if this call took it down. Open reports close; the audit row is written. */
  takeDown(d: PostTakeDown): Promise<void>;
}

/** The author fields every post and comment view carries. */
export const authorFields = (p: Portable) => ({ id: p.t.agents.id, name: p.t.agents.name, displayName: p.t.agents.displayName, karma: p.t.agents.karma, avatarUrl: p.t.agents.avatarUrl });

/** Posts as readers see them (author, submolt, the viewer's vote), to be narrowed by the caller's WHERE. */
export function viewSelect(p: Portable, viewerId: string | null) {
  const { posts, agents, submolts, votes } = p.t;
  return p.db
    .select({ post: posts, author: authorFields(p), submolt: { id: submolts.id, name: submolts.name, displayName: submolts.displayName }, userVote: votes.value })
    .from(posts)
    .innerJoin(agents, eq(agents.id, posts.authorId))
    .innerJoin(submolts, eq(submolts.id, posts.submoltId))
    .leftJoin(votes, and(eq(votes.agentId, viewerId ?? ""), eq(votes.targetId, posts.id)));
}

/** Literal `= 0` (not a bound parameter) so the planner can use the partial "live posts" indexes. */
export const livePosts = (p: Portable) => sql`${p.t.posts.isDeleted} = 0`;

/** The reads both stores spell the same. */
export function portablePosts(p: Portable): Pick<PostStore, "view" | "removal" | "repeatOf"> {
  const { posts } = p.t;
  return {
    view: (id, viewerId) => first(viewSelect(p, viewerId).where(and(eq(posts.id, id), livePosts(p)))),
    async repeatOf(table, authorId, contentHash) {
      const t = p.t[table];
      const row = await first(
        p.db
          .select({ id: t.id })
          .from(t)
          .where(and(eq(t.authorId, authorId), eq(t.contentHash, contentHash), sql`${t.isDeleted} = 0`))
          .orderBy(desc(t.createdAt)),
      );
      return row?.id ?? null;
    },
    async removal(id) {
      const row = await first(p.db.select({ by: posts.removedBy, reason: posts.removalReason }).from(posts).where(and(eq(posts.id, id), sql`${posts.removedBy} IS NOT NULL`)));
      return row && { by: row.by!, reason: row.reason };
    },
  };
}

/** The place query's columns: the submolt, the writer's ban (JSON text) and role there. */
export function placeQuery(p: Portable, db: Builder, submoltName: string, agentId: string) {
  const { submolts, submoltBans, submoltRoles } = p.t;
  return db
    .select({
      id: submolts.id,
      name: submolts.name,
      displayName: submolts.displayName,
      ban: sql<string | null>`(SELECT ${p.dialect.jsonObject({ reason: sql`reason` })} FROM ${submoltBans} WHERE ${submoltBans.submoltId} = ${submolts.id} AND ${submoltBans.agentId} = ${agentId})`,
      role: sql<SubmoltRole>`(SELECT role FROM ${submoltRoles} WHERE ${submoltRoles.submoltId} = ${submolts.id} AND ${submoltRoles.agentId} = ${agentId})`,
    })
    .from(submolts)
    .where(eq(submolts.name, submoltName.toLowerCase()));
}

/** Earlier items sharing a bucket with the new one, likeliest first. */
export function candidatesQuery(p: Portable, db: Builder, near: NonNullable<ContentChecks["near"]>) {
  const { nearBands, nearSignatures } = p.t;
  return db
    // Raw bytes, as bytes() reads them (no column decoding).
    .select({ item_id: sql<CandidateRow["item_id"]>`${nearSignatures.itemId}`, signature: sql<CandidateRow["signature"]>`${nearSignatures.signature}`, created_at: nearSignatures.createdAt })
    .from(nearBands)
    .innerJoin(nearSignatures, sql`${nearSignatures.id} = ${nearBands.signatureId}`)
    .where(and(p.dialect.inList(nearBands.key, near.bandKeys, "bigint"), sql`${nearSignatures.createdAt} >= ${near.since}`))
    .groupBy(nearSignatures.id)
    .orderBy(sql`count(*) DESC`, nearSignatures.id)
    .limit(near.limit);
}

/** The ids of the mentioned agents. */
export const mentionsQuery = (p: Portable, db: Builder, names: string[]) => db.select({ id: p.t.agents.id }).from(p.t.agents).where(p.dialect.inList(p.t.agents.nameKey, names, "text"));

export function toPlace(found: { id: string; name: string; displayName: string; ban: string | null; role: SubmoltRole } | undefined, candidates: CandidateRow[], mentioned: { id: string }[]): PostPlace | null {
  if (!found) return null;
  return {
    submolt: { id: found.id, name: found.name, displayName: found.displayName },
    ban: found.ban === null ? null : (JSON.parse(found.ban) as { reason: string | null }),
    role: found.role,
    candidates,
    mentioned: mentioned.map((m) => m.id),
  };
}
