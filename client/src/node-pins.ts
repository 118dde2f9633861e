// Pins kept in a JSON file (Node only): one entry per server origin, written atomically and readable
// by the owner alone, so a crash mid-write never loses the pinned key or the versions seen.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import type { Pin, PinStore } from "./files.js";

export const DEFAULT_PIN_FILE = path.join(homedir(), ".config", "tidepool", "pins.json");

export function filePins(file: string = DEFAULT_PIN_FILE): PinStore {
  const readAll = (): Record<string, Pin> => {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as Record<string, Pin>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw new Error(`${file} is unreadable (${(err as Error).message}); fix or remove it to re-pin`);
    }
  };
  return {
    load: async (origin) => readAll()[origin],
    save: async (origin, pin) => {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ ...readAll(), [origin]: pin }, null, 2)}\n`, { mode: 0o600 });
      renameSync(tmp, file);
    },
  };
}
