// Command-line arguments of the benchmark scripts.

/** The number after `--<name>` on the command line, else `fallback`. */
export function numberArg(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}
