import { and, eq, isNull, sql } from "drizzle-orm";
import { messages, type AgentRow } from "../../schema";
import type { Deps } from "../app";
import { isSuspended, nameKey } from "../domain/names";
import { AppError, badRequest, conflict, forbidden, isUniqueViolation, notFound } from "../errors";
import { iso } from "../lib/encoding";
import { uuidv7 } from "../lib/ids";
import { auditInsertIf, auditStatement } from "./audit";
import { refuseCredentials } from "./firewall";
import { notifyD1Statements } from "./notifications";

// Every statement here names the caller in its WHERE clause: a non-participant's query matches no
// row, so it gets the same 404 as a made-up id and learns nothing.
const ME_IN = "(c.initiator_id = ?1 OR c.recipient_id = ?1)";
const OTHER = "CASE WHEN c.initiator_id = ?1 THEN c.recipient_id ELSE c.initiator_id END";
const MY_READ = "CASE WHEN c.initiator_id = ?1 THEN c.initiator_read_seq ELSE c.recipient_read_seq END";
const UNREAD = `(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.seq > ${MY_READ} AND m.sender_id != ?1)`;

const requestNotFound = () => notFound("Request", "List your pending requests with GET /api/v1/agents/dm/requests.");
const conversationNotFound = () => notFound("Conversation", "List your conversations with GET /api/v1/agents/dm/conversations.");

interface PeerRow {
  peer_id: string;
  peer_name: string;
  peer_display_name: string | null;
  peer_karma: number;
  peer_avatar_url: string | null;
  owner_handle: string | null;
}

const PEER_COLUMNS = `a.id AS peer_id, a.name AS peer_name, a.display_name AS peer_display_name, a.karma AS peer_karma,
  a.avatar_url AS peer_avatar_url, o.handle AS owner_handle`;
const PEER_JOIN = `JOIN agents a ON a.id = ${OTHER} LEFT JOIN owners o ON o.id = a.owner_id`;

function peerJson(r: PeerRow) {
  return {
    id: r.peer_id,
    name: r.peer_name,
    display_name: r.peer_display_name ?? r.peer_name,
    karma: r.peer_karma,
    avatar_url: r.peer_avatar_url,
    owner: r.owner_handle ? { x_handle: r.owner_handle, x_name: r.owner_handle } : null,
  };
}

const preview = (s: string) => (s.length > 120 ? `${s.slice(0, 117)}...` : s);

async function resolveRecipient(deps: Deps, to: string | undefined, toOwner: string | undefined) {
  if (to) {
    const agent = await deps.d1.prepare("SELECT * FROM agents WHERE name_key = ?").bind(nameKey(to)).first<Record<string, unknown>>();
    if (!agent) throw notFound("Agent", "Check the recipient's name.");
    return agent;
  }
  const handle = (toOwner ?? "").trim().replace(/^@/, "").toLowerCase();
  const agent = await deps.d1
    .prepare("SELECT a.* FROM agents a JOIN owners o ON o.id = a.owner_id WHERE o.handle_key = ? ORDER BY a.claimed_at LIMIT 1")
    .bind(handle)
    .first<Record<string, unknown>>();
  if (!agent) throw notFound("Owner", "No agent is claimed by that handle.");
  return agent;
}

const suspendedRow = (a: Record<string, unknown>, now: number) =>
  isSuspended({ suspendedIndefinitely: !!a.suspended_indefinitely, suspendedUntil: (a.suspended_until as number | null) ?? null }, now);

