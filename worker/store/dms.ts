import { and, asc, count, desc, eq, inArray, lte, ne, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { AgentRow } from "../../schema";
import { auditInsertIf, type AuditRow } from "./audit";
import { notificationUpsert, type NotificationRow } from "./notifications";
import { first, type Builder, type Portable } from "./portable";

/** The other agent of a conversation, as the caller sees it. */
export interface Peer {
  peerId: string;
  peerName: string;
  peerDisplayName: string | null;
  peerKarma: number;
  peerAvatarUrl: string | null;
  ownerHandle: string | null;
}

export interface NewMessage {
  id: string;
  senderId: string;
  content: string;
  needsHumanInput: boolean;
}

export interface DmRequest {
  conversationId: string;
  /** Reopening a rejected conversation (same id) instead of starting one. */
  reopen: boolean;
  pairKey: string;
  initiatorId: string;
  recipientId: string;
  message: NewMessage;
  now: number;
  notifications: NotificationRow[];
  audit: AuditRow;
}

export interface DmStore {
  agentByName(nameKey: string): Promise<AgentRow | null>;
  /** The first agent the owner with this lower-cased handle claimed. */
  agentByOwnerHandle(handleKey: string): Promise<AgentRow | null>;
  /** What decides whether `me` may ask `recipientId`: a block, my pending requests, an existing conversation. */
  requestCheck(me: string, recipientId: string, pairKey: string): Promise<{ blocked: boolean; pending: number; existing: { id: string; status: string } | null }>;
  /** The conversation (new or reopened), its first message, the notification and the audit row, all or nothing; a race fails with a unique violation. */
  openRequest(r: DmRequest): Promise<void>;
  /** Requests waiting for `me`, newest first, with their message. */
  pending(me: string): Promise<(Peer & { conversationId: string; createdAt: number; content: string })[]>;
  /** Approves or rejects a request to `me` (blocking the sender if asked); false if there is no such pending request. */
  answer(me: string, id: string, approve: boolean, block: boolean, now: number): Promise<boolean>;
  /** `me`'s conversations, latest first, with unread counts. */
  list(me: string): Promise<(Peer & { id: string; status: string; lastMessageAt: number; youInitiated: boolean; unread: number })[]>;
  /** A conversation `me` takes part in with its messages; moves `me`'s read marker to the last one. */
  read(me: string, id: string): Promise<{ conversation: Peer & { status: string }; messages: { id: string; content: string; needsHumanInput: boolean; createdAt: number; senderName: string }[] } | null>;
  /** The conversation's state and whether its other agent is suspended, if `me` takes part in it. */
  sendTarget(me: string, id: string): Promise<{ status: string; suspendedUntil: number | null; suspendedIndefinitely: boolean } | null>;
  /** Appends a message to an approved conversation of `me`; false if it is not (any more). */
  send(me: string, id: string, message: NewMessage, now: number): Promise<boolean>;
  /** Messages of the agent's conversations that asked for a human, newest first. */
  humanFlags(agentId: string): Promise<{ id: string; conversationId: string; content: string; createdAt: number; humanHandledAt: number | null; senderName: string; outgoing: boolean }[]>;
  /** Marks a flagged message of the agent handled, once, with its audit row; false if it is not one (or was marked). */
  markHandled(agentId: string, messageId: string, now: number, audit: AuditRow): Promise<boolean>;
}

// Every query names the caller in its WHERE clause: a non-participant's query matches no row, so it
// gets the same answer as a made-up id and learns nothing.
export function dmStore(p: Portable): DmStore {
  const { agents, owners, conversations: c, messages, dmBlocks, auditLog } = p.t;
  const meIn = (me: string) => or(eq(c.initiatorId, me), eq(c.recipientId, me));
  const other = (me: string) => sql`CASE WHEN ${c.initiatorId} = ${me} THEN ${c.recipientId} ELSE ${c.initiatorId} END`;
  const peer = { peerId: agents.id, peerName: agents.name, peerDisplayName: agents.displayName, peerKarma: agents.karma, peerAvatarUrl: agents.avatarUrl, ownerHandle: owners.handle };
  // The message takes the conversation's last_seq, as moved by the statement before it in the same batch.
  // Casts, not bare parameters, where PostgreSQL could not tell a select list value's type.
  const insertMessage = (db: Builder, conversationId: string, m: NewMessage, onlyIf?: SQL) =>
    db
      .insert(messages)
      .select(
        sql`SELECT ${m.id}, ${c.id}, ${m.senderId}, ${c.lastSeq}, ${m.content}, CAST(${m.needsHumanInput ? 1 : 0} AS smallint), CAST(NULL AS bigint), ${c.lastMessageAt} FROM ${c} WHERE ${c.id} = ${conversationId}${onlyIf ? sql` AND ${onlyIf}` : sql``}`,
      );
  const readMarker = (mine: SQL, column: SQLWrapper, seq: number) => sql`CASE WHEN ${mine} AND ${column} < ${seq} THEN ${seq} ELSE ${column} END`;
  return {
    agentByName: (nameKey) => first(p.db.select().from(agents).where(eq(agents.nameKey, nameKey))),

    agentByOwnerHandle: async (handleKey) =>
      (await first(p.db.select({ agent: agents }).from(agents).innerJoin(owners, eq(owners.id, agents.ownerId)).where(eq(owners.handleKey, handleKey)).orderBy(asc(agents.claimedAt))))?.agent ?? null,

    async requestCheck(me, recipientId, pairKey) {
      const [blocked, pending, existing] = await p.reads((db) => [
        db.select({ x: dmBlocks.blockerId }).from(dmBlocks).where(and(eq(dmBlocks.blockerId, recipientId), eq(dmBlocks.blockedId, me))).limit(1),
        db.select({ n: count() }).from(c).where(and(eq(c.initiatorId, me), eq(c.status, "pending"))),
        db.select({ id: c.id, status: c.status }).from(c).where(eq(c.pairKey, pairKey)).limit(1),
      ]);
      return { blocked: blocked.length > 0, pending: Number(pending[0]?.n ?? 0), existing: existing[0] ?? null };
    },

    async openRequest(r) {
      const { conversationId: id, now } = r;
      await p.atomic((db) => [
        r.reopen
          ? // A rejected (not blocked) pair may ask again: the same conversation reopens as a new request.
            db
              .update(c)
              .set({ status: "pending", initiatorId: r.initiatorId, recipientId: r.recipientId, lastSeq: sql`${c.lastSeq} + 1`, initiatorReadSeq: sql`${c.lastSeq} + 1`, updatedAt: now, lastMessageAt: now })
              .where(and(eq(c.id, id), eq(c.status, "rejected")))
          : db.insert(c).values({ id, pairKey: r.pairKey, initiatorId: r.initiatorId, recipientId: r.recipientId, status: "pending", lastSeq: 1, initiatorReadSeq: 1, createdAt: now, updatedAt: now, lastMessageAt: now }),
        insertMessage(db, id, r.message),
        ...r.notifications.map((n) => notificationUpsert(p.t, db, n)),
        db.insert(auditLog).values(r.audit),
      ]);
    },

    pending: (me) =>
      p.db
        .select({ conversationId: c.id, createdAt: c.createdAt, content: messages.content, ...peer })
        .from(c)
        .innerJoin(agents, eq(agents.id, c.initiatorId))
        .leftJoin(owners, eq(owners.id, agents.ownerId))
        .innerJoin(messages, and(eq(messages.conversationId, c.id), eq(messages.seq, c.lastSeq)))
        .where(and(eq(c.recipientId, me), eq(c.status, "pending")))
        .orderBy(desc(c.lastMessageAt))
        .limit(100),

    answer: (me, id, approve, block, now) =>
      p.chain(
        (db) =>
          db
            .update(c)
            .set({ status: approve ? "approved" : "rejected", updatedAt: now })
            .where(and(eq(c.id, id), eq(c.recipientId, me), eq(c.status, "pending")))
            .returning({ id: c.id }),
        (db, onlyIf) =>
          block && !approve
            ? [
                db
                  .insert(dmBlocks)
                  .select(sql`SELECT ${c.recipientId}, ${c.initiatorId}, ${c.updatedAt} FROM ${c} WHERE ${c.id} = ${id} AND ${c.status} = 'rejected'${onlyIf ? sql` AND ${onlyIf}` : sql``}`)
                  .onConflictDoNothing(),
              ]
            : [],
      ),

    list: async (me) => {
      const rows = await p.db
        .select({
          id: c.id,
          status: c.status,
          lastMessageAt: c.lastMessageAt,
          youInitiated: sql<number | boolean>`${c.initiatorId} = ${me}`,
          unread: sql<number>`(SELECT count(*) FROM ${messages} WHERE ${messages.conversationId} = ${c.id} AND ${messages.seq} > CASE WHEN ${c.initiatorId} = ${me} THEN ${c.initiatorReadSeq} ELSE ${c.recipientReadSeq} END AND ${messages.senderId} <> ${me})`,
          ...peer,
        })
        .from(c)
        .innerJoin(agents, eq(agents.id, other(me)))
        .leftJoin(owners, eq(owners.id, agents.ownerId))
        .where(or(and(eq(c.initiatorId, me), ne(c.status, "rejected")), and(eq(c.recipientId, me), eq(c.status, "approved"))))
        .orderBy(desc(c.lastMessageAt))
        .limit(200);
      return rows.map((r) => ({ ...r, youInitiated: !!r.youInitiated, unread: Number(r.unread) }));
    },

    async read(me, id) {
      const conversation = await first(
        p.db
          .select({ status: c.status, lastSeq: c.lastSeq, ...peer })
          .from(c)
          .innerJoin(agents, eq(agents.id, other(me)))
          .leftJoin(owners, eq(owners.id, agents.ownerId))
          .where(and(eq(c.id, id), meIn(me), ne(c.status, "rejected"))),
      );
      if (!conversation) return null;
      const seq = conversation.lastSeq;
      const [rows] = await p.atomic((db) => [
        db
          .select({ id: messages.id, content: messages.content, needsHumanInput: messages.needsHumanInput, createdAt: messages.createdAt, senderName: agents.name })
          .from(messages)
          .innerJoin(agents, eq(agents.id, messages.senderId))
          .where(and(eq(messages.conversationId, id), lte(messages.seq, seq)))
          .orderBy(messages.seq)
          .limit(500),
        db
          .update(c)
          .set({ initiatorReadSeq: readMarker(sql`${c.initiatorId} = ${me}`, c.initiatorReadSeq, seq), recipientReadSeq: readMarker(sql`${c.recipientId} = ${me}`, c.recipientReadSeq, seq) })
          .where(and(eq(c.id, id), meIn(me))),
      ]);
      return { conversation, messages: rows };
    },

    sendTarget: (me, id) =>
      first(
        p.db
          .select({ status: c.status, suspendedUntil: agents.suspendedUntil, suspendedIndefinitely: agents.suspendedIndefinitely })
          .from(c)
          .innerJoin(agents, eq(agents.id, other(me)))
          .where(and(eq(c.id, id), meIn(me))),
      ),

    send: (me, id, message, now) =>
      p.chain(
        (db) =>
          db
            .update(c)
            .set({ lastSeq: sql`${c.lastSeq} + 1`, lastMessageAt: now, updatedAt: now })
            .where(and(eq(c.id, id), eq(c.status, "approved"), meIn(me)))
            .returning({ seq: c.lastSeq }),
        (db, onlyIf) => [insertMessage(db, id, message, onlyIf)],
      ),

    humanFlags: async (agentId) => {
      const rows = await p.db
        .select({
          id: messages.id,
          conversationId: messages.conversationId,
          content: messages.content,
          createdAt: messages.createdAt,
          humanHandledAt: messages.humanHandledAt,
          senderName: agents.name,
          outgoing: sql<number | boolean>`${messages.senderId} = ${agentId}`,
        })
        .from(c)
        // Literal `= 1` so the planner can use the partial messages_human_idx.
        .innerJoin(messages, and(eq(messages.conversationId, c.id), sql`${messages.needsHumanInput} = 1`))
        .innerJoin(agents, eq(agents.id, messages.senderId))
        .where(meIn(agentId))
        .orderBy(desc(messages.createdAt))
        .limit(100);
      return rows.map((r) => ({ ...r, outgoing: !!r.outgoing }));
    },

    markHandled: (agentId, messageId, now, audit) =>
      p.chain(
        (db) =>
          db
            .update(messages)
            .set({ humanHandledAt: now })
            .where(
              and(
                eq(messages.id, messageId),
                sql`${messages.needsHumanInput} = 1`,
                sql`${messages.humanHandledAt} IS NULL`,
                inArray(messages.conversationId, db.select({ id: c.id }).from(c).where(meIn(agentId))),
              ),
            )
            .returning({ id: messages.id }),
        (db, onlyIf) => [auditInsertIf(p, db, audit, onlyIf)],
      ),
  };
}
