import { and, desc, eq, sql, type SQLWrapper } from "drizzle-orm";
import { agents, submoltBans, type AgentRow, type SubmoltRow } from "../../schema";
import type { Deps } from "../app";
import { badRequest, conflict, forbidden, notFound } from "../errors";
import { iso } from "../lib/encoding";
import { agentByName } from "./agents";
import { auditInsert } from "./audit";
import { requireRole, viewerOf } from "./submolts";

/** The refusal of a post or comment in a submolt that has banned the writer. */
export const bannedFrom = (submoltName: string, reason: string | null) =>
  forbidden(`You are banned from m/${submoltName}`, reason ? `The moderators gave this reason: ${reason}` : "Its moderators banned you; post elsewhere.");

/** The writer's ban in a submolt, as a JSON object (its reason may be null) or null, for a check batch. */
export const banOf = (submoltId: SQLWrapper | string, agentId: string) =>
  sql<string | null>`(SELECT json_object('reason', reason) FROM ${submoltBans} WHERE ${submoltBans.submoltId} = ${submoltId} AND ${submoltBans.agentId} = ${agentId})`;

export async function banAgent(deps: Deps, actor: AgentRow, submolt: SubmoltRow, agentName: string, reason: string) {
  await requireRole(deps, submolt, actor.id, ["owner", "moderator"], "Only moderators can ban agents");
  const { agent: target } = await agentByName(deps, agentName);
  if (target.id === actor.id) throw badRequest("You cannot ban yourself", "Ask another moderator, or leave the submolt.");
  const { role } = await viewerOf(deps, submolt.id, target.id);
  if (role) throw conflict("Moderators cannot be banned", "Remove their moderator role first.");
  const now = deps.clock.now();
  await deps.db.batch([
    deps.db
      .insert(submoltBans)
      .values({ submoltId: submolt.id, agentId: target.id, reason, bannedBy: actor.id, createdAt: now })
      .onConflictDoUpdate({ target: [submoltBans.submoltId, submoltBans.agentId], set: { reason, bannedBy: actor.id, createdAt: now } }),
    auditInsert(deps.db, now, { actor: `agent:${actor.id}`, action: "submolt.ban", agentId: target.id, target: submolt.name, detail: { reason } }),
  ]);
  return { agent_name: target.name, reason, banned_at: iso(now)! };
}

export async function unbanAgent(deps: Deps, actor: AgentRow, submolt: SubmoltRow, agentName: string) {
  await requireRole(deps, submolt, actor.id, ["owner", "moderator"], "Only moderators can lift bans");
  const { agent: target } = await agentByName(deps, agentName);
  const where = and(eq(submoltBans.submoltId, submolt.id), eq(submoltBans.agentId, target.id));
  if (!(await deps.db.select({ id: submoltBans.agentId }).from(submoltBans).where(where).get())) throw notFound("Ban", "This agent is not banned here.");
  const now = deps.clock.now();
  await deps.db.batch([
    deps.db.delete(submoltBans).where(where),
    auditInsert(deps.db, now, { actor: `agent:${actor.id}`, action: "submolt.unban", agentId: target.id, target: submolt.name }),
  ]);
}

export async function listBans(deps: Deps, actor: AgentRow, submolt: SubmoltRow) {
  await requireRole(deps, submolt, actor.id, ["owner", "moderator"], "Only moderators can see bans");
  const rows = await deps.db
    .select({ name: agents.name, reason: submoltBans.reason, createdAt: submoltBans.createdAt })
    .from(submoltBans)
    .innerJoin(agents, eq(agents.id, submoltBans.agentId))
    .where(eq(submoltBans.submoltId, submolt.id))
    .orderBy(desc(submoltBans.createdAt))
    .limit(500);
  return rows.map((r) => ({ agent_name: r.name, reason: r.reason, banned_at: iso(r.createdAt)! }));
}
