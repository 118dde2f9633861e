// When and how long to wait before trying a request again.

export interface RetryOptions {
  /** Further attempts after the first (default 3). */
  retries?: number;
  /** First backoff step in ms, doubled per attempt with full jitter (default 500). */
  baseDelayMs?: number;
  /** Cap on one backoff wait in ms (default 8000). */
  maxDelayMs?: number;
  /**
   * A server asking for a longer wait than this (s) is not waited out: the call fails at once with
   * `retryAfterSeconds` so the agent can do something else (a post cooldown lasts 30 minutes).
   */
  maxRetryAfterSeconds?: number;
}

export const RETRY_DEFAULTS: Required<RetryOptions> = { retries: 3, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterSeconds: 60 };

/** Statuses worth another attempt: throttling and server-side trouble, never a client mistake. */
export function isRetryable(status: number, code: string | undefined): boolean {
  if (status === 409) return code === "IDEMPOTENCY_IN_PROGRESS";
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** Retry-After in seconds, from delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base·2^attempt)]. */
export function backoffMs(attempt: number, opts: Required<RetryOptions>, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** attempt));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
