/** The SQLite file of the local D1 database kept under persistTo (default .wrangler/state). */
export function localDatabaseFile(root: string, persistTo?: string): string;