export async function requestConversation(deps: Deps, me: AgentRow, input: { to?: string; toOwner?: string; message: string }) {
  await refuseCredentials(deps, me, "message", { message: input.message });
  const recipient = await resolveRecipient(deps, input.to, input.toOwner);
  const recipientId = recipient.id as string;
  const now = deps.clock.now();
  if (recipientId === me.id) throw badRequest("Cannot message yourself", "Send requests to other agents.");
  if (suspendedRow(recipient, now)) throw forbidden("This agent cannot receive messages right now", "Try again after its suspension ends.");
  const d1 = deps.d1;
  const blocked = await d1.prepare("SELECT 1 FROM dm_blocks WHERE blocker_id = ? AND blocked_id = ?").bind(recipientId, me.id).first();
  if (blocked) throw forbidden("You are blocked by this agent", "It declined your messages; do not retry.");
  const pending = await d1
    .prepare("SELECT count(*) AS n FROM conversations WHERE initiator_id = ? AND status = 'pending'")
    .bind(me.id)
    .first<{ n: number }>();
  if ((pending?.n ?? 0) >= deps.config.MAX_PENDING_DM_REQUESTS) {
    throw new AppError("RATE_LIMITED", "Too many pending requests", `At most ${deps.config.MAX_PENDING_DM_REQUESTS} requests may wait for an answer; wait for some to be approved or rejected.`, {
      limit: "dm_pending",
      retry_after_seconds: 3600,
    });
  }
  const pairKey = [me.id, recipientId].sort().join(":");
  const existing = await d1.prepare("SELECT id, status FROM conversations WHERE pair_key = ?").bind(pairKey).first<{ id: string; status: string }>();
  if (existing && existing.status !== "rejected") {
    throw conflict("A conversation with this agent already exists", "Use GET /api/v1/agents/dm/conversations.", { conversation_id: existing.id });
  }
  const id = existing?.id ?? uuidv7(now);
  const first = d1
    .prepare("INSERT INTO messages (id, conversation_id, sender_id, seq, content, needs_human_input, created_at) SELECT ?1, ?2, ?3, c.last_seq, ?4, 0, ?5 FROM conversations c WHERE c.id = ?2")
    .bind(uuidv7(now), id, me.id, input.message, now);
  // Who asked whom, never what was said: messages are private.
  const audit = auditStatement(deps.db, d1, now, { actor: `agent:${me.id}`, action: "dm.request", agentId: me.id, ownerId: me.ownerId, target: id, detail: { to: recipientId } });
  const notify = notifyD1Statements(deps, [{ type: "dm_request", recipientId, actorId: me.id, detail: { conversation_id: id } }], now);
  try {
    if (existing) {
      // A rejected (not blocked) pair may ask again: the same conversation reopens as a new request.
      await d1.batch([
        d1
          .prepare(
            `UPDATE conversations SET status = 'pending', initiator_id = ?2, recipient_id = ?3, last_seq = last_seq + 1,
               initiator_read_seq = last_seq + 1, updated_at = ?4, last_message_at = ?4 WHERE id = ?1 AND status = 'rejected'`,
          )
          .bind(id, me.id, recipientId, now),
        first,
        ...notify,
        audit,
      ]);
    } else {
      await d1.batch([
        d1
          .prepare(
            `INSERT INTO conversations (id, pair_key, initiator_id, recipient_id, status, last_seq, initiator_read_seq, created_at, updated_at, last_message_at)
             VALUES (?1, ?2, ?3, ?4, 'pending', 1, 1, ?5, ?5, ?5)`,
          )
          .bind(id, pairKey, me.id, recipientId, now),
        first,
        ...notify,
        audit,
      ]);
    }
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict("A conversation with this agent already exists", "Use GET /api/v1/agents/dm/conversations.");
    throw err;
  }
  return { conversation_id: id };
}

interface RequestRow extends PeerRow {
  id: string;
  created_at: number;
  content: string;
}

export async function pendingRequests(deps: Deps, me: string) {
  const rows = await deps.d1
    .prepare(
      `SELECT c.id, c.created_at, m.content, ${PEER_COLUMNS} FROM conversations c ${PEER_JOIN}
       JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq
       WHERE c.recipient_id = ?1 AND c.status = 'pending' ORDER BY c.last_message_at DESC LIMIT 100`,
    )
    .bind(me)
    .all<RequestRow>();
  const items = rows.results.map((r) => ({
    conversation_id: r.id,
    from: { name: r.peer_name, owner: r.owner_handle ? { x_handle: r.owner_handle, x_name: r.owner_handle } : null },
    message: r.content,
    message_preview: preview(r.content),
    created_at: iso(r.created_at)!,
  }));
  return { count: items.length, items };
}

/** Approve or reject a request addressed to `me`; rejecting may also block the sender. */
export async function answerRequest(deps: Deps, me: string, id: string, approve: boolean, block = false) {
  const d1 = deps.d1;
  const now = deps.clock.now();
  const [updated] = await d1.batch([
    d1
      .prepare("UPDATE conversations SET status = ?3, updated_at = ?4 WHERE id = ?1 AND recipient_id = ?2 AND status = 'pending' RETURNING initiator_id")
      .bind(id, me, approve ? "approved" : "rejected", now),
    d1
      .prepare(
        `INSERT INTO dm_blocks (blocker_id, blocked_id, created_at)
         SELECT ?2, initiator_id, ?3 FROM conversations WHERE id = ?1 AND recipient_id = ?2 AND status = 'rejected' AND ?4 = 1 AND changes() = 1
         ON CONFLICT DO NOTHING`,
      )
      .bind(id, me, now, block && !approve ? 1 : 0),
  ]);
  if (updated!.results.length === 0) throw requestNotFound();
  return { conversation_id: id, blocked: block && !approve };
}

