import { DurableObject } from "cloudflare:workers";

export interface HitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms when the oldest counted hit leaves the window. */
  resetAt: number;
}

/**
 * Exact sliding-window counters, one instance per agent or client network. Each RPC call runs to
 * completion without awaiting, so check-and-count is atomic: N parallel calls against a limit L
 * admit exactly min(N, L).
 */
export class Gate extends DurableObject {
  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS hits (bucket TEXT NOT NULL, at INTEGER NOT NULL)");
      ctx.storage.sql.exec("CREATE INDEX IF NOT EXISTS hits_bucket_at ON hits (bucket, at)");
    });
  }

  hit(bucket: string, limit: number, windowMs: number, now: number = Date.now()): HitResult {
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM hits WHERE bucket = ? AND at <= ?", bucket, now - windowMs);
    const rows = sql.exec<{ n: number; oldest: number | null }>(
      "SELECT count(*) AS n, min(at) AS oldest FROM hits WHERE bucket = ?",
      bucket,
    ).one();
    const used = rows.n;
    if (used >= limit) {
      return { allowed: false, limit, remaining: 0, resetAt: (rows.oldest ?? now) + windowMs };
    }
    sql.exec("INSERT INTO hits (bucket, at) VALUES (?, ?)", bucket, now);
    return { allowed: true, limit, remaining: limit - used - 1, resetAt: (rows.oldest ?? now) + windowMs };
  }
}
