/**
 * What this isolate knows of each quota without asking its Gate, so a flood is answered here:
 * - a window the Gate called full stays full until the time it gave (a sliding window frees its
 *   next slot then, not before), so every later request in it is a 429 with no round trip;
 * - when the Gate cannot be reached, the requests that fail open (reads, failed logins) pass only
 *   up to the window's limit per isolate, so an overloaded Gate never leaves a flood unlimited.
 * Keys are `<subject>|<window name>` ("net:203.0.113.9|anon_reads", "agent:<id>|requests").
 */
interface Known {
  /** Epoch ms until which the Gate said the window is full; 0 when it has not. */
  fullUntil: number;
  /** The fixed window in which requests passed uncounted while the Gate was unreachable. */
  uncountedSince: number;
  uncounted: number;
}

const known = new Map<string, Known>();
/** ~100 bytes an entry: the map stays around a megabyte however many subjects there are. */
const MAX_ENTRIES = 10_000;

function entry(key: string, now: number): Known {
  let k = known.get(key);
  if (k) return k;
  if (known.size >= MAX_ENTRIES) {
    for (const [other, v] of known) if (v.fullUntil <= now && now - v.uncountedSince > 3_600_000) known.delete(other);
    // Still full of live entries: forget the oldest; its subject's next request asks the Gate again.
    if (known.size >= MAX_ENTRIES) known.delete(known.keys().next().value!);
  }
  k = { fullUntil: 0, uncountedSince: 0, uncounted: 0 };
  known.set(key, k);
  return k;
}

/** When the Gate already said this window is full: until when (epoch ms), else null. */
export function fullUntil(key: string, now: number): number | null {
  const k = known.get(key);
  return k && k.fullUntil > now ? k.fullUntil : null;
}

/** The Gate refused: answer this window's requests here until `resetAt`. */
export function noteFull(key: string, resetAt: number, now: number) {
  entry(key, now).fullUntil = resetAt;
}

/**
 * The Gate could not be reached for a request that fails open: null when it may still pass (at
 * most `limit` per `windowMs` in this isolate), else when this isolate's window ends.
 */
export function passUncounted(key: string, limit: number, windowMs: number, now: number): number | null {
  const k = entry(key, now);
  if (now - k.uncountedSince >= windowMs) {
    k.uncountedSince = now;
    k.uncounted = 0;
  }
  if (k.uncounted >= limit) return k.uncountedSince + windowMs;
  k.uncounted++;
  return null;
}
