export * from "./agents";
export * from "./audit";
export * from "./owners";
export * from "./submolts";
export * from "./content";
export * from "./idempotency";
export * from "./messages";
export * from "./search";
