export const migrationsFolder: string;
export function postgresBin(): string;
export function ensureCluster(options: { dir: string; port: number; database?: string }): Promise<string>;
export function stopCluster(dir: string): void;
export function clusterDir(preferred: string): string;
export function migratePostgres(url: string): Promise<void>;
export function clusterRunning(dir: string, port: number): boolean;
export function postgresAvailable(): boolean;
