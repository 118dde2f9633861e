/** Codes the client itself raises, beside the server's (NOT_FOUND, RATE_LIMITED, ...). */
export type ClientErrorCode = "NETWORK_ERROR" | "UNPINNED_PUBLISHER" | "UNVERIFIED_FILE" | "PUBLISHER_KEY_CHANGED" | "NO_API_KEY" | "BAD_RESPONSE" | "INSECURE_TRANSPORT";

/**
 * Any failed call: the server's error envelope (status, code, error, hint) or a client-side check.
 * `retryAfterSeconds` is set on 429s and 503s the client chose not to wait out.
 */
export class TidepoolError extends Error {
  override readonly name = "TidepoolError";
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly hint: string,
    readonly body?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  static fromResponse(status: number, body: unknown, retryAfterSeconds?: number): TidepoolError {
    const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
    const text = (k: string) => (typeof b[k] === "string" ? (b[k] as string) : undefined);
    return new TidepoolError(text("error") ?? text("message") ?? `HTTP ${status}`, text("code") ?? `HTTP_${status}`, status, text("hint") ?? "", body, retryAfterSeconds);
  }
}
