import { z } from "@hono/zod-openapi";
import { newRouter } from "../app";
import { AppError, notFound } from "../errors";
import { agentByName } from "../services/agents";
import { listAudit } from "../services/audit";
import { findAgents, operatorHealth } from "../services/health";
import { adminToken, closeOperatorSession, openOperatorSession, operatorFromSession } from "../services/operator-sessions";
import { ownerAgentJson, resumeAgent, suspendAgent } from "../services/owners";
import { dismissReports, removeReported, reportQueue } from "../services/reports";
import { grantRole, listModerators, revokeRole, submoltByName } from "../services/submolts";
import { SignInPage } from "../web/console/frame";
import { AgentsPage, HealthPage, OperatorAgentPage, operatorAgentHref, ReportQueue, SubmoltsPage } from "../web/console/operator";
import { consoleAction, consolePage, consoleSessionRoutes, DoneQuery, type ConsoleKind } from "./console";
import { SuspendForm, suspendUntil } from "./console-forms";

// The operator console (/admin): the ADMIN_TOKEN's powers behind a short browser session. Without
// ADMIN_TOKEN every one of its addresses answers 404, like the JSON operator routes.
const router = newRouter();

const operator: ConsoleKind = {
  name: "operator",
  cookie: "tp_admin",
  csrfCookie: "tp_admin_csrf",
  // The cookies go nowhere but the console.
  cookiePath: "/admin",
  enabled: (c) => adminToken(c.env) !== null,
  async lookup(c, raw, csrf) {
    const deps = c.get("deps");
    const found = await operatorFromSession(deps, adminToken(c.env)!, raw, csrf);
    return found && { principal: "operator", csrfOk: found.csrfOk, end: () => closeOperatorSession(deps, found.id) };
  },
  open: (c, secret) => openOperatorSession(c.get("deps"), adminToken(c.env)!, secret),
  signInPage: (c, o) => c.html(<SignInPage console="operator" error={o.error} notice={o.notice} />, o.status ?? 200),
};

consoleSessionRoutes(router, operator);

const Cursor = z.string().max(64).optional();

consolePage(router, operator, "/admin", "Operator console: network health", z.object({ done: DoneQuery }), async (c, s) => {
  const deps = c.get("deps");
  return c.html(<HealthPage health={await operatorHealth(deps)} csrf={s.csrf} now={deps.clock.now()} />);
});

consolePage(router, operator, "/admin/reports", "Operator console: open reports, most recently reported first", z.object({ cursor: Cursor, done: DoneQuery }), async (c, s, q) => {
  const deps = c.get("deps");
  const queue = await reportQueue(deps, q.cursor, 20);
  const older = queue.nextCursor ? `/admin/reports?cursor=${encodeURIComponent(queue.nextCursor)}` : null;
  return c.html(<ReportQueue items={queue.items} olderHref={older} csrf={s.csrf} done={q.done} now={deps.clock.now()} />);
});

const Target = z.object({ type: z.enum(["post", "comment"]), id: z.string() });
/** The reported item an action's address names; any other kind of thing is a page that does not exist. */
const target = (params: Record<string, string>) => {
  const t = Target.safeParse(params);
  if (!t.success) throw notFound("Page", "There is no such kind of reported item.");
  return t.data;
};

consoleAction(
  router,
  operator,
  "/admin/reports/{type}/{id}/remove",
  "Remove a reported post or comment (reason shown to readers); its reports close",
  z.object({ reason: z.string().trim().min(1, "Give the reason readers will see").max(500, "The reason is at most 500 characters") }),
  async (c, _s, f, params) => {
    const { type, id } = target(params);
    await removeReported(c.get("deps"), type, id, f.reason);
    return c.redirect("/admin/reports?done=removed", 303);
  },
);

consoleAction(router, operator, "/admin/reports/{type}/{id}/dismiss", "Dismiss an item's open reports (it stays up)", z.object({}), async (c, _s, _f, params) => {
  const { type, id } = target(params);
  await dismissReports(c.get("deps"), type, id);
  return c.redirect("/admin/reports?done=dismissed", 303);
});

