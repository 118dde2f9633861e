import type { AgentRow, SubmoltRow } from "../../schema";
import type { Deps } from "../app";
import type { SubmoltRole } from "../converters/submolt";
import { decodeCursor, encodeCursor, type Page } from "../domain/cursor";
import { nameKey } from "../domain/names";
import { badRequest, conflict, forbidden, isUniqueViolation, notFound } from "../errors";
import { uuidv7 } from "../lib/ids";
import { auditRow } from "../store/audit";
import type { SubmoltSort } from "../store/submolts";

const RESERVED = new Set(["admin", "mod", "api", "www", "moltbook", "help", "all", "popular", "tidepool"]);

export const submoltNotFound = () => notFound("Submolt", "List communities with GET /api/v1/submolts.");

/**
 * The seeded submolt /home shows to every agent as "the latest announcement": only its owner and
 * moderators (appointed by the operator) post there, or any agent could address all of them.
 */
export const ANNOUNCEMENTS = "announcements";

export async function submoltByName(deps: Deps, name: string): Promise<SubmoltRow> {
  const row = await deps.store.submolts.byName(name);
  if (!row) throw submoltNotFound();
  return row;
}

export const viewerOf = (deps: Deps, submoltId: string, agentId: string) => deps.store.submolts.viewer(submoltId, agentId);

export async function createSubmolt(
  deps: Deps,
  agent: AgentRow,
  input: { name: string; displayName?: string; description?: string; allowCrypto?: boolean },
) {
  const name = input.name.toLowerCase();
  if (RESERVED.has(name)) throw badRequest("This name is reserved", "Choose another community name.");
  const now = deps.clock.now();
  const id = uuidv7(now);
  try {
    await deps.store.submolts.create(
      { id, name, displayName: input.displayName ?? name, description: input.description ?? "", creatorId: agent.id, allowCrypto: input.allowCrypto ?? false, createdAt: now },
      auditRow(now, { actor: `agent:${agent.id}`, action: "submolt.create", agentId: agent.id, target: name }),
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict("Submolt name already taken", "Community names are unique ignoring case.");
    throw err;
  }
  return submoltByName(deps, name);
}

export type { SubmoltSort } from "../store/submolts";

export async function listSubmolts(deps: Deps, sort: SubmoltSort, limit: number, offset: number, cursor?: string): Promise<Page<SubmoltRow>> {
  const after = cursor ? decodeCursor(cursor, sort === "alphabetical" ? 1 : 2) : null;
  const rows = await deps.store.submolts.list(sort, after, limit, cursor ? 0 : offset);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const hasMore = rows.length > limit;
  const nextCursor =
    hasMore && last
      ? encodeCursor(sort === "alphabetical" ? [last.name] : [sort === "popular" ? last.subscriberCount : last.createdAt, last.id])
      : null;
  return { items, hasMore, nextCursor };
}

/** Idempotent: the counters move only when the membership row really changed (changes() chain in one batch). */
export const setSubscription = (deps: Deps, agentId: string, submolt: SubmoltRow, on: boolean) => deps.store.submolts.subscribe(agentId, submolt.id, on, deps.clock.now());

export async function requireRole(deps: Deps, submolt: { id: string }, agentId: string, roles: SubmoltRole[], message: string) {
  const { role } = await viewerOf(deps, submolt.id, agentId);
  if (!roles.includes(role)) throw forbidden(message, "Only this community's owner or moderators may do that.");
  return role;
}

export interface SettingsPatch {
  description?: string;
  displayName?: string;
  bannerColor?: string;
  themeColor?: string;
  allowCrypto?: boolean;
}

export async function updateSettings(deps: Deps, agentId: string, submolt: SubmoltRow, patch: SettingsPatch) {
  await requireRole(deps, submolt, agentId, ["owner", "moderator"], "You do not have permission to update this submolt");
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length === 0) {
    throw badRequest("No valid fields to update", "Send description, display_name, banner_color, theme_color or allow_crypto.");
  }
  const now = deps.clock.now();
  return deps.store.submolts.update(submolt.id, set, auditRow(now, { actor: `agent:${agentId}`, action: "submolt.settings", agentId, target: submolt.name, detail: set }));
}

export async function listModerators(deps: Deps, submolt: SubmoltRow) {
  const rows = await deps.store.submolts.moderators(submolt.id);
  return rows.map((r) => ({
    name: r.name,
    agent_name: r.name,
    display_name: r.displayName ?? r.name,
    role: r.role,
    created_at: new Date(r.createdAt).toISOString(),
  }));
}

async function agentIdByName(deps: Deps, name: string) {
  const row = await deps.store.agents.view({ nameKey: nameKey(name) });
  if (!row) throw notFound("Agent", "Check the moderator's agent name.");
  return row.agent.id;
}

export async function addModerator(deps: Deps, actorId: string, submolt: SubmoltRow, agentName: string, role: "moderator" | "owner") {
  await requireRole(deps, submolt, actorId, ["owner"], "Only owners can add moderators");
  await grantRole(deps, actorId, submolt, agentName, role);
}

/** Sets an agent's role; the caller has checked that the actor may (a submolt owner, or the operator: null). */
export async function grantRole(deps: Deps, actorId: string | null, submolt: SubmoltRow, agentName: string, role: "moderator" | "owner") {
  const agentId = await agentIdByName(deps, agentName);
  const now = deps.clock.now();
  await deps.store.submolts.setRole(submolt.id, agentId, role, now, auditRow(now, { actor: actorId ? `agent:${actorId}` : "operator", action: "submolt.moderator_add", agentId: actorId, target: `${submolt.name}:${agentName}` }));
}

export async function removeModerator(deps: Deps, actorId: string, submolt: SubmoltRow, agentName: string) {
  await requireRole(deps, submolt, actorId, ["owner"], "Only owners can remove moderators");
  await revokeRole(deps, actorId, submolt, agentName);
}

/** Takes a moderator's role away (never an owner's); the caller has checked that the actor may (a submolt owner, or the operator: null). */
export async function revokeRole(deps: Deps, actorId: string | null, submolt: SubmoltRow, agentName: string) {
  const agentId = await agentIdByName(deps, agentName);
  const { role } = await viewerOf(deps, submolt.id, agentId);
  if (role === "owner") throw forbidden("Cannot remove owner", "An owner cannot be removed from their community.");
  if (role === null) throw notFound("Moderator", "That agent is not a moderator here.");
  const now = deps.clock.now();
  await deps.store.submolts.removeRole(submolt.id, agentId, auditRow(now, { actor: actorId ? `agent:${actorId}` : "operator", action: "submolt.moderator_remove", agentId: actorId, target: `${submolt.name}:${agentName}` }));
}
