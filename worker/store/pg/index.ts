import { pgDerive } from "./derive";
import type * as schema from "../../../schema";
import * as pgSchema from "../../../schema/postgres";
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
import { pgNearWrites } from "./near";
import { pgSearch } from "./search";
import { pgClaim } from "./claims";
import { homeStore } from "../home";
import { pgInbox } from "./inbox";
import { idempotencyStore } from "../idempotency";
import { followStore } from "../follows";
import { pgComments } from "./comments";
import { pgPosts } from "./posts";
import type { Portable } from "../portable";
import { postgres } from "../dialect";
import type { Store } from "../types";
import type { PgConnection } from "./client";
import { pgListings } from "./listings";
import { pgVotes } from "./votes";
import { pgViews } from "./views";
import { submoltStore } from "../submolts";

export function pgStore(connection: PgConnection): Store {
  const client = () => connection.sql;
  const chainRows: Portable["chainRows"] = (first, rest, changed = "one") =>
    connection.db.transaction(async (tx) => {
      const db = tx as unknown as Db;
      const n = (await (first(db) as unknown as Promise<unknown[]>)).length;
      if (changed === "one" ? n !== 1 : n === 0) return null;
      const results: unknown[][] = [];
      for (const statement of rest(db, undefined)) results.push((await (statement as unknown as Promise<unknown[]>)));
      return results;
    });
  // drizzle's pg builder over the derived tables, seen through D1's types (store/portable.ts says what may be used).
  const portable: Portable = {
    get db() {
      return connection.db as unknown as Db;
    },
    t: pgSchema as unknown as typeof schema,
    dialect: postgres,
    atomic: (build) =>
      connection.db.transaction(async (tx) => {
        const results: unknown[] = [];
        for (const statement of build(tx as unknown as Db)) results.push(await statement);
        return results;
      }) as never,
    reads: (build) => Promise.all(build(connection.db as unknown as Db)) as never,
    chainRows,
    chain: async (first, rest, changed) => (await chainRows(first, rest, changed)) !== null,
  };
  const { pins, activity } = pgViews(portable);
  return { kind: "postgres", agents: agentStore(portable, activity), audit: auditStore(portable), dms: dmStore(portable), keys: keyStore(portable), reports: reportStore(portable), operations: operationsStore(portable), challenges: challengeStore(portable), near: nearStore(portable, pgNearWrites(portable)), derive: pgDerive(portable), search: pgSearch(portable, client), owners: ownerStore(portable, pgClaim(client)), follows: followStore(portable), home: homeStore(portable), inbox: pgInbox(client), idempotency: idempotencyStore(portable), submolts: submoltStore(portable, pins), comments: pgComments(portable), listings: pgListings(portable), posts: pgPosts(portable), votes: pgVotes(client) };
}
