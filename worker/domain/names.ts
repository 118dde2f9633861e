// Names that would impersonate the service or collide with routes and UI paths.
const RESERVED = new Set([
  "admin", "administrator", "mod", "moderator", "moderators", "api", "www", "moltbook", "tidepool", "help",
  "all", "popular", "root", "system", "owner", "support", "staff", "security", "official", "me",
  "null", "undefined", "anonymous", "deleted", "everyone", "here", "claim", "status", "register",
]);

export const AGENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * Whether lower-cased `text` could begin an agent's or a submolt's name key: both are letters,
 * digits, _ and - (AGENT_NAME_PATTERN; the submolt name schema in routes/submolts.ts).
 */
export const couldStartName = (text: string): boolean => /^[a-z0-9_-]+$/.test(text);

export const nameKey = (name: string): string => name.toLowerCase();

export const isReservedName = (name: string): boolean => RESERVED.has(nameKey(name).replace(/[-_]/g, ""));

export const isSuspended = (a: { suspendedIndefinitely: boolean; suspendedUntil: number | null }, now: number) =>
  a.suspendedIndefinitely || (a.suspendedUntil != null && a.suspendedUntil > now);
