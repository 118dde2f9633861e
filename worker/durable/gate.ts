import { DurableObject } from "cloudflare:workers";

export interface GateWindow {
  /** Counter name inside this object, e.g. "posts" or "comments:86400". */
  bucket: string;
  limit: number;
  windowMs: number;
}

export interface TakeResult {
  allowed: boolean;
  /** The window that decides: the refusing one, or the one with the least room left. */
  bucket: string;
  limit: number;
  remaining: number;
  windowMs: number;
  /** Epoch ms when the decisive window next frees a slot (or fully resets when unused). */
  resetAt: number;
  /** Smallest room left in any secondary (e.g. daily) window; null with a single window. */
  otherRemaining: number | null;
}

/** What the agent's gate knows of its live state, answered with every admission. */
export interface AgentState {
  /** Bumped by every change a cached copy of the agent must not outlive (claim, profile, keys, suspension). */
  epoch: number;
  /** Suspended by the kill switch: until when (epoch ms), or null for until further notice; absent when not. */
  suspended?: { until: number | null };
  /** When the presented key stops (or stopped) working, if it was revoked or rotated out recently. */
  keyEndsAt: number | null;
}

/** Whether the Gate's state holds the agent suspended at `now`. */
export const heldSuspended = (s: Pick<AgentState, "suspended">, now: number) => !!s.suspended && (s.suspended.until === null || s.suspended.until > now);

/** Whether the Gate's state refuses the request at `now`: the agent suspended, or the presented key ended. */
export const refuses = (s: AgentState, now: number) => heldSuspended(s, now) || (s.keyEndsAt !== null && s.keyEndsAt <= now);

/** What an admission takes beside the request quota. */
export interface AdmitAsk {
  /** Hold id for the request quota's hits (an idempotent POST gives them back when it replays). */
  hold?: string | null;
  /** The write's own windows (posts, comments, …), taken in the same call. */
  bucket?: GateWindow[];
  /** Hold id for the bucket's hits: the write gives them back if it is not stored. */
  bucketHold?: string | null;
  /** A write: counted among the agent's writes so its reads go to the primary until its bookmark arrives. */
  write?: boolean;
}

export interface Admission extends AgentState {
  /** The quota's answer; null when no windows were asked for or the agent may not pass at all. */
  take: TakeResult | null;
  /** The write bucket's answer; null when none was asked for or the request was refused before it. */
  bucketTake: TakeResult | null;
  /**
   * Where this request's D1 session starts so the agent reads its own writes: the bookmark of its
   * latest write, the primary while that bookmark is not known yet, else anywhere.
   */
  readFrom: string;
  /** For a write: its number among the agent's writes, to note its bookmark under (noteBookmark). */
  writeOrdinal: number | null;
}

/** After a write whose bookmark never arrived, reads go to the primary this long (far beyond replica lag). */
export const PRIMARY_AFTER_WRITE_MS = 60_000;

/**
 * How long a key's end is remembered. Isolates re-read a cached agent from D1 at least this often
 * (AUTH_CACHE_TTL_MS is a third of it), and D1 holds every end once its write commits.
 */
export const KEY_END_RETENTION_MS = 15 * 60_000;

/**
 * Windows this short are counted in the object's memory, not its storage: a request that only reads
 * then waits for no durable write. Nothing is lost that still counts: an object is evicted only after
 * 70 s or more without a call, by when every hit of such a window has expired (a restart or deploy
 * forgets them early: at worst twice a limit passes in that one window). Longer windows (posts,
 * comments, registrations, failed logins) are stored.
 */
export const IN_MEMORY_MS = 60_000;

/**
 * Exact sliding-window counters, one instance per agent or client network. Every RPC method runs to
 * completion without awaiting, so check-and-count is atomic: N parallel calls against a limit L
 * admit exactly min(N, L). A hit can carry a hold id so a write that fails later gives it back.
 * An agent's instance also holds its live state (epoch, suspension, ended keys) and where its next
 * reads must start (its latest write's D1 bookmark), answered with every admission.
 */
