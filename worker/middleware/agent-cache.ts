import type { AgentRow } from "../../schema";
import type { AgentWithOwner } from "../converters/agent";
import { KEY_END_RETENTION_MS } from "../durable/gate";

/**
 * How long an isolate may keep a credential's agent without reading it from D1 again. The agent's
 * Gate confirms every use (epoch, suspension, key ends), so this only bounds how stale a field that
 * changes without a bump (karma, counters) can be, and it stays well inside the Gate's memory of
 * ended keys.
 */
export const AUTH_CACHE_TTL_MS = KEY_END_RETENTION_MS / 3;
/** A cached agent is a row of a kilobyte or two: a few megabytes at most per isolate. */
const MAX_ENTRIES = 5_000;

export interface CachedAgent {
  agent: AgentRow;
  /** The API key's id; null for a JWT. */
  keyId: string | null;
  expiresAt: number | null;
  lastUsedAt: number | null;
  /** The Gate's epoch when this copy was confirmed; a newer one means re-read it. */
  epoch: number;
  loadedAt: number;
  /**
   * The agent as `/agents/me` shows it (with its owner), when it was read. Dropped with the entry
   * when the epoch moves (any change to the agent) and after the agent's own writes here.
   */
  view?: { value: AgentWithOwner; at: number };
}

/** How old a cached `/agents/me` may be: counters others move (karma, followers) lag at most this much. */
export const VIEW_FRESH_MS = 60_000;

/** Peppered key hash (or `jwt:<agent id>`) → the agent it authenticated, least recently used first. */
const entries = new Map<string, CachedAgent>();

export function cachedAgent(key: string, now: number): CachedAgent | undefined {
  const entry = entries.get(key);
  if (!entry) return undefined;
  entries.delete(key);
  if (now - entry.loadedAt > AUTH_CACHE_TTL_MS) return undefined;
  entries.set(key, entry);
  return entry;
}

export function cacheAgent(key: string, entry: CachedAgent) {
  entries.delete(key);
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(key, entry);
}

export function forgetAgent(key: string) {
  entries.delete(key);
}

/**
 * Credentials the primary has said no agent holds, for a minute: a flood repeating one wrong key is
 * answered without a D1 lookup each time (a key is 256 random bits, so none becomes valid later; a
 * key deleted since is refused by its Gate anyway).
 */
const unknown = new Map<string, number>();
const UNKNOWN_TTL_MS = 60_000;
const UNKNOWN_MAX = 10_000;

export function knownUnknown(key: string, now: number): boolean {
  const at = unknown.get(key);
  if (at === undefined) return false;
  if (now - at < UNKNOWN_TTL_MS) return true;
  unknown.delete(key);
  return false;
}

export function noteUnknown(key: string, now: number) {
  unknown.delete(key);
  if (unknown.size >= UNKNOWN_MAX) unknown.delete(unknown.keys().next().value!);
  unknown.set(key, now);
}
