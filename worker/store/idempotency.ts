import { and, eq, lt, or } from "drizzle-orm";
import type { IdempotencyRow } from "../../schema";
import { first, type Portable } from "./portable";

/** A POST's identity under an Idempotency-Key. */
export interface IdempotencyScope {
  principal: string;
  key: string;
  method: string;
  path: string;
}

export interface IdempotencyStore {
  /** Forgets the scope's record if it expired, or is pending past `staleBefore` (its request died). */
  sweep(scope: IdempotencyScope, expiredBefore: number, staleBefore: number): Promise<void>;
  /** Claims the scope for this request (pending); false when a record exists. */
  claim(scope: IdempotencyScope, bodyHash: string, now: number): Promise<boolean>;
  record(scope: IdempotencyScope): Promise<IdempotencyRow | null>;
  forget(scope: IdempotencyScope): Promise<void>;
  /** Keeps the outcome to replay. */
  finish(scope: IdempotencyScope, outcome: { status: number; contentType: string | null; response: string }): Promise<void>;
}

export function idempotencyStore(p: Portable): IdempotencyStore {
  const t = p.t.idempotencyKeys;
  const where = (s: IdempotencyScope) => and(eq(t.principal, s.principal), eq(t.key, s.key), eq(t.method, s.method), eq(t.path, s.path));
  return {
    async sweep(scope, expiredBefore, staleBefore) {
      await p.db.delete(t).where(and(where(scope), or(lt(t.createdAt, expiredBefore), and(eq(t.state, "pending"), lt(t.createdAt, staleBefore)))));
    },
    async claim(scope, bodyHash, now) {
      const claimed = await p.db.insert(t).values({ ...scope, bodyHash, state: "pending", createdAt: now }).onConflictDoNothing().returning({ key: t.key });
      return claimed.length === 1;
    },
    record: (scope) => first(p.db.select().from(t).where(where(scope))),
    async forget(scope) {
      await p.db.delete(t).where(where(scope));
    },
    async finish(scope, outcome) {
      await p.db.update(t).set({ state: "done", ...outcome }).where(where(scope));
    },
  };
}
