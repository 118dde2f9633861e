export interface CapacityGroup { what: string; tables: string[]; per: string; rows: number; bytes: number; perRow: number; perPost: number }
export interface Capacity {
  file: string;
  fileBytes: number;
  transientBytes: number;
  rows: Record<string, number>;
  groups: CapacityGroup[];
  perPost: number;
  projection: { what: string; count: number; bytes: number }[];
  projected: number;
  limit: number;
}
export const D1_LIMIT: number;
export function capacity(root: string, persistTo?: string): Capacity | null;
