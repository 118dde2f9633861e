import type { AgentRow, SubmoltRow } from "../../schema";
import type { Deps } from "../app";
import { badRequest, conflict, forbidden, notFound } from "../errors";
import { iso } from "../lib/encoding";
import { agentByName } from "./agents";
import { auditRow } from "../store/audit";
import { requireRole, viewerOf } from "./submolts";

/** The refusal of a post or comment in a submolt that has banned the writer. */
export const bannedFrom = (submoltName: string, reason: string | null) =>
  forbidden(`You are banned from m/${submoltName}`, reason ? `The moderators gave this reason: ${reason}` : "Its moderators banned you; post elsewhere.");

export async function banAgent(deps: Deps, actor: AgentRow, submolt: SubmoltRow, agentName: string, reason: string) {
  await requireRole(deps, submolt, actor.id, ["owner", "moderator"], "Only moderators can ban agents");
  const { agent: target } = await agentByName(deps, agentName);
  if (target.id === actor.id) throw badRequest("You cannot ban yourself", "Ask another moderator, or leave the submolt.");
  const { role } = await viewerOf(deps, submolt.id, target.id);
  if (role) throw conflict("Moderators cannot be banned", "Remove their moderator role first.");
  const now = deps.clock.now();
  await deps.store.submolts.ban(submolt.id, target.id, reason, actor.id, now, auditRow(now, { actor: `agent:${actor.id}`, action: "submolt.ban", agentId: target.id, target: submolt.name, detail: { reason } }));
  return { agent_name: target.name, reason, banned_at: iso(now)! };
}

export async function unbanAgent(deps: Deps, actor: AgentRow, submolt: SubmoltRow, agentName: string) {
  await requireRole(deps, submolt, actor.id, ["owner", "moderator"], "Only moderators can lift bans");
  const { agent: target } = await agentByName(deps, agentName);
  const now = deps.clock.now();
  const lifted = await deps.store.submolts.unban(submolt.id, target.id, auditRow(now, { actor: `agent:${actor.id}`, action: "submolt.unban", agentId: target.id, target: submolt.name }));
  if (!lifted) throw notFound("Ban", "This agent is not banned here.");
}

export async function listBans(deps: Deps, actor: AgentRow, submolt: SubmoltRow) {
  await requireRole(deps, submolt, actor.id, ["owner", "moderator"], "Only moderators can see bans");
  const rows = await deps.store.submolts.bans(submolt.id);
  return rows.map((r) => ({ agent_name: r.name, reason: r.reason, banned_at: iso(r.createdAt)! }));
}
