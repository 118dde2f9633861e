import { and, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import type { PostRow } from "../../schema";
import type { PostView } from "../converters/post";
import type { SubmoltRole } from "../converters/submolt";
import type { AuditRow } from "./audit";
import type { NotificationRow } from "./notifications";
import { rowValues } from "./insert-select";
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

export interface PostPlace {
  submolt: { id: string; name: string; displayName: string };
  /** The writer's ban there (its reason may be null), or null. */
  ban: { reason: string | null } | null;
  role: SubmoltRole;
}

/** A new post's own columns; the submolt is found by name in the write itself. */
export type NewPost = Omit<PostRow, "submoltId" | "upvotes" | "downvotes" | "score" | "commentCount" | "isPinned" | "pinnedAt" | "isLocked" | "isDeleted" | "removedBy" | "removalReason">;

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
  /** The submolt by name with the writer's ban and role there; null: no such submolt. */
  place(submoltName: string, agentId: string): Promise<PostPlace | null>;
  /**
   * The post and its counters, with its checks (the submolt exists, the writer is not
   * banned there, a submolt in `roleOnly` takes posts from its owner and moderators only) in the
   * same write: all or nothing, one D1 call. Answers the row and its author as written, or the place
   * as it read when a check refused it (what follows from it, its audit row included, is the
   * outbox's: services/derive.ts).
   */
  publish(post: NewPost, submoltName: string, roleOnly: string[]): Promise<Published<{ post: PostRow; submolt: PostPlace["submolt"] }, PostPlace>>;
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

/** A content write's outcome: what it wrote with its author as updated, or the place a check refused it at (null: no such place). */
export type Published<T, Place> = (T & { author: PostView["author"]; refused?: undefined }) | { refused: Place | null };

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

/** Which LSH buckets a near-duplicate check reads, within the retention window. */
export type NearQuery = { bandKeys: number[]; since: number; limit: number };

/** Earlier items sharing a bucket with the new one, likeliest first. */
export function candidatesQuery(p: Portable, db: Builder, near: NearQuery) {
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

export function toPlace(found: { id: string; name: string; displayName: string; ban: string | null; role: SubmoltRole } | undefined): PostPlace | null {
  if (!found) return null;
  return {
    submolt: { id: found.id, name: found.name, displayName: found.displayName },
    ban: found.ban === null ? null : (JSON.parse(found.ban) as { reason: string | null }),
    role: found.role,
  };
}

/**
 * The new post as one INSERT … SELECT whose FROM is its checks: the submolt by name, no ban of the
 * writer there, and for a submolt in `roleOnly` the writer's owner or moderator role. It inserts
 * nothing when a check fails (the caller reads why from placeQuery, in the same batch); the
 * exact-repeat trigger (migrations/0009) still aborts a repeat. Returns the row as inserted.
 */
export function insertCheckedPost(p: Portable, db: Builder, post: NewPost, submoltName: string, agentId: string, roleOnly: string[]) {
  const { posts, submolts, submoltBans, submoltRoles } = p.t;
  const restricted = roleOnly.length
    ? sql` AND (s.name NOT IN (${sql.join(roleOnly.map((n) => sql`${n}`), sql`, `)}) OR EXISTS (SELECT 1 FROM ${submoltRoles} r WHERE r.submolt_id = s.id AND r.agent_id = ${agentId} AND r.role IN ('owner', 'moderator')))`
    : sql``;
  return db
    .insert(posts)
    .select(
      sql`SELECT ${rowValues(posts, post, { submoltId: sql`s.id` })} FROM ${submolts} s
          WHERE s.name = ${submoltName.toLowerCase()}
            AND NOT EXISTS (SELECT 1 FROM ${submoltBans} b WHERE b.submolt_id = s.id AND b.agent_id = ${agentId})${restricted}`,
    )
    .returning();
}

/** The submolt a post was just inserted into, by the post's id (for its counters' statements). */
export const submoltOfPost = (p: Portable, postId: string) => sql`(SELECT ${p.t.posts.submoltId} FROM ${p.t.posts} WHERE ${p.t.posts.id} = ${postId})`;

/** True once the item `id` exists: the guard of the statements that follow an INSERT … SELECT in one batch. */
export const exists = (table: "posts" | "comments", id: string) => sql`EXISTS (SELECT 1 FROM ${sql.identifier(table)} WHERE id = ${id})`;

/**
 * An agent's last_active is kept to the hour: written when a write finds it an hour old, so most
 * writes leave the agent row's index on it alone (D1 bills each entry written).
 */
export const ACTIVE_RESOLUTION_MS = 3_600_000;

export function touchActive(p: Portable, db: Builder, agentId: string, now: number, onlyIf: SQL | undefined) {
  const { agents } = p.t;
  return db
    .update(agents)
    .set({ lastActive: now })
    .where(and(eq(agents.id, agentId), lt(agents.lastActive, now - ACTIVE_RESOLUTION_MS), onlyIf));
}
