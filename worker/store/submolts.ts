import { and, asc, desc, eq, lt, or, sql, type SQL } from "drizzle-orm";
import type { SubmoltRow } from "../../schema";
import type { SubmoltRole } from "../converters/submolt";
import type { PostView } from "../converters/post";
import { auditInsertIf, type AuditRow } from "./audit";
import { first, type Portable } from "./portable";

export type SubmoltSort = "popular" | "new" | "alphabetical";

export interface NewSubmolt {
  id: string;
  name: string;
  displayName: string;
  description: string;
  creatorId: string;
  allowCrypto: boolean;
  createdAt: number;
}

export interface SubmoltStore {
  byName(name: string): Promise<SubmoltRow | null>;
  /** The agent's role in the submolt and whether it is subscribed. */
  viewer(submoltId: string, agentId: string): Promise<{ role: SubmoltRole; subscribed: boolean }>;
  /** The submolt with its creator as owner and first subscriber, all or nothing; a taken name fails with a unique violation. */
  create(submolt: NewSubmolt, audit: AuditRow): Promise<void>;
  /** A page in the sort (limit + 1 rows), after a cursor's keys: [name] alphabetically, else [count or time, id]. */
  list(sort: SubmoltSort, after: unknown[] | null, limit: number, offset: number): Promise<SubmoltRow[]>;
  /** Subscribes (or unsubscribes); counters move only when the membership really changed. Answers whether it did. */
  subscribe(agentId: string, submoltId: string, on: boolean, now: number): Promise<boolean>;
  update(submoltId: string, set: Partial<SubmoltRow>, audit: AuditRow): Promise<SubmoltRow>;
  /** Points the submolt's avatar or banner at a stored image. */
  setImage(submoltId: string, set: { avatarUrl: string } | { bannerUrl: string }): Promise<SubmoltRow>;
  moderators(submoltId: string): Promise<{ name: string; displayName: string | null; role: "owner" | "moderator"; createdAt: number }[]>;
  setRole(submoltId: string, agentId: string, role: "owner" | "moderator", now: number, audit: AuditRow): Promise<void>;
  removeRole(submoltId: string, agentId: string, audit: AuditRow): Promise<void>;
  /** Bans the agent (again: the reason and time are replaced). */
  ban(submoltId: string, agentId: string, reason: string, bannedBy: string, now: number, audit: AuditRow): Promise<void>;
  /** Lifts a ban; false when there was none. */
  unban(submoltId: string, agentId: string, audit: AuditRow): Promise<boolean>;
  /** The submolt's bans, newest first (at most 500). */
  bans(submoltId: string): Promise<{ name: string; reason: string; createdAt: number }[]>;
  /** The submolt and (when asked) its pinned posts, oldest pin first. */
  withPins(name: string, viewerId: string | null, withPins: boolean): Promise<{ submolt: SubmoltRow | null; pinned: PostView[] }>;
}