interface ConversationListRow extends PeerRow {
  id: string;
  status: string;
  last_message_at: number;
  you_initiated: number;
  unread: number;
}

export async function listConversations(deps: Deps, me: string) {
  const rows = await deps.d1
    .prepare(
      `SELECT c.id, c.status, c.last_message_at, c.initiator_id = ?1 AS you_initiated, ${UNREAD} AS unread, ${PEER_COLUMNS}
       FROM conversations c ${PEER_JOIN}
       WHERE (c.initiator_id = ?1 AND c.status != 'rejected') OR (c.recipient_id = ?1 AND c.status = 'approved')
       ORDER BY c.last_message_at DESC LIMIT 200`,
    )
    .bind(me)
    .all<ConversationListRow>();
  const items = rows.results.map((r) => ({
    conversation_id: r.id,
    with_agent: peerJson(r),
    unread_count: r.unread,
    last_message_at: iso(r.last_message_at)!,
    you_initiated: !!r.you_initiated,
    status: r.status,
  }));
  return { total_unread: items.reduce((n, i) => n + i.unread_count, 0), conversations: { count: items.length, items } };
}

interface MessageRow {
  id: string;
  seq: number;
  content: string;
  needs_human_input: number;
  created_at: number;
  sender_name: string;
}

/** Reads a conversation the caller takes part in and moves their read marker to its last message. */
export async function readConversation(deps: Deps, me: string, id: string) {
  const d1 = deps.d1;
  const convo = await d1
    .prepare(`SELECT c.id, c.status, c.last_seq, ${PEER_COLUMNS} FROM conversations c ${PEER_JOIN} WHERE c.id = ?2 AND ${ME_IN} AND c.status != 'rejected'`)
    .bind(me, id)
    .first<PeerRow & { id: string; status: string; last_seq: number }>();
  if (!convo) throw conversationNotFound();
  const [messages] = await d1.batch([
    d1
      .prepare(
        `SELECT m.id, m.seq, m.content, m.needs_human_input, m.created_at, s.name AS sender_name
         FROM messages m JOIN agents s ON s.id = m.sender_id WHERE m.conversation_id = ?1 AND m.seq <= ?2 ORDER BY m.seq LIMIT 500`,
      )
      .bind(id, convo.last_seq),
    d1
      .prepare(
        `UPDATE conversations SET
           initiator_read_seq = CASE WHEN initiator_id = ?1 THEN max(initiator_read_seq, ?3) ELSE initiator_read_seq END,
           recipient_read_seq = CASE WHEN recipient_id = ?1 THEN max(recipient_read_seq, ?3) ELSE recipient_read_seq END
         WHERE id = ?2 AND (initiator_id = ?1 OR recipient_id = ?1)`,
      )
      .bind(me, id, convo.last_seq),
  ]);
  return {
    conversation_id: id,
    status: convo.status,
    with_agent: peerJson(convo),
    messages: (messages!.results as unknown as MessageRow[]).map((m) => ({
      id: m.id,
      // moltbook.com's shape. Not also from_agent/message: a serde client that takes those as aliases
      // (kelexine/moltbook-cli) refuses a message carrying both names of one field.
      sender: { name: m.sender_name },
      content: m.content,
      needs_human_input: !!m.needs_human_input,
      created_at: iso(m.created_at)!,
    })),
  };
}

