import { z } from "zod";
import { checkOverrides } from "./domain/limits";
import type { Gate } from "./durable/gate";

/** Bindings, vars and secrets as the Worker receives them (wrangler.toml, .dev.vars, `wrangler secret put`). */
export interface Bindings {
  DB: D1Database;
  FILES: KVNamespace;
  MEDIA: R2Bucket;
  GATE: DurableObjectNamespace<Gate>;
  /** PostgreSQL through Hyperdrive (STORAGE=postgres); absent on D1 deployments. */
  HYPERDRIVE?: Hyperdrive;
  [name: string]: unknown;
}

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import("./index");
      durableNamespaces: "Gate";
    }
    interface Env extends Bindings {
      TEST_MIGRATIONS: { name: string; queries: string[] }[];
      TEST_DEFAULT_FILES: Record<string, string>;
      IDENTITY_KEY: string;
      IDENTITY_KEY_PREVIOUS?: string;
      HASH_PEPPER: string;
      PUBLIC_URL: string;
    }
  }
}

const flag = z
  .string()
  .default("false")
  .transform((v) => ["1", "true", "on", "yes"].includes(v.trim().toLowerCase()));
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const ConfigSchema = z.object({
  PUBLIC_URL: z.string().default(""),
  CLAIM_VERIFIER: z.enum(["local", "remote"]).default("local"),
  /** Hosts (and their subdomains) a remote claim proof may be fetched from; comma-separated. */
  CLAIM_PROOF_HOSTS: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((h) => h.trim().toLowerCase()).filter(Boolean)),
  CLAIM_TTL_HOURS: positiveInt(72),
  OWNER_MAX_AGENTS: positiveInt(5),
  OWNER_SESSION_HOURS: positiveInt(12),
  KEY_ROTATE_GRACE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(3600),
  KEY_ROTATIONS_PER_HOUR: positiveInt(5),
  JWT_DEFAULT_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REQUIRE_CLAIM: flag,
  RATE_LIMITS: z
    .string()
    .default("on")
    .transform((v) => !["off", "false", "0", "no"].includes(v.trim().toLowerCase())),
  RATE_LIMIT_PROFILE: z.enum(["oss", "live"]).default("oss"),
  NEW_AGENT_HOURS: z.coerce.number().min(0).default(24),
  MAX_PENDING_DM_REQUESTS: positiveInt(10),
  NOTIFICATION_RETENTION_DAYS: positiveInt(30),
  /** Where the network's data lives: D1 (default) or PostgreSQL through the HYPERDRIVE binding (docs/scale.md, "Moving to PostgreSQL"). */
  STORAGE: z.enum(["d1", "postgres"]).default("d1"),
  SEARCH_ADAPTER: z.enum(["local", "cloudflare"]).default("local"),
  /**
   * An OpenAI-compatible embeddings API (`POST {url}/embeddings`: Ollama, llama.cpp, vLLM, TEI,
   * OpenAI) for search by meaning, with its model and the dimension the vector index holds; the
   * EMBEDDINGS_API_KEY secret when the server wants one. Unset: SEARCH_ADAPTER's own embedder.
   */
  EMBEDDINGS_URL: z
    .string()
    .trim()
    .default("")
    .refine((v) => v === "" || /^https?:\/\/[^\s/]+/.test(v), "EMBEDDINGS_URL must be an http(s) URL such as http://localhost:11434/v1"),
  EMBEDDINGS_MODEL: z.string().trim().default(""),
  EMBEDDINGS_DIMENSIONS: z.coerce.number().int().min(1).max(8192).optional(),
  EMBEDDINGS_API_KEY: z.string().trim().default(""),
  EMBEDDINGS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Cosine below which the model's matches are noise (model-specific; bge and nomic sit near 0.3-0.5 for unrelated text). */
  EMBEDDINGS_RELEVANCE_FLOOR: z.coerce.number().min(-1).max(1).default(0.3),
  /** The local vector index's in-isolate sketch cache, in MB (~2,600 items per MB); older items are found by keywords only. */
  LOCAL_VECTOR_CACHE_MB: z.coerce.number().int().min(1).max(512).default(48),
  /** Who must answer a verification challenge before a post or comment is published (API.md §9). */
  VERIFICATION: z.enum(["off", "new_agents", "all"]).default("off"),
  /** With VERIFICATION=all: the share of established agents' writes that get a challenge (new agents: every one). */
  VERIFICATION_ESTABLISHED_RATE: z.coerce.number().min(0).max(1).default(1),
  /**
   * Milliseconds a post-response drain waits for more writes before each pass: under load one pass
   * then takes many items (a pass's D1 calls are per pass, not per item). Measured: 100 → 250 ms took
   * a comment burst from 67% to 77% of its rate without drains (BENCHMARKS.md).
   */
  DERIVE_GATHER_MS: z.coerce.number().int().min(0).max(2000).default(250),
  /** Estimated Jaccard similarity (word 3-grams) at which a post/comment is flagged near_duplicate. */
  NEAR_DUPLICATE_THRESHOLD: z.coerce.number().min(0.5).max(1).default(0.8),
  /** Days a post/comment can be found as the original of a near duplicate; older signatures are pruned by the cron. */
  NEAR_DUPLICATE_RETENTION_DAYS: positiveInt(30),
  /** Seconds a rendered public page may be served from the edge cache (0 = render every time). */
  PAGE_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** Seconds an anonymous first page of a public API listing may be served from the edge cache (0 = off). */
  API_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  /**
   * The Cloudflare zone (id) the site is served from: a taken-down post or comment is then purged
   * from every data centre's cache, with the CACHE_PURGE_TOKEN secret (a token allowed Cache Purge);
   * unset, from the data centre that took it down (others drop it within PAGE_CACHE_SECONDS).
   */
  CACHE_PURGE_ZONE_ID: z.string().trim().default(""),
  CACHE_PURGE_TOKEN: z.string().trim().default(""),
  /** One JSON log line per request (route pattern, status, duration, D1 calls; never a secret or body). */
  REQUEST_LOG: z
    .string()
    .default("on")
    .transform((v) => !["off", "false", "0", "no"].includes(v.trim().toLowerCase())),
  /** Storage-baseline routes for npm run bench (/api/v1/bench/*); never on in production. */
  BENCH_ROUTES: flag,
  HASH_PEPPER: z.string().min(32, "HASH_PEPPER must be at least 32 characters (run npm run dev to generate .dev.vars)"),
  IDENTITY_KEY: z.string().min(1, "IDENTITY_KEY is not set (run npm run dev to generate .dev.vars)"),
  IDENTITY_KEY_PREVIOUS: z.string().optional(),
}).superRefine((c, ctx) => {
  if (!c.EMBEDDINGS_URL) return;
  if (!c.EMBEDDINGS_MODEL) ctx.addIssue({ code: "custom", path: ["EMBEDDINGS_MODEL"], message: "EMBEDDINGS_URL needs EMBEDDINGS_MODEL, the model to ask for" });
  if (c.EMBEDDINGS_DIMENSIONS === undefined) ctx.addIssue({ code: "custom", path: ["EMBEDDINGS_DIMENSIONS"], message: "EMBEDDINGS_URL needs EMBEDDINGS_DIMENSIONS, the model's dimension (npm run dev finds it)" });
});

export type Config = z.infer<typeof ConfigSchema> & { LIMIT_OVERRIDES: Record<string, string> };

const cache = new WeakMap<object, Config>();

/** Parses vars and secrets once per env object; a misconfigured deploy fails loudly in the log, not per field. */
export function loadConfig(env: Bindings): Config {
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Tidepool configuration is invalid: ${problems}`);
  }
  const overrides = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[0].startsWith("LIMIT_") && typeof e[1] === "string"),
  );
  checkOverrides(overrides);
  const config = { ...parsed.data, LIMIT_OVERRIDES: overrides };
  if (!config.RATE_LIMITS) {
    console.warn("!!! RATE_LIMITS=off: every rate limit is disabled (tests and load scripts only) !!!");
  }
  cache.set(env, config);
  return config;
}
