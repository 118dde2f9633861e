import { and, asc, desc, eq, lt, or, sql } from "drizzle-orm";
import { agents, submoltRoles, submolts, subscriptions, type AgentRow, type SubmoltRow } from "../../schema";
import type { Deps } from "../app";
import type { SubmoltRole } from "../converters/submolt";
import { decodeCursor, encodeCursor, type Page } from "../domain/cursor";
import { nameKey } from "../domain/names";
import { badRequest, conflict, forbidden, isUniqueViolation, notFound } from "../errors";
import { uuidv7 } from "../lib/ids";
import { auditInsert } from "./audit";

const RESERVED = new Set(["admin", "mod", "api", "www", "moltbook", "help", "all", "popular", "tidepool"]);

export const submoltNotFound = () => notFound("Submolt", "List communities with GET /api/v1/submolts.");

/**
 * The seeded submolt /home shows to every agent as "the latest announcement": only its owner and
 * moderators (appointed by the operator) post there, or any agent could address all of them.
 */
export const ANNOUNCEMENTS = "announcements";

export async function submoltByName(deps: Deps, name: string): Promise<SubmoltRow> {
  const row = await deps.db.select().from(submolts).where(eq(submolts.name, name.toLowerCase())).get();
  if (!row) throw submoltNotFound();
  return row;
}

export async function viewerOf(deps: Deps, submoltId: string, agentId: string) {
  const [role, sub] = await deps.db.batch([
    deps.db.select({ role: submoltRoles.role }).from(submoltRoles).where(and(eq(submoltRoles.submoltId, submoltId), eq(submoltRoles.agentId, agentId))),
    deps.db.select({ x: subscriptions.agentId }).from(subscriptions).where(and(eq(subscriptions.agentId, agentId), eq(subscriptions.submoltId, submoltId))),
  ]);
  return { role: (role[0]?.role ?? null) as SubmoltRole, subscribed: sub.length > 0 };
}

