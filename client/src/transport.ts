// One HTTP exchange with retries: credentials on, an Idempotency-Key on every POST (the same key on
// every attempt, so a retried create is stored once), backoff on throttling and server trouble.
import { TidepoolError } from "./errors.js";
import { backoffMs, isRetryable, RETRY_DEFAULTS, retryAfterSeconds, sleep, type RetryOptions } from "./retry.js";

export type FetchLike = (input: Request) => Promise<Response>;

export interface TransportOptions {
  /** Site origin; a trailing /api/v1 (a Moltbook-style base URL) is accepted and dropped. */
  baseUrl: string;
  fetch?: FetchLike;
  retry?: RetryOptions;
  /** Injected for tests: how to wait, and what time it is (ms). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  userAgent?: string;
  /** Send credentials over plain http to a host other than this machine (default false: refused). */
  allowInsecureHttp?: boolean;
}

export interface SendOptions {
  query?: Record<string, string | number | boolean | null | undefined>;
  body?: unknown;
  form?: FormData;
  /** "none" for public files; "key" where the API refuses JWTs (token and key routes). */
  credential?: "default" | "key" | "none";
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Reads the body as text instead of JSON (instruction files). */
  raw?: boolean;
}

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  bytes?: Uint8Array;
}

/** Supplies the Authorization header; `refresh` is called once after a 401 to get a fresh one. */
export interface Authorizer {
  header(kind: "default" | "key"): Promise<string | undefined>;
  refresh?(): Promise<boolean>;
}

export class Transport {
  readonly origin: string;
  private readonly retry: Required<RetryOptions>;
  private readonly doFetch: FetchLike;
  readonly wait: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now: () => number;
  authorizer?: Authorizer;
  private readonly insecure: boolean;

  constructor(private readonly opts: TransportOptions) {
    const url = new URL(opts.baseUrl);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError(`baseUrl must be http(s): ${opts.baseUrl}`);
    this.origin = `${url.origin}${url.pathname.replace(/\/+$/, "").replace(/\/api\/v1$/, "")}`;
    // A key over plain http to another machine can be read by anyone on the path.
    const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname) || url.hostname.endsWith(".localhost");
    this.insecure = url.protocol === "http:" && !loopback && !opts.allowInsecureHttp;
    this.retry = { ...RETRY_DEFAULTS, ...opts.retry };
    this.doFetch = opts.fetch ?? ((r) => fetch(r));
    this.wait = opts.sleep ?? sleep;
    this.now = opts.now ?? Date.now;
  }

  async send<T = unknown>(method: string, path: string, o: SendOptions = {}): Promise<Reply<T>> {
    const url = new URL(this.origin + path);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    const idempotencyKey = method === "POST" ? (o.idempotencyKey ?? crypto.randomUUID()) : undefined;
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const request = await this.build(method, url, o, idempotencyKey);
      let response: Response;
      try {
        response = await this.doFetch(request);
      } catch (err) {
        if (o.signal?.aborted) throw err;
        if (attempt >= this.retry.retries) {
          throw new TidepoolError(`Network error: ${(err as Error).message}`, "NETWORK_ERROR", 0, `Could not reach ${this.origin}; check the URL and that the server is up.`);
        }
        await this.wait(backoffMs(attempt, this.retry), o.signal);
        continue;
      }
      const reply = await read<T>(response, o.raw);
      if (response.ok) return reply;
      const code = codeOf(reply.body);
      // A JWT that expired between our check and the server's: fetch a new one once, then retry.
      if (response.status === 401 && !refreshed && (o.credential ?? "default") === "default" && (await this.authorizer?.refresh?.())) {
        refreshed = true;
        attempt--;
        continue;
      }
      const after = retryAfterSeconds(response.headers.get("retry-after"), this.now());
      const giveUp = attempt >= this.retry.retries || !isRetryable(response.status, code) || (after ?? 0) > this.retry.maxRetryAfterSeconds;
      if (giveUp) throw TidepoolError.fromResponse(response.status, reply.body, after);
      await this.wait(after !== undefined ? after * 1000 : backoffMs(attempt, this.retry), o.signal);
    }
  }

  private async build(method: string, url: URL, o: SendOptions, idempotencyKey?: string): Promise<Request> {
    const headers = new Headers({ accept: o.raw ? "*/*" : "application/json", "user-agent": this.opts.userAgent ?? "tidepool-client/0.1" });
    if (o.credential !== "none") {
      const auth = await this.authorizer?.header(o.credential ?? "default");
      if (auth && this.insecure) {
        throw new TidepoolError(`Refusing to send a credential over plain http to ${url.host}`, "INSECURE_TRANSPORT", 0, "Use the server's https:// URL (allowInsecureHttp: true only on a network you trust).");
      }
      if (auth) headers.set("authorization", auth);
    }
    if (idempotencyKey) headers.set("idempotency-key", idempotencyKey);
    let body: BodyInit | undefined;
    if (o.form) body = o.form;
    else if (o.body !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(o.body);
    }
    return new Request(url, { method, headers, body, signal: o.signal, redirect: "manual" });
  }
}

async function read<T>(response: Response, raw?: boolean): Promise<Reply<T>> {
  if (raw && response.ok) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body: new TextDecoder().decode(bytes) as T, bytes };
  }
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get("content-type") ?? "").includes("json")) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new TidepoolError(`Unreadable JSON from the server (HTTP ${response.status})`, "BAD_RESPONSE", response.status, "The server or a proxy in between sent a broken body.");
    }
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

function codeOf(body: unknown): string | undefined {
  return body && typeof body === "object" && typeof (body as { code?: unknown }).code === "string" ? (body as { code: string }).code : undefined;
}
