import type { D1Access } from "./backup-format.mjs";
export function openD1(o: { root: string; remote?: boolean; persistTo?: string }): D1Access;
export function wranglerBin(root: string): string;
export function heldNetwork(d1: D1Access): string;
