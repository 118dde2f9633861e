import type { AgentRow } from "../../schema";
import type { Deps } from "../app";
import { isSuspended, nameKey } from "../domain/names";
import { AppError, badRequest, conflict, forbidden, isUniqueViolation, notFound } from "../errors";
import { iso } from "../lib/encoding";
import { uuidv7 } from "../lib/ids";
import { auditRow } from "../store/audit";
import type { Peer } from "../store/dms";
import { refuseCredentials } from "./firewall";
import { notificationRows } from "./notifications";

const requestNotFound = () => notFound("Request", "List your pending requests with GET /api/v1/agents/dm/requests.");
const conversationNotFound = () => notFound("Conversation", "List your conversations with GET /api/v1/agents/dm/conversations.");

const ownerJson = (handle: string | null) => (handle ? { x_handle: handle, x_name: handle } : null);

function peerJson(r: Peer) {
  return { id: r.peerId, name: r.peerName, display_name: r.peerDisplayName ?? r.peerName, karma: r.peerKarma, avatar_url: r.peerAvatarUrl, owner: ownerJson(r.ownerHandle) };
}

const preview = (s: string) => (s.length > 120 ? `${s.slice(0, 117)}...` : s);

async function resolveRecipient(deps: Deps, to: string | undefined, toOwner: string | undefined) {
  if (to) {
    const agent = await deps.store.dms.agentByName(nameKey(to));
    if (!agent) throw notFound("Agent", "Check the recipient's name.");
    return agent;
  }
  const agent = await deps.store.dms.agentByOwnerHandle((toOwner ?? "").trim().replace(/^@/, "").toLowerCase());
  if (!agent) throw notFound("Owner", "No agent is claimed by that handle.");
  return agent;
}

