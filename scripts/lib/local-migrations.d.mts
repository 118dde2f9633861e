export function applyLocalMigrations(options: { root: string; persistTo?: string }): Promise<string[]>;
export function localIndexDimensions(options: { root: string; persistTo?: string }): Promise<number | null>;
export function emptyLocalIndex(options: { root: string; persistTo?: string }): Promise<number>;
