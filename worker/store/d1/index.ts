import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../../schema";
import type { Db } from "../../app";
import { agentStore } from "../agents";
import { d1Comments } from "./comments";
import { d1Posts } from "./posts";
import type { Portable } from "../portable";
import { sqlite } from "../dialect";
import type { Store } from "../types";
import { d1Votes } from "./votes";

/** D1's side of the shared builder (store/portable.ts). */
export const d1Portable = ({ db }: { db: Db }): Portable => ({ db, t: schema, dialect: sqlite, atomic: (build) => db.batch(build(db)) });

export function d1Store(d1: D1Database, db: Db = drizzle(d1, { schema })): Store {
  const portable = d1Portable({ db });
  return { kind: "d1", agents: agentStore(portable), comments: d1Comments(portable), posts: d1Posts(portable), votes: d1Votes(d1) };
}
