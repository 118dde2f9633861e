import { and, asc, count, eq, gt, gte, isNull, lt, sql, type SQLWrapper } from "drizzle-orm";
import type { AgentRow } from "../../schema";
import { first, type Portable } from "./portable";

export interface DayStats {
  day: number;
  agents: number;
  claimed: number;
  posts: number;
  comments: number;
  replied: number;
  duplicates: number;
  flagged: number;
}

export interface OutboxItem {
  target_type: string;
  target_id: string;
  op: string;
  attempts: number;
  last_error: string | null;
  created_at: number;
}

export interface OperatorSessionRow {
  id: string;
  hash: string;
  csrfHash: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

/** What the server knows about itself and shows its operator: activity, queues, sessions, the cron. */
export interface OperationsStore {
  /** Network totals, the days after `afterDay` from the daily rollup, and how many agents were active since `activeSince`: one call. */
  stats(afterDay: number, activeSince: number): Promise<{ totals: DayStats; days: DayStats[]; active: number }>;
  /**
   * How many items wait in the outbox (new items' derived work, then the vector index), how many of
   * them are parked (failed PARK_AFTER times: they wait for the operator), and the oldest (a stuck
   * embedder shows as an old item with attempts and an error).
   */
  outbox(parkedAt: number): Promise<{ depth: number; parked: number; oldest: OutboxItem | null }>;
  openReports(): Promise<number>;
  /** Agents whose lower-cased name starts with `key`, with their owner's handle. */
  agentsByPrefix(key: string, limit: number): Promise<(Pick<AgentRow, "name" | "karma" | "lastActive" | "suspendedUntil" | "suspendedIndefinitely"> & { owner: string | null })[]>;
  state(key: string): Promise<string | null>;
  setState(key: string, value: string, now: number): Promise<void>;
  addOperatorSession(row: OperatorSessionRow): Promise<void>;
  /** A live (not revoked, not expired) operator session by hash. */
  operatorSession(hash: string, now: number): Promise<OperatorSessionRow | null>;
  closeOperatorSession(id: string, now: number): Promise<void>;
  /** Forgets operator sessions that ended before `before`. */
  sweepOperatorSessions(before: number): Promise<void>;
  /** One cheap read (the health check's database probe). */
  ping(): Promise<void>;
  /** The benchmark's baselines: one indexed point read, one trigger-free insert. */
  benchRead(nameKey: string): Promise<{ id: string; name: string; karma: number } | null>;
  benchWrite(now: number): Promise<void>;
}

export function operationsStore(p: Portable): OperationsStore {
  const { dailyStats: d, agents, owners, reports, searchOutbox: outbox, serverState, operatorSessions: sessions, benchWrites } = p.t;
  const total = (c: SQLWrapper) => sql<number>`coalesce(sum(${c}), 0)`.mapWith(Number);
  return {
    async stats(afterDay, activeSince) {
      const [totals, days, active] = await p.reads((db) => [
        db
          .select({ day: sql<number>`0`.mapWith(Number), agents: total(d.agents), claimed: total(d.claimed), posts: total(d.posts), comments: total(d.comments), replied: total(d.replied), duplicates: total(d.duplicates), flagged: total(d.flagged) })
          .from(d),
        db.select().from(d).where(gt(d.day, afterDay)).orderBy(asc(d.day)),
        db.select({ n: count() }).from(agents).where(gt(agents.lastActive, activeSince)),
      ]);
      return { totals: totals[0]!, days, active: Number(active[0]?.n ?? 0) };
    },

    async outbox(parkedAt) {
      const [depth, oldest] = await p.reads((db) => [
        db.select({ n: count(), parked: sql<number>`coalesce(sum(CASE WHEN ${outbox.availableAt} >= ${parkedAt} THEN 1 ELSE 0 END), 0)`.mapWith(Number) }).from(outbox),
        db
          .select({ target_type: outbox.targetType, target_id: outbox.targetId, op: outbox.op, attempts: outbox.attempts, last_error: outbox.lastError, created_at: outbox.createdAt })
          .from(outbox)
          .orderBy(asc(outbox.id))
          .limit(1),
      ]);
      return { depth: Number(depth[0]?.n ?? 0), parked: Number(depth[0]?.parked ?? 0), oldest: oldest[0] ?? null };
    },

    async openReports() {
      // Literal IS NULL: the partial reports_open_idx holds exactly these rows.
      const row = await first(p.db.select({ n: count() }).from(reports).where(sql`${reports.resolvedAt} IS NULL`));
      return Number(row?.n ?? 0);
    },

    agentsByPrefix: (key, limit) =>
      p.db
        .select({ name: agents.name, karma: agents.karma, lastActive: agents.lastActive, suspendedUntil: agents.suspendedUntil, suspendedIndefinitely: agents.suspendedIndefinitely, owner: owners.handle })
        .from(agents)
        .leftJoin(owners, eq(owners.id, agents.ownerId))
        .where(and(gte(agents.nameKey, key), lt(agents.nameKey, `${key}~`)))
        .orderBy(asc(agents.nameKey))
        .limit(limit),

    async state(key) {
      return (await first(p.db.select({ value: serverState.value }).from(serverState).where(eq(serverState.key, key))))?.value ?? null;
    },

    async setState(key, value, now) {
      await p.db.insert(serverState).values({ key, value, updatedAt: now }).onConflictDoUpdate({ target: serverState.key, set: { value, updatedAt: now } });
    },

    async addOperatorSession(row) {
      await p.db.insert(sessions).values(row);
    },

    operatorSession: (hash, now) => first(p.db.select().from(sessions).where(and(eq(sessions.hash, hash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))),

    async closeOperatorSession(id, now) {
      await p.db.update(sessions).set({ revokedAt: now }).where(eq(sessions.id, id));
    },

    async sweepOperatorSessions(before) {
      await p.db.delete(sessions).where(lt(sessions.expiresAt, before));
    },

    async ping() {
      await first(p.db.select({ key: serverState.key }).from(serverState));
    },

    benchRead: (nameKey) => first(p.db.select({ id: agents.id, name: agents.name, karma: agents.karma }).from(agents).where(eq(agents.nameKey, nameKey))),

    async benchWrite(now) {
      await p.db.insert(benchWrites).values({ body: `bench ${now}`, createdAt: now });
    },
  };
}
