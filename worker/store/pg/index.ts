import type * as schema from "../../../schema";
import * as pgSchema from "../../../schema/postgres";
import type { Db } from "../../app";
import { agentStore } from "../agents";
import { pgComments } from "./comments";
import { pgPosts } from "./posts";
import type { Portable } from "../portable";
import { postgres } from "../dialect";
import type { Store } from "../types";
import type { PgConnection } from "./client";
import { pgVotes } from "./votes";

export function pgStore(connection: PgConnection): Store {
  const sql = () => connection.sql;
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
  };
  return { kind: "postgres", agents: agentStore(portable), comments: pgComments(portable), posts: pgPosts(portable), votes: pgVotes(sql) };
}
