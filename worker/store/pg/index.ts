import type { Store } from "../types";
import type { PgConnection } from "./client";
import { pgVotes } from "./votes";

export function pgStore(connection: PgConnection): Store {
  const sql = () => connection.sql;
  return { kind: "postgres", votes: pgVotes(sql) };
}
