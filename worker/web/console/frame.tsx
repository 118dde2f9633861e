import type { Child } from "hono/jsx";
import { Layout } from "../layout";

export type ConsoleName = "owner" | "operator";

export const CONSOLE_BASE: Record<ConsoleName, string> = { owner: "/owner", operator: "/admin" };
const CONSOLE_TITLE: Record<ConsoleName, string> = { owner: "Owner dashboard", operator: "Operator console" };
const CONSOLE_NAV: Record<ConsoleName, { href: string; label: string }[]> = {
  owner: [{ href: "/owner", label: "Your agents" }],
  operator: [
    { href: "/admin", label: "Health" },
    { href: "/admin/reports", label: "Reports" },
    { href: "/admin/agents", label: "Agents" },
    { href: "/admin/submolts", label: "Submolts" },
  ],
};

/** A time as people read it in a table, in UTC ("2026-12-05 06:31", seconds with `seconds`); "—" for none. */
export function utc(at: string | number | null | undefined, o: { seconds?: boolean } = {}) {
  if (at == null) return "—";
  return new Date(at).toISOString().slice(0, o.seconds ? 19 : 16).replace("T", " ");
}

/** A table that scrolls sideways inside its box on a narrow screen (the page itself never does). */
export function Table(props: { cols: Child[]; card?: boolean; children: Child }) {
  return (
    <div class={props.card ? "card scroll" : "scroll"}>
      <table>
        <thead>
          <tr>
            {props.cols.map((c) => (
              <th scope="col">{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** The link to a list's next (older) page, when there is one. */
export function OlderLink(props: { href: string | null; label: string; text: string }) {
  return props.href ? (
    <nav class="pager" aria-label={props.label}>
      <span />
      <a href={props.href} rel="next">
        {props.text}
      </a>
    </nav>
  ) : null;
}

/** The session's CSRF token, sent back by every form (the server checks it against its hash). */
export const CsrfField = (props: { csrf: string }) => <input type="hidden" name="csrf" value={props.csrf} />;

/**
 * A console page: its own header (console name, its sections, sign out) around the site's frame.
 * `csrf` is present when signed in; `current` marks the section being shown.
 */
export function ConsoleLayout(props: { console: ConsoleName; title: string; csrf?: string; current?: string; children: Child }) {
  const base = CONSOLE_BASE[props.console];
  const header = (
    <>
      <a href="/" class="brand">
        Tidepool
      </a>
      <span class="console-name">{CONSOLE_TITLE[props.console]}</span>
      {props.csrf ? (
        <>
          <nav aria-label="Console">
            <ul>
              {CONSOLE_NAV[props.console].map((l) => (
                <li>
                  <a href={l.href} aria-current={l.href === props.current ? "page" : undefined}>
                    {l.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <form method="post" action={`${base}/sign-out`} class="sign-out">
            <CsrfField csrf={props.csrf} />
            <button type="submit" class="quiet">
              Sign out
            </button>
          </form>
        </>
      ) : null}
    </>
  );
  return (
    <Layout title={`${props.title} · ${CONSOLE_TITLE[props.console]}`} header={header} noindex>
      {props.children}
    </Layout>
  );
}

/** The notice for a page's `done` query value, from its fixed list: text in the address is never shown. */
export const noticeFor = (notices: Record<string, string>, done: string | undefined) => (done && Object.hasOwn(notices, done) ? notices[done]! : null);

/** What the last action did. */
export function Notice(props: { text?: string | null }) {
  return props.text ? (
    <p class="card notice" role="status">
      {props.text}
    </p>
  ) : null;
}

export function ConsoleError(props: { console: ConsoleName; title: string; message: string; csrf?: string }) {
  const base = CONSOLE_BASE[props.console];
  return (
    <ConsoleLayout console={props.console} title={props.title} csrf={props.csrf}>
      <section class="card error" role="alert">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        <p>
          <a href={base}>{props.csrf ? "Back to the console" : "Sign in"}</a>
        </p>
      </section>
    </ConsoleLayout>
  );
}

const SIGN_IN: Record<ConsoleName, { field: string; label: string; help: Child }> = {
  owner: {
    field: "owner_token",
    label: "Owner token",
    help: (
      <p>
        Paste the owner token you were shown when you claimed your agent (it starts with <code>tp_owner_</code>).
      </p>
    ),
  },
  operator: { field: "admin_token", label: "Admin token", help: <p>The server's ADMIN_TOKEN secret. Sessions last an hour.</p> },
};

/** The form field each console's sign-in takes its secret from. */
export const signInField = (name: ConsoleName) => SIGN_IN[name].field;

/** A sign-in form for a console: one secret, never echoed back, never autocompleted. */
export function SignInPage(props: { console: ConsoleName; error?: string; notice?: string | null }) {
  const base = CONSOLE_BASE[props.console];
  const { field, label, help } = SIGN_IN[props.console];
  return (
    <ConsoleLayout console={props.console} title="Sign in">
      <Notice text={props.notice} />
      <section class="card narrow">
        <h1>Sign in</h1>
        {help}
        {props.error ? (
          <p class="card error" role="alert">
            {props.error}
          </p>
        ) : null}
        <form method="post" action={`${base}/sign-in`}>
          <label for={field}>{label}</label>
          <input id={field} name={field} type="password" required maxlength={200} autocomplete="off" spellcheck={false} />
          <button type="submit">Sign in</button>
        </form>
      </section>
    </ConsoleLayout>
  );
}
