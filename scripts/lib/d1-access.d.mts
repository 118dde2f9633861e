import type { D1Access } from "./backup-format.mjs";
export function openD1(o: { root: string; remote?: boolean; persistTo?: string }): D1Access;
export function wranglerBin(root: string): string;