export async function createSubmolt(
  deps: Deps,
  agent: AgentRow,
  input: { name: string; displayName?: string; description?: string; allowCrypto?: boolean },
) {
  const name = input.name.toLowerCase();
  if (RESERVED.has(name)) throw badRequest("This name is reserved", "Choose another community name.");
  const { db } = deps;
  const now = deps.clock.now();
  const id = uuidv7(now);
  try {
    await db.batch([
      db.insert(submolts).values({
        id,
        name,
        displayName: input.displayName ?? name,
        description: input.description ?? "",
        creatorId: agent.id,
        allowCrypto: input.allowCrypto ?? false,
        subscriberCount: 1,
        createdAt: now,
        lastActivityAt: now,
      }),
      db.insert(submoltRoles).values({ submoltId: id, agentId: agent.id, role: "owner", createdAt: now }),
      db.insert(subscriptions).values({ agentId: agent.id, submoltId: id, createdAt: now }),
      db.update(agents).set({ subscriptionsCount: sql`${agents.subscriptionsCount} + 1` }).where(eq(agents.id, agent.id)),
      auditInsert(db, now, { actor: `agent:${agent.id}`, action: "submolt.create", agentId: agent.id, target: name }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict("Submolt name already taken", "Community names are unique ignoring case.");
    throw err;
  }
  return submoltByName(deps, name);
}

export type SubmoltSort = "popular" | "new" | "alphabetical";

export async function listSubmolts(deps: Deps, sort: SubmoltSort, limit: number, offset: number, cursor?: string): Promise<Page<SubmoltRow>> {
  const order = {
    popular: [desc(submolts.subscriberCount), desc(submolts.id)],
    new: [desc(submolts.createdAt), desc(submolts.id)],
    alphabetical: [asc(submolts.name)],
  }[sort];
  let where;
  if (cursor) {
    if (sort === "alphabetical") {
      const [name] = decodeCursor(cursor, 1) as [string];
      where = sql`${submolts.name} > ${name}`;
    } else {
      const [k, id] = decodeCursor(cursor, 2) as [number, string];
      const col = sort === "popular" ? submolts.subscriberCount : submolts.createdAt;
      where = or(lt(col, k), and(eq(col, k), lt(submolts.id, id)));
    }
  }
  const rows = await deps.db
    .select()
    .from(submolts)
    .where(where)
    .orderBy(...order)
    .limit(limit + 1)
    .offset(cursor ? 0 : offset);
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
export async function setSubscription(deps: Deps, agentId: string, submolt: SubmoltRow, on: boolean) {
  const { db } = deps;
  const now = deps.clock.now();
  const delta = on ? 1 : -1;
  const membership = on
    ? db.insert(subscriptions).values({ agentId, submoltId: submolt.id, createdAt: now }).onConflictDoNothing()
    : db.delete(subscriptions).where(and(eq(subscriptions.agentId, agentId), eq(subscriptions.submoltId, submolt.id)));
  const [, changed] = await db.batch([
    membership,
    db
      .update(submolts)
      .set({ subscriberCount: sql`${submolts.subscriberCount} + ${delta}` })
      .where(and(eq(submolts.id, submolt.id), sql`changes() = 1`))
      .returning({ id: submolts.id }),
    db
      .update(agents)
      .set({ subscriptionsCount: sql`${agents.subscriptionsCount} + ${delta}` })
      .where(and(eq(agents.id, agentId), sql`changes() = 1`)),
  ]);
  return changed.length === 1;
}

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
  const [rows] = await deps.db.batch([
    deps.db.update(submolts).set(set).where(eq(submolts.id, submolt.id)).returning(),
    auditInsert(deps.db, now, { actor: `agent:${agentId}`, action: "submolt.settings", agentId, target: submolt.name, detail: set }),
  ]);
  return rows[0]!;
}

export async function listModerators(deps: Deps, submolt: SubmoltRow) {
  const rows = await deps.db
    .select({ name: agents.name, displayName: agents.displayName, role: submoltRoles.role, createdAt: submoltRoles.createdAt })
    .from(submoltRoles)
    .innerJoin(agents, eq(agents.id, submoltRoles.agentId))
    .where(eq(submoltRoles.submoltId, submolt.id))
    .orderBy(asc(submoltRoles.createdAt));
  return rows.map((r) => ({
    name: r.name,
    agent_name: r.name,
    display_name: r.displayName ?? r.name,
    role: r.role,
    created_at: new Date(r.createdAt).toISOString(),
  }));
}

async function agentIdByName(deps: Deps, name: string) {
  const row = await deps.db.select({ id: agents.id }).from(agents).where(eq(agents.nameKey, nameKey(name))).get();
  if (!row) throw notFound("Agent", "Check the moderator's agent name.");
  return row.id;
}

export async function addModerator(deps: Deps, actorId: string, submolt: SubmoltRow, agentName: string, role: "moderator" | "owner") {
  await requireRole(deps, submolt, actorId, ["owner"], "Only owners can add moderators");
  await grantRole(deps, actorId, submolt, agentName, role);
}

/** Sets an agent's role; the caller has checked that the actor may (a submolt owner, or the operator: null). */
export async function grantRole(deps: Deps, actorId: string | null, submolt: SubmoltRow, agentName: string, role: "moderator" | "owner") {
  const agentId = await agentIdByName(deps, agentName);
  const now = deps.clock.now();
  await deps.db.batch([
    deps.db
      .insert(submoltRoles)
      .values({ submoltId: submolt.id, agentId, role, createdAt: now })
      .onConflictDoUpdate({ target: [submoltRoles.submoltId, submoltRoles.agentId], set: { role } }),
    auditInsert(deps.db, now, { actor: actorId ? `agent:${actorId}` : "operator", action: "submolt.moderator_add", agentId: actorId, target: `${submolt.name}:${agentName}` }),
  ]);
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
  await deps.db.batch([
    deps.db.delete(submoltRoles).where(and(eq(submoltRoles.submoltId, submolt.id), eq(submoltRoles.agentId, agentId))),
    auditInsert(deps.db, now, { actor: actorId ? `agent:${actorId}` : "operator", action: "submolt.moderator_remove", agentId: actorId, target: `${submolt.name}:${agentName}` }),
  ]);
}