export class Gate extends DurableObject {
  /** Hits of the windows kept in memory (IN_MEMORY_MS), by window name. */
  private recent = new Map<string, { at: number; hold: string | null }[]>();
  /**
   * The stored state, mirrored in memory (written through, read at construction): an admission
   * reads no storage. Every method runs without awaiting, so the mirror never lags what is stored.
   */
  private kv = new Map<string, number>();
  private ends = new Map<string, number>();
  private mark: { ordinal: number; value: string } | null = null;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS hits (bucket TEXT NOT NULL, at INTEGER NOT NULL, hold TEXT)");
      ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS hits_bucket_at ON hits (bucket, at)");
      ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS hits_hold ON hits (hold) WHERE hold IS NOT NULL");
      ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS agent_state (k TEXT PRIMARY KEY, v INTEGER)");
      ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS bookmark (id INTEGER PRIMARY KEY CHECK (id = 1), ordinal INTEGER NOT NULL, value TEXT NOT NULL)");
      ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS key_ends (key_id TEXT PRIMARY KEY, at INTEGER NOT NULL, recorded_at INTEGER NOT NULL)");
      for (const r of ctx.storage.sql.exec<{ k: string; v: number }>("SELECT k, v FROM agent_state")) this.kv.set(r.k, r.v);
      this.loadEnds();
      this.mark = ctx.storage.sql.exec<{ ordinal: number; value: string }>("SELECT ordinal, value FROM bookmark").toArray()[0] ?? null;
    });
  }

  /**
   * The agent's live state, this request's quota and the write's own bucket in one round trip:
   * requireAgent trusts a cached agent only as far as this answer confirms it, and a write pays
   * everything it owes here. A suspended agent or a dead key counts nothing; the bucket is taken
   * only when the request quota admitted the request (a refused write still counts as a request).
   */
  admit(keyId: string | null, windows: GateWindow[], now: number, ask: AdmitAsk = {}): Admission {
    const state = this.state(keyId);
    const blocked = refuses(state, now);
    const take = blocked || windows.length === 0 ? null : this.take(windows, now, ask.hold ?? null);
    const bucketTake = blocked || take?.allowed === false || !ask.bucket?.length ? null : this.take(ask.bucket, now, ask.bucketHold ?? null);
    const write = ask.write ?? false;
    let writeOrdinal: number | null = null;
    if (write && !blocked && take?.allowed !== false && bucketTake?.allowed !== false) {
      writeOrdinal = (this.get("writes") ?? 0) + 1;
      this.put("writes", writeOrdinal);
      this.put("last_write_at", now);
    }
    return { ...state, take, bucketTake, readFrom: write ? "first-primary" : this.readFrom(now), writeOrdinal };
  }

  /** The D1 bookmark after the agent's write number `ordinal`; an older write's arriving late changes nothing. */
  noteBookmark(ordinal: number, bookmark: string) {
    if (this.mark && this.mark.ordinal >= ordinal) return;
    this.ctx.storage.sql.exec("INSERT INTO bookmark (id, ordinal, value) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET ordinal = excluded.ordinal, value = excluded.value", ordinal, bookmark);
    this.mark = { ordinal, value: bookmark };
  }

  private readFrom(now: number): string {
    const b = this.mark;
    if (b && b.ordinal >= (this.get("writes") ?? 0)) return b.value;
    if (now - (this.get("last_write_at") ?? 0) < PRIMARY_AFTER_WRITE_MS) return "first-primary";
    return b?.value ?? "first-unconstrained";
  }

  private get(k: string): number | undefined {
    return this.kv.get(k);
  }

  private loadEnds() {
    this.ends = new Map(this.ctx.storage.sql.exec<{ key_id: string; at: number }>("SELECT key_id, at FROM key_ends").toArray().map((r) => [r.key_id, r.at]));
  }

  /** The kill switch's half here: recorded before D1's, so no isolate's cached agent outlives it. Returns what it replaced. */
  suspend(until: number | null): { until: number | null } | undefined {
    const before = this.state(null).suspended;
    this.put("suspended_until", until ?? -1);
    this.bump();
    return before;
  }

  /** Lifts (or, after a failed suspension, restores) the recorded suspension. */
  resume(previous?: { until: number | null }): number {
    if (previous) this.put("suspended_until", previous.until ?? -1);
    else {
      this.ctx.storage.sql.exec("DELETE FROM agent_state WHERE k = 'suspended_until'");
      this.kv.delete("suspended_until");
    }
    return this.bump();
  }

  /** Keys that stop working at `at` (revoked: now; rotated out: the end of their grace). */
  endKeys(ends: { keyId: string; at: number }[], now: number): number {
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM key_ends WHERE recorded_at <= ?", now - KEY_END_RETENTION_MS);
    for (const e of ends) {
      sql.exec("INSERT INTO key_ends (key_id, at, recorded_at) VALUES (?, ?, ?) ON CONFLICT (key_id) DO UPDATE SET at = min(at, excluded.at), recorded_at = excluded.recorded_at", e.keyId, e.at, now);
    }
    this.loadEnds();
    return this.bump();
  }

  /** Undoes endKeys when the D1 write it announced did not commit. */
  forgetKeyEnds(keyIds: string[]): number {
    for (const id of keyIds) this.ctx.storage.sql.exec("DELETE FROM key_ends WHERE key_id = ?", id);
    this.loadEnds();
    return this.bump();
  }

  /** Marks every cached copy of the agent stale (claim, profile, owner changes). */
  bump(): number {
    const epoch = this.state(null).epoch + 1;
    this.put("epoch", epoch);
    return epoch;
  }

  private put(k: string, v: number) {
    this.ctx.storage.sql.exec("INSERT INTO agent_state (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", k, v);
    this.kv.set(k, v);
  }

  private state(keyId: string | null): AgentState {
    const until = this.kv.get("suspended_until");
    return {
      epoch: this.kv.get("epoch") ?? 0,
      ...(until === undefined ? {} : { suspended: { until: until === -1 ? null : until } }),
      keyEndsAt: keyId === null ? null : (this.ends.get(keyId) ?? null),
    };
  }

  /** Counts one event in every window if all have room; otherwise counts nothing. */
  take(windows: GateWindow[], now: number, hold: string | null = null): TakeResult {
    const states = windows.map((w) => (w.windowMs <= IN_MEMORY_MS ? this.memoryWindow(w, now) : this.storedWindow(w, now)));
    const full = states.filter((s) => s.used >= s.w.limit);
    if (full.length > 0) {
      const worst = full.reduce((a, b) => (b.resetAt > a.resetAt ? b : a));
      return this.result(false, worst.w, 0, worst.resetAt, states, worst);
    }
    for (const s of states) s.count(hold);
    const tightest = states.reduce((a, b) => (b.w.limit - b.used < a.w.limit - a.used ? b : a));
    return this.result(true, tightest.w, tightest.w.limit - tightest.used - 1, tightest.resetAt, states, tightest);
  }

  /** A window's hits in memory, oldest first (hits arrive in time order, give or take isolates' clocks). */
  private memoryWindow(w: GateWindow, now: number) {
    const hits = this.recent.get(w.bucket) ?? this.recent.set(w.bucket, []).get(w.bucket)!;
    let expired = 0;
    while (expired < hits.length && hits[expired]!.at <= now - w.windowMs) expired++;
    if (expired) hits.splice(0, expired);
    return { w, used: hits.length, resetAt: (hits[0]?.at ?? now) + w.windowMs, count: (h: string | null) => void hits.push({ at: now, hold: h }) };
  }

  private storedWindow(w: GateWindow, now: number) {
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM hits WHERE bucket = ? AND at <= ?", w.bucket, now - w.windowMs);
    const row = sql.exec<{ n: number; oldest: number | null }>("SELECT count(*) AS n, min(at) AS oldest FROM hits WHERE bucket = ?", w.bucket).one();
    return { w, used: row.n, resetAt: (row.oldest ?? now) + w.windowMs, count: (h: string | null) => void sql.exec("INSERT INTO hits (bucket, at, hold) VALUES (?, ?, ?)", w.bucket, now, h) };
  }

  /** Gives back the hits taken under these holds (the write they paid for was not stored). */
  release(...holds: string[]): number {
    let released = 0;
    for (const hits of this.recent.values()) {
      const kept = hits.filter((h) => h.hold === null || !holds.includes(h.hold));
      released += hits.length - kept.length;
      hits.splice(0, hits.length, ...kept);
    }
    return holds.reduce((n, hold) => n + this.ctx.storage.sql.exec("DELETE FROM hits WHERE hold = ?", hold).rowsWritten, released);
  }

  private result(
    allowed: boolean,
    w: GateWindow,
    remaining: number,
    resetAt: number,
    states: { w: GateWindow; used: number }[],
    decisive: { w: GateWindow },
  ): TakeResult {
    const others = states.filter((s) => s.w !== decisive.w).map((s) => s.w.limit - s.used - (allowed ? 1 : 0));
    return {
      allowed,
      bucket: w.bucket,
      limit: w.limit,
      remaining: Math.max(0, remaining),
      windowMs: w.windowMs,
      resetAt,
      otherRemaining: others.length ? Math.max(0, Math.min(...others)) : null,
    };
  }
}
