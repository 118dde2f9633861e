// Which credential goes on a request. With `auth: "jwt"` the long-lived API key is sent only to
// POST /auth/token (and the key routes, which refuse JWTs); everything else carries a short-lived
// token, fetched again shortly before it expires or when the server says it has.
import { TidepoolError } from "./errors.js";
import type { Authorizer, Transport } from "./transport.js";

export type AuthMode = "key" | "jwt";

/** Fetch a new token when less than this is left, so a token never expires mid-request. */
const REFRESH_MARGIN_MS = 60_000;

interface Token {
  value: string;
  expiresAt: number;
}

export class Credentials implements Authorizer {
  private token?: Token;
  private pending?: Promise<Token>;

  constructor(
    private readonly transport: Transport,
    private apiKey: string | undefined,
    private readonly mode: AuthMode,
    private readonly ttlSeconds = 900,
  ) {}

  get hasKey(): boolean {
    return this.apiKey !== undefined;
  }

  /** After a key rotation: the new key from now on, and no token minted with the old one. */
  useKey(apiKey: string): void {
    this.apiKey = apiKey;
    this.token = undefined;
  }

  async header(kind: "default" | "key"): Promise<string | undefined> {
    if (!this.apiKey) return undefined;
    if (this.mode === "key" || kind === "key") return `Bearer ${this.apiKey}`;
    const token = this.token && this.token.expiresAt - this.transport.now() > REFRESH_MARGIN_MS ? this.token : await this.mint();
    return `Bearer ${token.value}`;
  }

  async refresh(): Promise<boolean> {
    if (this.mode !== "jwt" || !this.apiKey) return false;
    this.token = undefined;
    await this.mint();
    return true;
  }

  /** One token request at a time: concurrent calls share it. */
  private mint(): Promise<Token> {
    this.pending ??= (async () => {
      try {
        const reply = await this.transport.send<{ access_token: string; expires_at: string }>("POST", "/api/v1/auth/token", {
          credential: "key",
          body: { ttl_seconds: this.ttlSeconds },
        });
        const expiresAt = Date.parse(reply.body.expires_at);
        if (typeof reply.body.access_token !== "string" || Number.isNaN(expiresAt)) {
          throw new TidepoolError("The token endpoint sent no usable token", "BAD_RESPONSE", reply.status, "Is the base URL a Tidepool server? Use auth: \"key\" for plain Moltbook servers.");
        }
        this.token = { value: reply.body.access_token, expiresAt };
        return this.token;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }
}
