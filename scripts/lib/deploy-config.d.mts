export function idsIn(text: string): { d1: string | null; kv: string | null; hyperdrive: string | null };
export function productionConfig(source: string, o: { root: string; url: string; search: "cloudflare" | "local"; previous?: string; storage?: "d1" | "postgres"; hyperdriveId?: string | null }): string;
