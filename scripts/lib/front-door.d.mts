export function openFrontDoor(options: { host: string; port: number; target: () => URL }): Promise<{
  hold<T>(fn: () => Promise<T> | T, drainMs?: number): Promise<T>;
  close(): Promise<void>;
}>;
