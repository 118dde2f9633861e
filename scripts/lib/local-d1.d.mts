/** The local state directory: `persistTo`, else the project's .wrangler/state. */
export function localStateDir(root: string, persistTo?: string): string;
/** The SQLite file of the local D1 database kept under persistTo (default .wrangler/state). */
export function localDatabaseFile(root: string, persistTo?: string): string;
/** The last migration's file name: a seeded state made under another schema is stale. */
export function schemaVersion(root: string): string;
