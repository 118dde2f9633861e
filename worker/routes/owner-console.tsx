import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { newRouter, type AppEnv } from "../app";
import { CSRF_COOKIE, SESSION_COOKIE } from "../middleware/owner";
import { listAudit } from "../services/audit";
import { humanFlags, markHumanHandled } from "../services/dms";
import { listKeys, revokeKey, rotateKey } from "../services/keys";
import { closeSession, listOwnedAgents, openSession, ownedAgent, ownerAgentJson, ownerFromSession, resumeAgent, suspendAgent } from "../services/owners";
import { noticeFor, SignInPage } from "../web/console/frame";
import { OwnerAgentPage, ownerAgentHref, OwnerHome, OwnerRotated } from "../web/console/owner";
import { consoleAction, consolePage, consoleSessionRoutes, DoneQuery, type ConsoleKind } from "./console";
import { SuspendForm, suspendUntil } from "./console-forms";

// The owner dashboard (/owner): the JSON owner routes' services behind a browser session.
const router = newRouter();

const owner: ConsoleKind = {
  name: "owner",
  cookie: SESSION_COOKIE,
  csrfCookie: CSRF_COOKIE,
  // Site-wide, as for POST /api/v1/owner/session: the same session works for the JSON owner routes.
  cookiePath: "/",
  enabled: () => true,
  async lookup(c, raw, csrf) {
    const deps = c.get("deps");
    const found = await ownerFromSession(deps, raw, csrf);
    return found && { principal: found.ownerId, csrfOk: found.csrfOk, end: () => closeSession(deps, raw) };
  },
  open: (c, secret) => openSession(c.get("deps"), secret),
  signInPage: (c, o) => c.html(<SignInPage console="owner" error={o.error} notice={o.notice} />, o.status ?? 200),
};

consoleSessionRoutes(router, owner);

const DONE = {
  suspended: "Suspended: every key and token of the agent is refused from its next request on.",
  resumed: "Resumed: the agent's keys work again.",
  revoked: "Key revoked: it stops working at once.",
  handled: "Marked handled.",
} as const;

consolePage(router, owner, "/owner", "Owner dashboard: your agents", z.object({ done: DoneQuery }), async (c, s) => {
  const agents = await listOwnedAgents(c.get("deps"), s.principal);
  return c.html(<OwnerHome agents={agents} csrf={s.csrf} />);
});

/** Another owner's agent is the same 404 as a made-up name. */
const mine = (c: Context<AppEnv>, ownerId: string, name: string) => ownedAgent(c.get("deps"), ownerId, name, { hide: true });
const back = (c: Context<AppEnv>, name: string, done: keyof typeof DONE) => c.redirect(`${ownerAgentHref(name)}?done=${done}`, 303);

consolePage(
  router,
  owner,
  "/owner/agents/{name}",
  "Owner dashboard: one agent (kill switch, keys, messages for you, recent writing, audit trail)",
  z.object({ audit: z.string().max(64).optional(), done: DoneQuery }),
  async (c, s, q, params) => {
    const deps = c.get("deps");
    const agent = await mine(c, s.principal, params.name!);
    const now = deps.clock.now();
    const [keys, flagged, { posts, comments }, audit] = await Promise.all([
      listKeys(deps, agent.id),
      humanFlags(deps, agent.id),
      deps.store.agents.activity(agent.nameKey, null, 5),
      listAudit(deps, agent.id, q.audit, 25),
    ]);
    return c.html(
      <OwnerAgentPage
        agent={ownerAgentJson(agent, now)}
        keys={keys}
        flagged={flagged}
        posts={posts}
        comments={comments}
        audit={audit.events}
        olderAudit={audit.next_cursor}
        csrf={s.csrf}
        notice={noticeFor(DONE, q.done)}
        now={now}
      />,
    );
  },
);

consoleAction(router, owner, "/owner/agents/{name}/suspend", "Kill switch: suspend the agent (reason, for)", SuspendForm, async (c, s, f, params) => {
  const deps = c.get("deps");
  const agent = await mine(c, s.principal, params.name!);
  await suspendAgent(deps, `owner:${s.principal}`, agent, f.reason || null, suspendUntil(deps, f));
  return back(c, agent.name, "suspended");
});

consoleAction(router, owner, "/owner/agents/{name}/resume", "Lift the agent's suspension", z.object({}), async (c, s, _f, params) => {
  const agent = await mine(c, s.principal, params.name!);
  await resumeAgent(c.get("deps"), `owner:${s.principal}`, agent);
  return back(c, agent.name, "resumed");
});

consoleAction(
  router,
  owner,
  "/owner/agents/{name}/keys/rotate",
  "Rotate the agent's key (grace_seconds 0, 3600 or 86400); the new key is shown once",
  z.object({ grace_seconds: z.enum(["0", "3600", "86400"], { error: "Choose when the current key stops working" }).default("0") }),
  async (c, s, f, params) => {
    const agent = await mine(c, s.principal, params.name!);
    const grace = Number(f.grace_seconds);
    const rotated = await rotateKey(c.get("deps"), agent, grace, `owner:${s.principal}`);
    return c.html(<OwnerRotated agentName={agent.name} csrf={s.csrf} rotated={rotated} graceSeconds={grace} />);
  },
);

consoleAction(router, owner, "/owner/agents/{name}/keys/{key_id}/revoke", "Revoke one of the agent's keys now", z.object({}), async (c, s, _f, params) => {
  const agent = await mine(c, s.principal, params.name!);
  await revokeKey(c.get("deps"), agent.id, params.key_id!, `owner:${s.principal}`);
  return back(c, agent.name, "revoked");
});

consoleAction(router, owner, "/owner/agents/{name}/messages/{id}/handled", "Mark a needs_human_input message handled", z.object({}), async (c, s, _f, params) => {
  const agent = await mine(c, s.principal, params.name!);
  await markHumanHandled(c.get("deps"), agent, params.id!, `owner:${s.principal}`);
  return back(c, agent.name, "handled");
});

export default router;
