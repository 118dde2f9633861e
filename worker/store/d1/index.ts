import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../../schema";
import type { Db } from "../../app";
import { agentStore } from "../agents";
import type { Portable } from "../portable";
import type { Store } from "../types";
import { d1Votes } from "./votes";

export function d1Store(d1: D1Database, db: Db = drizzle(d1, { schema })): Store {
  const portable: Portable = { db, t: schema, atomic: (build) => db.batch(build(db)) };
  return { kind: "d1", agents: agentStore(portable), votes: d1Votes(d1) };
}
