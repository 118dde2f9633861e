/** Imports the named exports of Worker modules (paths relative to the repository root). */
export function importWorkerModules(...files: string[]): Promise<Record<string, any>>;
