// The V8 flags the CLI sets for itself (src/cli/bin.ts). A scan is a batch job of a few seconds, and
// V8's defaults suit long-running programs: they optimise a function early and inline generously. On
// directus the optimising compiler's threads spent about as much CPU as the scan itself
// (bench/README.md, "Fifteenth session"); waiting about three times as long before optimising, and
// inlining less, cut the process's CPU by a fifth or more and the wall time by less.

/** The flags, as measured on Node 20's V8 (11.3). */
export const BATCH_V8_FLAGS: readonly string[] = ['--interrupt-budget=200000', '--max-inlined-bytecode-size-cumulative=200'];

/** A V8 flag's name, with `_` read as `-` (V8 takes both spellings). */
const flagName = (arg: string) => (arg.split('=')[0] as string).replace(/_/g, '-');

/**
 * The flags to set in a process with this command line (`process.execArgv`) and V8 version: none on
 * another V8 than the one measured (other defaults, and it may not know a flag), and none that node's
 * command line already gives, in either spelling.
 */
export function batchV8Flags(execArgv: readonly string[], v8Version: string): string[] {
  if (!v8Version.startsWith('11.')) return [];
  const given = new Set(execArgv.map(flagName));
  return BATCH_V8_FLAGS.filter((flag) => !given.has(flagName(flag)));
}
