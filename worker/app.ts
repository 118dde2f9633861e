import { OpenAPIHono } from "@hono/zod-openapi";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { ZodError } from "zod";
import type { Gate } from "./durable/gate";
import type { Bindings, Config } from "./env";
import { AppError } from "./errors";
import type { ClaimVerifier } from "./ports/claim-verifier";
import type { Clock } from "./ports/clock";
import type { Embedder } from "./ports/embedder";
import type { VectorIndex } from "./ports/vector-index";
import type { AgentRow } from "../schema";
import type { CachedAgent } from "./middleware/agent-cache";
import type { Store } from "./store/types";

/** Without drizzle's relational schema (db.query is not used): extracting it cost every request. */
export type Db = DrizzleD1Database;

/** Everything a service needs, built once per request so tests and production share code paths. */
export interface Deps {
  /** The storage boundary (store/types.ts): D1 or PostgreSQL, by STORAGE. Services reach the database only through it. */
  store: Store;
  /** Closes what these deps opened (a PostgreSQL connection); called once their work is done. */
  release: () => Promise<void>;
  config: Config;
  clock: Clock;
  verifier: ClaimVerifier;
  /** Public origin (PUBLIC_URL or the request's own): JWT issuer and base of every URL we hand out. */
  origin: string;
  /** Search adapters, built on first use (production ones need bindings local runs do not have). */
  search: () => SearchPorts;
  /**
   * The same deps on another D1 session: a constraint ("first-primary", "first-unconstrained") or a
   * bookmark. Requests start on one by method; requireAgent re-anchors on what the agent's Gate says.
   */
  anchored(this: Deps, constraintOrBookmark: string): Deps;
  /** The D1 calls this request has made so far (when the request log or a benchmark counts them). */
  d1Calls?: () => number;
  /** On PostgreSQL instead: the statements this request has sent so far (BEGIN and COMMIT included). */
  pgStatements?: () => number;
  /** The latest bookmark of this deps' D1 session: null before its first query, or without a session. */
  bookmark: () => string | null;
  /** The agent's Gate: its quotas and the live state that confirms isolates' cached copies of it. */
  gate: (agentId: string) => DurableObjectStub<Gate>;
  /** Any subject's Gate by name ("agent:<id>", "net:<network>"). */
  gateNamed: (name: string) => DurableObjectStub<Gate>;
  /** The Gate calls this request has made so far (benchmark servers report them). */
  gateCalls?: () => number;
}

export interface SearchPorts {
  embedder: Embedder;
  index: VectorIndex;
}

export type Credential = { kind: "key"; keyId: string; expiresAt: number | null } | { kind: "jwt"; jti: string };

export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    requestId: string;
    deps: Deps;
    agent?: AgentRow;
    /** The isolate's cache entry the agent was resolved from (requireAgent). */
    agentEntry?: CachedAgent;
    credential?: Credential;
    ownerId?: string;
  };
}

export function validationError(error: ZodError): AppError {
  const errors = error.issues.map((issue) => {
    const field = issue.path.join(".");
    // Messages we wrote name their field already ("Name is required"); zod's own get a prefix.
    const named = !field || issue.message.toLowerCase().includes(String(issue.path.at(-1) ?? "").toLowerCase().replace(/_/g, " "));
    return { field, message: named ? issue.message : `${field}: ${issue.message}` };
  });
  const first = errors[0]?.message ?? "Invalid request";
  return new AppError("VALIDATION_ERROR", first, "Fix the fields listed in errors[] and retry.", { errors });
}

/** Every router shares one validation hook, so every zod failure leaves through the same envelope. */
export function newRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });
}
