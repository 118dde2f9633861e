export const root: string;
export function startServer(options: { port: number; persistTo: string; vars?: string[]; timeoutMs?: number }): Promise<{ base: string; pid: number; stop: () => Promise<void> }>;
