export const root: string;
export function startServer(options: { port: number; persistTo: string; vars?: string[]; args?: string[]; env?: Record<string, string>; timeoutMs?: number }): Promise<{ base: string; pid: number; output: () => string; stop: () => Promise<void> }>;
