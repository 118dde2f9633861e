export function treeMemory(rootPid: number, publicPort?: number | null): { pid: number; name: string; rssMb: number }[];
export function slope(points: { x: number; y: number }[]): number;
