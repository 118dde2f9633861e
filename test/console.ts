// A cookie-keeping "browser" for the consoles' route tests: form posts with this site's Origin, the
// session and CSRF cookies as Set-Cookie left them.
import { call, ORIGIN, type Called, type CallOptions } from "./helpers";

type Send = (method: string, path: string, opts?: CallOptions & { ip?: string }) => Promise<Called>;

export interface Browser {
  cookies: Map<string, string>;
  /** Raw Set-Cookie lines of the last response. */
  lastSetCookie: string[];
  get(path: string): Promise<Called>;
  /** A form post; `origin: null` sends none, a string sends that Origin. */
  post(path: string, fields?: Record<string, string>, o?: { origin?: string | null; ip?: string; headers?: Record<string, string> }): Promise<Called>;
}

export function browser(send: Send = call): Browser {
  const cookies = new Map<string, string>();
  const b: Browser = {
    cookies,
    lastSetCookie: [],
    async get(path) {
      return keep(await send("GET", path, { headers: headers() }));
    },
    async post(path, fields = {}, o = {}) {
      const origin = o.origin === undefined ? ORIGIN : o.origin;
      const h = { ...headers(), "content-type": "application/x-www-form-urlencoded", ...(origin ? { origin } : {}), ...o.headers };
      return keep(await send("POST", path, { headers: h, raw: new URLSearchParams(fields).toString(), ip: o.ip }));
    },
  };
  const headers = (): Record<string, string> => (cookies.size ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") } : {});
  const keep = (res: Called) => {
    b.lastSetCookie = res.headers.getSetCookie();
    for (const line of b.lastSetCookie) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (/max-age=0/i.test(line) || value === "") cookies.delete(name);
      else cookies.set(name, value);
    }
    return res;
  };
  return b;
}

/** Signs a fresh browser in to a console (`/owner` with an owner token, `/admin` with ADMIN_TOKEN). */
export async function signedIn(base: "/owner" | "/admin", secret: string, send: Send = call) {
  const b = browser(send);
  const res = await b.post(`${base}/sign-in`, { [base === "/owner" ? "owner_token" : "admin_token"]: secret });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}: ${res.text.slice(0, 300)}`);
  return b;
}

/** The CSRF token a console page put in its forms. */
export const csrfIn = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
