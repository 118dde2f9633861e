import type { Store } from "../types";
import { d1Votes } from "./votes";

export function d1Store(d1: D1Database): Store {
  return { kind: "d1", votes: d1Votes(d1) };
}
