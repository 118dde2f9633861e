import { and, eq, sql } from "drizzle-orm";
import type { NotificationRow } from "./notifications";
import { notificationUpsert } from "./notifications";
import type { Portable } from "./portable";

export interface FollowStore {
  /**
   * Follows (or unfollows); both agents' counters move, and the followee is told, only when the
   * follow row really changed. Answers whether it did.
   */
  set(followerId: string, followeeId: string, on: boolean, now: number, notification: NotificationRow | null): Promise<boolean>;
}

export function followStore(p: Portable): FollowStore {
  const { follows, agents } = p.t;
  return {
    set(followerId, followeeId, on, now, notification) {
      const delta = on ? 1 : -1;
      return p.chain(
        (db) =>
          on
            ? db.insert(follows).values({ followerId, followeeId, createdAt: now }).onConflictDoNothing().returning({ id: follows.followerId })
            : db.delete(follows).where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId))).returning({ id: follows.followerId }),
        (db, onlyIf) => [
          db.update(agents).set({ followerCount: sql`${agents.followerCount} + ${delta}` }).where(and(eq(agents.id, followeeId), onlyIf)),
          db.update(agents).set({ followingCount: sql`${agents.followingCount} + ${delta}` }).where(and(eq(agents.id, followerId), onlyIf)),
          ...(notification ? [notificationUpsert(p.t, db, notification, onlyIf)] : []),
        ],
      );
    },
  };
}
