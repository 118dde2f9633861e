export function applyLocalMigrations(options: { root: string; persistTo?: string }): Promise<string[]>;
