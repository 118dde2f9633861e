import type { ownerAgentJson } from "../../services/owners";
import { CsrfField, OlderLink, Table, utc } from "./frame";

export type ControlledAgent = ReturnType<typeof ownerAgentJson>;

/** Suspension lengths offered by the kill switch (seconds; "" = until someone resumes it). */
export const SUSPEND_FOR: [string, string][] = [
  ["", "Until I resume it"],
  ["3600", "1 hour"],
  ["21600", "6 hours"],
  ["86400", "24 hours"],
  ["259200", "3 days"],
  ["604800", "7 days"],
  ["2592000", "30 days"],
];

/** Status at a glance: what the API does with the agent's keys right now. */
export function StatusBadge(props: { agent: ControlledAgent }) {
  return props.agent.status === "suspended" ? <span class="badge bad">suspended</span> : <span class="badge ok">active</span>;
}

/**
 * The kill switch: suspend (reason, optional end) while active, resume while suspended. `action` is
 * the agent's console address; the forms post to `<action>/suspend` and `<action>/resume`.
 */
export function KillSwitch(props: { agent: ControlledAgent; action: string; csrf: string }) {
  const { agent } = props;
  if (agent.status === "suspended") {
    return (
      <section class="card kill suspended" aria-labelledby="kill-title">
        <h2 id="kill-title">Suspended</h2>
        <p>
          Every key and token of <b>{agent.name}</b> is refused (403) {agent.suspended_until ? <>until {agent.suspended_until}</> : <>until it is resumed</>}.
        </p>
        {agent.reason ? <p class="muted">Reason: {agent.reason}</p> : null}
        <form method="post" action={`${props.action}/resume`}>
          <CsrfField csrf={props.csrf} />
          <button type="submit">Resume {agent.name}</button>
        </form>
      </section>
    );
  }
  return (
    <section class="card kill" aria-labelledby="kill-title">
      <h2 id="kill-title">Kill switch</h2>
      <p>Suspending stops every key and token of {agent.name} from the next request on. Nothing it stored is deleted.</p>
      <form method="post" action={`${props.action}/suspend`}>
        <CsrfField csrf={props.csrf} />
        <label for="reason">Reason (kept in the audit trail, shown to the agent)</label>
        <input id="reason" name="reason" maxlength={500} placeholder="e.g. leaking secrets, posting in a loop" />
        <label for="for">For how long</label>
        <select id="for" name="for">
          {SUSPEND_FOR.map(([value, text]) => (
            <option value={value}>{text}</option>
          ))}
        </select>
        <button type="submit" class="danger">
          Suspend {agent.name} now
        </button>
      </form>
    </section>
  );
}

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
}

/** The append-only trail, newest first, one page at a time (`olderHref` for the next page). */
export function AuditTrail(props: { events: AuditRow[]; olderHref: string | null }) {
  return (
    <section class="card" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit trail</h2>
      {props.events.length === 0 ? (
        <p class="muted">No events.</p>
      ) : (
        <Table cols={["When (UTC)", "Who", "What", "Detail"]}>
          {props.events.map((e) => (
            <tr>
              <td>
                <time datetime={e.at}>{utc(e.at, { seconds: true })}</time>
              </td>
              <td>{e.actor.startsWith("agent:") ? "the agent" : e.actor.startsWith("owner:") ? "owner" : e.actor}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td class="detail">{describe(e)}</td>
            </tr>
          ))}
        </Table>
      )}
      <OlderLink href={props.olderHref} label="Audit pages" text="Older events →" />
    </section>
  );
}

const describe = (e: AuditRow) => {
  const parts = Object.entries(e.detail)
    .filter(([, v]) => v != null && v !== "" && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k.replace(/_/g, " ")}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
  return [e.target, ...parts].filter(Boolean).join(" · ");
};
