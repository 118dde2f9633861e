import { d1Derive } from "./derive";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../../schema";
import type { Db } from "../../app";
import { agentStore } from "../agents";
import { auditStore } from "../audit";
import { keyStore } from "../keys";
import { dmStore } from "../dms";
import { ownerStore } from "../owners";
import { reportStore } from "../reports";
import { operationsStore } from "../operations";
import { challengeStore } from "../challenges";
import { nearStore } from "../near";
import { d1NearWrites } from "./near";
import { d1Search } from "./search";
import { d1Claim } from "./claims";
import { homeStore } from "../home";
import { d1Inbox } from "./inbox";
import { idempotencyStore } from "../idempotency";
import { followStore } from "../follows";
import { d1Comments } from "./comments";
import { d1Posts } from "./posts";
import type { Portable } from "../portable";
import { sqlite } from "../dialect";
import type { Store } from "../types";
import { d1Page, d1Recent } from "./listings";
import { d1Votes } from "./votes";
import { submoltStore } from "../submolts";
import { d1Views } from "./views";

/** D1's side of the shared builder (store/portable.ts). */
export function d1Portable({ db }: { db: Db }): Portable {
  const chainRows: Portable["chainRows"] = async (first, rest, changed = "one") => {
    const [rows, ...after] = await db.batch([first(db), ...rest(db, changed === "one" ? sql`changes() = 1` : sql`changes() > 0`)]);
    const n = (rows as unknown[]).length;
    return (changed === "one" ? n === 1 : n > 0) ? (after as unknown[][]) : null;
  };
  return {
    db,
    t: schema,
    dialect: sqlite,
    atomic: (build) => db.batch(build(db)),
    reads: (build) => db.batch(build(db)),
    chainRows,
    chain: async (first, rest, changed) => (await chainRows(first, rest, changed)) !== null,
  };
}

export function d1Store(d1: D1Database, db: Db = drizzle(d1)): Store {
  const portable = d1Portable({ db });
  const { pins, activity } = d1Views(db);
  return { kind: "d1", agents: agentStore(portable, activity), audit: auditStore(portable), dms: dmStore(portable), keys: keyStore(portable), reports: reportStore(portable), operations: operationsStore(portable), challenges: challengeStore(portable), near: nearStore(portable, d1NearWrites(portable, d1)), derive: d1Derive(portable), search: d1Search(portable, d1), owners: ownerStore(portable, d1Claim(d1)), follows: followStore(portable), home: homeStore(portable), inbox: d1Inbox(d1), idempotency: idempotencyStore(portable), submolts: submoltStore(portable, pins), comments: d1Comments(portable), listings: { page: (q) => d1Page(db, q), recent: (q) => d1Recent(db, q) }, posts: d1Posts(portable), votes: d1Votes(d1) };
}
