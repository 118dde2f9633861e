// `--name value` options for the project's scripts.
const argv = process.argv.slice(2);

/** The value after `--name`, or `fallback` when the option is absent. */
export function option(name, fallback) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
}

/** Whether the bare flag `--name` was given. */
export const flag = (name) => argv.includes(`--${name}`);

export { argv };
