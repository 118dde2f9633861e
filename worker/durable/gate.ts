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

/**
 * Exact sliding-window counters, one instance per agent or client network. Every RPC method runs to
 * completion without awaiting, so check-and-count is atomic: N parallel calls against a limit L
 * admit exactly min(N, L). A hit can carry a hold id so a write that fails later gives it back.
 */
export class Gate extends DurableObject {
  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS hits (bucket TEXT NOT NULL, at INTEGER NOT NULL, hold TEXT)");
      ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS hits_bucket_at ON hits (bucket, at)");
      ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS hits_hold ON hits (hold) WHERE hold IS NOT NULL");
    });
  }

  /** Counts one event in every window if all have room; otherwise counts nothing. */
  take(windows: GateWindow[], now: number, hold: string | null = null): TakeResult {
    const sql = this.ctx.storage.sql;
    const states = windows.map((w) => {
      sql.exec("DELETE FROM hits WHERE bucket = ? AND at <= ?", w.bucket, now - w.windowMs);
      const row = sql.exec<{ n: number; oldest: number | null }>("SELECT count(*) AS n, min(at) AS oldest FROM hits WHERE bucket = ?", w.bucket).one();
      return { w, used: row.n, resetAt: (row.oldest ?? now) + w.windowMs };
    });
    const full = states.filter((s) => s.used >= s.w.limit);
    if (full.length > 0) {
      const worst = full.reduce((a, b) => (b.resetAt > a.resetAt ? b : a));
      return this.result(false, worst.w, 0, worst.resetAt, states, worst);
    }
    for (const s of states) sql.exec("INSERT INTO hits (bucket, at, hold) VALUES (?, ?, ?)", s.w.bucket, now, hold);
    const tightest = states.reduce((a, b) => (b.w.limit - b.used < a.w.limit - a.used ? b : a));
    return this.result(true, tightest.w, tightest.w.limit - tightest.used - 1, tightest.resetAt, states, tightest);
  }

  /** Gives back the hits taken under a hold (the write they paid for was not stored). */
  release(hold: string): number {
    return this.ctx.storage.sql.exec("DELETE FROM hits WHERE hold = ?", hold).rowsWritten;
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