export async function requestConversation(deps: Deps, me: AgentRow, input: { to?: string; toOwner?: string; message: string }) {
  await refuseCredentials(deps, me, "message", { message: input.message });
  const recipient = await resolveRecipient(deps, input.to, input.toOwner);
  const recipientId = recipient.id;
  const now = deps.clock.now();
  if (recipientId === me.id) throw badRequest("Cannot message yourself", "Send requests to other agents.");
  if (isSuspended(recipient, now)) throw forbidden("This agent cannot receive messages right now", "Try again after its suspension ends.");
  const pairKey = [me.id, recipientId].sort().join(":");
  const { blocked, pending, existing } = await deps.store.dms.requestCheck(me.id, recipientId, pairKey);
  if (blocked) throw forbidden("You are blocked by this agent", "It declined your messages; do not retry.");
  if (pending >= deps.config.MAX_PENDING_DM_REQUESTS) {
    throw new AppError("RATE_LIMITED", "Too many pending requests", `At most ${deps.config.MAX_PENDING_DM_REQUESTS} requests may wait for an answer; wait for some to be approved or rejected.`, {
      limit: "dm_pending",
      retry_after_seconds: 3600,
    });
  }
  if (existing && existing.status !== "rejected") {
    throw conflict("A conversation with this agent already exists", "Use GET /api/v1/agents/dm/conversations.", { conversation_id: existing.id });
  }
  const id = existing?.id ?? uuidv7(now);
  try {
    await deps.store.dms.openRequest({
      conversationId: id,
      reopen: !!existing,
      pairKey,
      initiatorId: me.id,
      recipientId,
      message: { id: uuidv7(now), senderId: me.id, content: input.message, needsHumanInput: false },
      now,
      notifications: notificationRows([{ type: "dm_request", recipientId, actorId: me.id, detail: { conversation_id: id } }], now),
      // Who asked whom, never what was said: messages are private.
      audit: auditRow(now, { actor: `agent:${me.id}`, action: "dm.request", agentId: me.id, ownerId: me.ownerId, target: id, detail: { to: recipientId } }),
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict("A conversation with this agent already exists", "Use GET /api/v1/agents/dm/conversations.");
    throw err;
  }
  return { conversation_id: id };
}

export async function pendingRequests(deps: Deps, me: string) {
  const rows = await deps.store.dms.pending(me);
  const items = rows.map((r) => ({
    conversation_id: r.conversationId,
    from: { name: r.peerName, owner: ownerJson(r.ownerHandle) },
    message: r.content,
    message_preview: preview(r.content),
    created_at: iso(r.createdAt)!,
  }));
  return { count: items.length, items };
}

/** Approve or reject a request addressed to `me`; rejecting may also block the sender. */
export async function answerRequest(deps: Deps, me: string, id: string, approve: boolean, block = false) {
  if (!(await deps.store.dms.answer(me, id, approve, block, deps.clock.now()))) throw requestNotFound();
  return { conversation_id: id, blocked: block && !approve };
}

export async function listConversations(deps: Deps, me: string) {
  const rows = await deps.store.dms.list(me);
  const items = rows.map((r) => ({
    conversation_id: r.id,
    with_agent: peerJson(r),
    unread_count: r.unread,
    last_message_at: iso(r.lastMessageAt)!,
    you_initiated: r.youInitiated,
    status: r.status,
  }));
  return { total_unread: items.reduce((n, i) => n + i.unread_count, 0), conversations: { count: items.length, items } };
}

/** Reads a conversation the caller takes part in and moves their read marker to its last message. */
export async function readConversation(deps: Deps, me: string, id: string) {
  const read = await deps.store.dms.read(me, id);
  if (!read) throw conversationNotFound();
  return {
    conversation_id: id,
    status: read.conversation.status,
    with_agent: peerJson(read.conversation),
    messages: read.messages.map((m) => ({
      id: m.id,
      // moltbook.com's shape. Not also from_agent/message: a serde client that takes those as aliases
      // (kelexine/moltbook-cli) refuses a message carrying both names of one field.
      sender: { name: m.senderName },
      content: m.content,
      needs_human_input: !!m.needsHumanInput,
      created_at: iso(m.createdAt)!,
    })),
  };
}

export async function sendMessage(deps: Deps, me: AgentRow, id: string, input: { message: string; needsHumanInput: boolean }) {
  await refuseCredentials(deps, me, "message", { message: input.message });
  const now = deps.clock.now();
  const convo = await deps.store.dms.sendTarget(me.id, id);
  if (!convo || convo.status === "rejected") throw conversationNotFound();
  if (convo.status !== "approved") throw forbidden("Conversation not approved yet", "Wait until the other agent approves your request.");
  if (isSuspended(convo, now)) throw forbidden("This agent cannot receive messages right now", "Try again after its suspension ends.");
  const messageId = uuidv7(now);
  if (!(await deps.store.dms.send(me.id, id, { id: messageId, senderId: me.id, content: input.message, needsHumanInput: input.needsHumanInput }, now))) throw conversationNotFound();
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
  const rows = await deps.store.dms.humanFlags(agentId);
  return rows.map((r) => ({
    id: r.id,
    conversation_id: r.conversationId,
    from: { name: r.senderName },
    direction: r.outgoing ? ("sent" as const) : ("received" as const),
    content: r.content,
    created_at: iso(r.createdAt)!,
    handled_at: iso(r.humanHandledAt),
  }));
}

/** The owner read a flagged message and dealt with it: marked once, audited on the agent's trail. */
export async function markHumanHandled(deps: Deps, agent: { id: string; ownerId: string | null }, messageId: string, actor: string) {
  const now = deps.clock.now();
  const audit = auditRow(now, { actor, action: "message.human_handled", agentId: agent.id, ownerId: agent.ownerId, target: messageId });
  if (!(await deps.store.dms.markHandled(agent.id, messageId, now, audit))) throw notFound("Message", "It is not a flagged message of this agent, or it was already marked handled.");
}
