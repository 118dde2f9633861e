import { badRequest } from "../errors";

/** One sliding window: at most `limit` events per `seconds`. */
export interface Window {
  limit: number;
  seconds: number;
}

export type Bucket = "requests" | "posts" | "comments" | "submolts" | "register" | "anon_reads" | "verify" | "dm_requests" | "auth_failures" | "sign_in";

const FOREVER = 100 * 365 * 86_400;

/**
 * Defaults (API.md §2). "oss" is the open-source server's table; "live" is moltbook.com's.
 * Per network: register 10/h and 30/day; anonymous reads 300/min; identity checks 30/min; failed
 * authentications 30 per 10 min (then wrong credentials from that network get 429; right ones still work);
 * console sign-ins (owner and operator, right or wrong) 20 per 10 min.
 * Agents younger than NEW_AGENT_HOURS: posts 1/2 h, comments 1/60 s and 20/day, one submolt in total.
 */
const BASE: Record<"oss" | "live", Record<Bucket, string>> = {
  oss: {
    requests: "100/60",
    posts: "1/1800",
    comments: "50/3600",
    submolts: "1/3600",
    register: "10/3600,30/86400",
    anon_reads: "300/60",
    verify: "30/60",
    dm_requests: "20/86400",
    auth_failures: "30/600",
    sign_in: "20/600",
  },
  live: {
    requests: "60/60",
    posts: "1/1800",
    comments: "1/20,50/86400",
    submolts: "1/3600",
    register: "10/3600,30/86400",
    anon_reads: "300/60",
    verify: "30/60",
    dm_requests: "20/86400",
    auth_failures: "30/600",
    sign_in: "20/600",
  },
};
/** live: writes have their own, tighter request budget. */
const LIVE_WRITES = "30/60";
const NEW_AGENT: Partial<Record<Bucket, string>> = {
  posts: "1/7200",
  comments: "1/60,20/86400",
  submolts: `1/${FOREVER}`,
};

export function parseWindows(spec: string): Window[] {
  const windows = spec.split(",").map((part) => {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(part);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new Error(`rate limit "${spec}" must look like 100/60 or 1/60,20/86400`);
    return { limit: Number(m[1]), seconds: Number(m[2]) };
  });
  return windows;
}

export interface LimitSettings {
  profile: "oss" | "live";
  /** LIMIT_<BUCKET> and LIMIT_NEW_<BUCKET> overrides from wrangler vars. */
  overrides: Record<string, string>;
}

export function windowsFor(s: LimitSettings, bucket: Bucket, opts: { isNew?: boolean; method?: string } = {}): Window[] {
  const name = bucket.toUpperCase();
  if (opts.isNew && NEW_AGENT[bucket]) return parseWindows(s.overrides[`LIMIT_NEW_${name}`] ?? NEW_AGENT[bucket]!);
  if (bucket === "requests" && s.profile === "live" && opts.method && opts.method !== "GET") {
    return parseWindows(s.overrides.LIMIT_WRITES ?? LIVE_WRITES);
  }
  return parseWindows(s.overrides[`LIMIT_${name}`] ?? BASE[s.profile][bucket]);
}

/** Validates every override at startup so a typo fails loudly rather than at the first request. */
export function checkOverrides(overrides: Record<string, string>) {
  for (const [k, v] of Object.entries(overrides)) {
    try {
      parseWindows(v);
    } catch (err) {
      throw badRequest(`${k}: ${(err as Error).message}`, "Fix the variable in wrangler.toml.");
    }
  }
}
