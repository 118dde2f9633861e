export function startPool(options: { dir: string; port: number; upstreamPort: number; size?: number }): string;
export function stopPool(dir: string): void;