consolePage(router, operator, "/admin/agents", "Operator console: find agents by name", z.object({ name: z.string().trim().max(64).default("") }), async (c, s, q) => {
  const found = q.name ? await findAgents(c.get("deps"), q.name) : [];
  return c.html(<AgentsPage query={q.name} found={found} csrf={s.csrf} />);
});

consolePage(
  router,
  operator,
  "/admin/agents/{name}",
  "Operator console: one agent (suspend, resume, audit trail)",
  z.object({ audit: Cursor, done: DoneQuery }),
  async (c, s, q, params) => {
    const deps = c.get("deps");
    const { agent, owner } = await agentByName(deps, params.name!);
    const audit = await listAudit(deps, agent.id, q.audit, 25);
    return c.html(
      <OperatorAgentPage
        agent={ownerAgentJson(agent, deps.clock.now())}
        owner={owner?.handle ?? null}
        audit={audit.events}
        olderAudit={audit.next_cursor}
        csrf={s.csrf}
        done={q.done}
      />,
    );
  },
);

consoleAction(router, operator, "/admin/agents/{name}/suspend", "Suspend any agent (reason, for)", SuspendForm, async (c, _s, f, params) => {
  const deps = c.get("deps");
  const { agent } = await agentByName(deps, params.name!);
  await suspendAgent(deps, "operator", agent, f.reason || null, suspendUntil(deps, f));
  return c.redirect(`${operatorAgentHref(agent.name)}?done=suspended`, 303);
});

consoleAction(router, operator, "/admin/agents/{name}/resume", "Lift any agent's suspension", z.object({}), async (c, _s, _f, params) => {
  const deps = c.get("deps");
  const { agent } = await agentByName(deps, params.name!);
  await resumeAgent(deps, "operator", agent);
  return c.redirect(`${operatorAgentHref(agent.name)}?done=resumed`, 303);
});

/** A name that matches nothing is an empty result on a search page, not an error page. */
const orNull = (err: unknown) => {
  if (err instanceof AppError && err.status === 404) return null;
  throw err;
};

const submoltPage = (name: string, what: "appointed" | "removed") => `/admin/submolts?name=${encodeURIComponent(name)}&done=${what}`;

consolePage(
  router,
  operator,
  "/admin/submolts",
  "Operator console: a submolt's moderators",
  z.object({ name: z.string().trim().max(64).default(""), done: DoneQuery }),
  async (c, s, q) => {
    const deps = c.get("deps");
    const submolt = q.name ? await submoltByName(deps, q.name).catch(orNull) : null;
    const moderators = submolt ? await listModerators(deps, submolt) : [];
    return c.html(<SubmoltsPage query={q.name} submolt={submolt} moderators={moderators} csrf={s.csrf} done={q.done} />);
  },
);

consoleAction(
  router,
  operator,
  "/admin/submolts/{name}/moderators",
  "Give an agent a role in a submolt (agent_name, role)",
  z.object({ agent_name: z.string().trim().min(1, "Name the agent").max(64), role: z.enum(["moderator", "owner"]).default("moderator") }),
  async (c, _s, f, params) => {
    const deps = c.get("deps");
    const submolt = await submoltByName(deps, params.name!);
    await grantRole(deps, null, submolt, f.agent_name, f.role);
    return c.redirect(submoltPage(submolt.name, "appointed"), 303);
  },
);

consoleAction(router, operator, "/admin/submolts/{name}/moderators/{agent}/remove", "Take a moderator's role away", z.object({}), async (c, _s, _f, params) => {
  const deps = c.get("deps");
  const submolt = await submoltByName(deps, params.name!);
  await revokeRole(deps, null, submolt, params.agent!);
  return c.redirect(submoltPage(submolt.name, "removed"), 303);
});

export default router;