/** Submolts on either store: no write here needs more than drizzle's shared builder. */
export function submoltStore(p: Portable, pins: (name: string, viewerId: string | null) => Promise<{ submolt: SubmoltRow | null; pinned: PostView[] }>): SubmoltStore {
  const { submolts, submoltRoles, submoltBans, subscriptions, agents, auditLog } = p.t;
  return {
    byName: (name) => first(p.db.select().from(submolts).where(eq(submolts.name, name.toLowerCase()))),

    async viewer(submoltId, agentId) {
      const [role, sub] = await p.reads((db) => [
        db.select({ role: submoltRoles.role }).from(submoltRoles).where(and(eq(submoltRoles.submoltId, submoltId), eq(submoltRoles.agentId, agentId))),
        db.select({ x: subscriptions.agentId }).from(subscriptions).where(and(eq(subscriptions.agentId, agentId), eq(subscriptions.submoltId, submoltId))),
      ]);
      return { role: (role[0]?.role ?? null) as SubmoltRole, subscribed: sub.length > 0 };
    },

    async create(s, audit) {
      const now = s.createdAt;
      await p.atomic((db) => [
        db.insert(submolts).values({ ...s, subscriberCount: 1, lastActivityAt: now }),
        db.insert(submoltRoles).values({ submoltId: s.id, agentId: s.creatorId, role: "owner", createdAt: now }),
        db.insert(subscriptions).values({ agentId: s.creatorId, submoltId: s.id, createdAt: now }),
        db.update(agents).set({ subscriptionsCount: sql`${agents.subscriptionsCount} + 1` }).where(eq(agents.id, s.creatorId)),
        db.insert(auditLog).values(audit),
      ]);
    },

    list(sort, after, limit, offset) {
      const order = {
        popular: [desc(submolts.subscriberCount), desc(submolts.id)],
        new: [desc(submolts.createdAt), desc(submolts.id)],
        alphabetical: [asc(submolts.name)],
      }[sort];
      let where: SQL | undefined;
      if (after) {
        if (sort === "alphabetical") where = sql`${submolts.name} > ${after[0]}`;
        else {
          const col = sort === "popular" ? submolts.subscriberCount : submolts.createdAt;
          const [k, id] = after as [number, string];
          where = or(lt(col, k), and(eq(col, k), lt(submolts.id, id)));
        }
      }
      return p.db.select().from(submolts).where(where).orderBy(...order).limit(limit + 1).offset(offset);
    },

    subscribe(agentId, submoltId, on, now) {
      const delta = on ? 1 : -1;
      return p.chain(
        (db) =>
          on
            ? db.insert(subscriptions).values({ agentId, submoltId, createdAt: now }).onConflictDoNothing().returning({ id: subscriptions.agentId })
            : db.delete(subscriptions).where(and(eq(subscriptions.agentId, agentId), eq(subscriptions.submoltId, submoltId))).returning({ id: subscriptions.agentId }),
        (db, onlyIf) => [
          db.update(submolts).set({ subscriberCount: sql`${submolts.subscriberCount} + ${delta}` }).where(and(eq(submolts.id, submoltId), onlyIf)),
          db.update(agents).set({ subscriptionsCount: sql`${agents.subscriptionsCount} + ${delta}` }).where(and(eq(agents.id, agentId), onlyIf)),
        ],
      );
    },

    async update(submoltId, set, audit) {
      const [rows] = await p.atomic((db) => [db.update(submolts).set(set).where(eq(submolts.id, submoltId)).returning(), db.insert(auditLog).values(audit)]);
      return rows[0]!;
    },

    async setImage(submoltId, set) {
      return (await p.db.update(submolts).set(set).where(eq(submolts.id, submoltId)).returning())[0]!;
    },

    moderators: (submoltId) =>
      p.db
        .select({ name: agents.name, displayName: agents.displayName, role: submoltRoles.role, createdAt: submoltRoles.createdAt })
        .from(submoltRoles)
        .innerJoin(agents, eq(agents.id, submoltRoles.agentId))
        .where(eq(submoltRoles.submoltId, submoltId))
        .orderBy(asc(submoltRoles.createdAt)),

    async setRole(submoltId, agentId, role, now, audit) {
      await p.atomic((db) => [
        db.insert(submoltRoles).values({ submoltId, agentId, role, createdAt: now }).onConflictDoUpdate({ target: [submoltRoles.submoltId, submoltRoles.agentId], set: { role } }),
        db.insert(auditLog).values(audit),
      ]);
    },

    async removeRole(submoltId, agentId, audit) {
      await p.atomic((db) => [db.delete(submoltRoles).where(and(eq(submoltRoles.submoltId, submoltId), eq(submoltRoles.agentId, agentId))), db.insert(auditLog).values(audit)]);
    },

    async ban(submoltId, agentId, reason, bannedBy, now, audit) {
      await p.atomic((db) => [
        db
          .insert(submoltBans)
          .values({ submoltId, agentId, reason, bannedBy, createdAt: now })
          .onConflictDoUpdate({ target: [submoltBans.submoltId, submoltBans.agentId], set: { reason, bannedBy, createdAt: now } }),
        db.insert(auditLog).values(audit),
      ]);
    },

    async unban(submoltId, agentId, audit) {
      const where = and(eq(submoltBans.submoltId, submoltId), eq(submoltBans.agentId, agentId));
      // The audit row only if a ban was lifted.
      return p.chain((db) => db.delete(submoltBans).where(where).returning({ id: submoltBans.agentId }), (db, onlyIf) => [auditInsertIf(p, db, audit, onlyIf)]);
    },

    bans: (submoltId) =>
      p.db
        .select({ name: agents.name, reason: submoltBans.reason, createdAt: submoltBans.createdAt })
        .from(submoltBans)
        .innerJoin(agents, eq(agents.id, submoltBans.agentId))
        .where(eq(submoltBans.submoltId, submoltId))
        .orderBy(desc(submoltBans.createdAt))
        .limit(500),

    withPins: (name, viewerId, withPins) => (withPins ? pins(name, viewerId) : first(p.db.select().from(submolts).where(eq(submolts.name, name.toLowerCase()))).then((submolt) => ({ submolt, pinned: [] }))),
  };
}
