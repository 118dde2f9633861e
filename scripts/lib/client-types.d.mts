export const SNAPSHOT: string;
export const TYPES: string;
export function snapshotOf(doc: Record<string, unknown>): Record<string, unknown>;
export function typesFromSnapshot(): Promise<string>;