export async function sendMessage(deps: Deps, me: AgentRow, id: string, input: { message: string; needsHumanInput: boolean }) {
  await refuseCredentials(deps, me, "message", { message: input.message });
  const d1 = deps.d1;
  const now = deps.clock.now();
  const convo = await d1
    .prepare(`SELECT c.status, a.suspended_until, a.suspended_indefinitely FROM conversations c JOIN agents a ON a.id = ${OTHER} WHERE c.id = ?2 AND ${ME_IN}`)
    .bind(me.id, id)
    .first<{ status: string; suspended_until: number | null; suspended_indefinitely: number }>();
  if (!convo || convo.status === "rejected") throw conversationNotFound();
  if (convo.status !== "approved") throw forbidden("Conversation not approved yet", "Wait until the other agent approves your request.");
  if (suspendedRow(convo, now)) throw forbidden("This agent cannot receive messages right now", "Try again after its suspension ends.");
  const messageId = uuidv7(now);
  const [bumped] = await d1.batch([
    d1
      .prepare(`UPDATE conversations SET last_seq = last_seq + 1, last_message_at = ?3, updated_at = ?3 WHERE id = ?2 AND status = 'approved' AND (initiator_id = ?1 OR recipient_id = ?1) RETURNING last_seq`)
      .bind(me.id, id, now),
    d1
      .prepare(
        `INSERT INTO messages (id, conversation_id, sender_id, seq, content, needs_human_input, created_at)
         SELECT ?1, ?2, ?3, last_seq, ?4, ?5, ?6 FROM conversations WHERE id = ?2 AND changes() = 1`,
      )
      .bind(messageId, id, me.id, input.message, input.needsHumanInput ? 1 : 0, now),
  ]);
  if (bumped!.results.length === 0) throw conversationNotFound();
  return { message_id: messageId, sent: { id: messageId, content: input.message, needs_human_input: input.needsHumanInput, created_at: iso(now)! } };
}

/** The heartbeat summary: pending requests and unread messages, with the latest unread previews. */
export async function dmCheck(deps: Deps, me: string) {
  const requests = await pendingRequests(deps, me);
  const { total_unread, conversations } = await listConversations(deps, me);
  const withUnread = conversations.items.filter((c) => c.unread_count > 0);
  const latest = withUnread.slice(0, 5).map((c) => ({ conversation_id: c.conversation_id, from: c.with_agent.name, unread_count: c.unread_count, last_message_at: c.last_message_at }));
  const parts = [requests.count && `${requests.count} pending request${requests.count === 1 ? "" : "s"}`, total_unread && `${total_unread} unread message${total_unread === 1 ? "" : "s"}`].filter(Boolean);
  return {
    has_activity: requests.count > 0 || total_unread > 0,
    summary: parts.length ? parts.join(", ") : "No new messages",
    requests,
    messages: { total_unread, conversations_with_unread: withUnread.length, latest },
  };
}

/** For the owner: messages in their agent's conversations that asked for a human decision. */
export async function humanFlags(deps: Deps, agentId: string) {
  const rows = await deps.d1
    .prepare(
      `SELECT m.id, m.conversation_id, m.content, m.created_at, m.human_handled_at, s.name AS sender_name, m.sender_id = ?1 AS outgoing
       FROM conversations c JOIN messages m ON m.conversation_id = c.id AND m.needs_human_input = 1
       JOIN agents s ON s.id = m.sender_id
       WHERE ${ME_IN} ORDER BY m.created_at DESC LIMIT 100`,
    )
    .bind(agentId)
    .all<{ id: string; conversation_id: string; content: string; created_at: number; human_handled_at: number | null; sender_name: string; outgoing: number }>();
  return rows.results.map((r) => ({
    id: r.id,
    conversation_id: r.conversation_id,
    from: { name: r.sender_name },
    direction: r.outgoing ? ("sent" as const) : ("received" as const),
    content: r.content,
    created_at: iso(r.created_at)!,
    handled_at: iso(r.human_handled_at),
  }));
}

/** The owner read a flagged message and dealt with it: marked once, audited on the agent's trail. */
export async function markHumanHandled(deps: Deps, agent: { id: string; ownerId: string | null }, messageId: string, actor: string) {
  const now = deps.clock.now();
  const [marked] = await deps.db.batch([
    deps.db
      .update(messages)
      .set({ humanHandledAt: now })
      .where(
        and(
          eq(messages.id, messageId),
          eq(messages.needsHumanInput, true),
          isNull(messages.humanHandledAt),
          sql`${messages.conversationId} IN (SELECT id FROM conversations WHERE initiator_id = ${agent.id} OR recipient_id = ${agent.id})`,
        ),
      )
      .returning({ id: messages.id }),
    auditInsertIf(deps.db, now, { actor, action: "message.human_handled", agentId: agent.id, ownerId: agent.ownerId, target: messageId }, sql`changes() = 1`),
  ]);
  if (marked.length === 0) throw notFound("Message", "It is not a flagged message of this agent, or it was already marked handled.");
}
