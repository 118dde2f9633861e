export function anchors(markdown: string): Set<string>;
export function brokenLinks(file: string): { file: string; line: number; target: string; reason: string }[];
export function documents(root: string): string[];
