// The scripts' command lines: Node's own parser in strict mode, so a misspelled or unknown option,
// or one missing its value, stops the command (exit 2, the usage on stderr) before it touches
// anything, instead of being ignored while the default runs. `--help`/`-h` prints the usage and exits.
import { parseArgs } from "node:util";

/**
 * Parses `args` (default: the command's own) with util.parseArgs `options`, plus --help. Returns
 * `{ values, positionals }`; exits 0 after printing `usage` for --help, exits 2 on a bad command line.
 */
export function parseCommand({ usage, options = {}, positionals = false, args = process.argv.slice(2) }) {
  let parsed;
  try {
    parsed = parseArgs({ args, strict: true, allowPositionals: positionals, options: { ...options, help: { type: "boolean", short: "h", default: false } } });
  } catch (err) {
    usageError(err.message, usage);
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage.trim()}\n`);
    process.exit(0);
  }
  return parsed;
}

/** A command line that parsed but makes no sense: says why, then the usage; exit 2. */
export function usageError(message, usage) {
  process.stderr.write(`✗ ${message}\n\n${usage.trim()}\n`);
  process.exit(2);
}

/**
 * `values` with `--name` set to `fallback` when the command line left it out: for a default that
 * depends on another option (soak's --agents on --connections), checked like a value given.
 */
export const valueOr = (values, name, fallback) => (values[name] === undefined ? { ...values, [name]: String(fallback) } : values);

/** `--name`'s value as a whole number within [min, max], or a usage error. */
export function wholeNumber(values, name, usage, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  const raw = values[name];
  const n = Number(raw);
  if (raw === undefined || raw === "" || !Number.isInteger(n) || n < min || n > max) {
    usageError(`--${name} takes a whole number from ${min.toLocaleString("en")}${max < Number.MAX_SAFE_INTEGER ? ` to ${max.toLocaleString("en")}` : " up"}, got "${raw ?? ""}"`, usage);
  }
  return n;
}

/** `--name`'s value as a positive number (seconds, megabytes…), or a usage error. */
export function positiveNumber(values, name, usage) {
  const raw = values[name];
  const n = Number(raw);
  if (raw === undefined || raw === "" || !(n > 0) || !Number.isFinite(n)) usageError(`--${name} takes a positive number, got "${raw ?? ""}"`, usage);
  return n;
}

/** `--name`'s value when it is one of `choices`, or a usage error. */
export function oneOf(values, name, choices, usage) {
  if (!choices.includes(values[name])) usageError(`--${name} takes ${choices.join(" or ")}, got "${values[name]}"`, usage);
  return values[name];
}
