#!/usr/bin/env node
import { setV8Flags } from '../core/compile-cache.js';

// A scan is a batch job of a few seconds, and V8's defaults suit long-running programs: they optimise
// a function early and inline generously, and on directus the optimising compiler's threads spent
// about as much CPU as the scan itself (bench/README.md, "Fifteenth session"). Waiting three times as
// long before optimising, and inlining less, cuts the process's CPU by about a fifth and the wall time
// a little. Set before anything else is loaded (the rest of prodcheck is imported below), for every
// thread of the process. A flag given to node on its command line is left as given. Measured on
// Node 20's V8 (11.3): another V8 has other defaults (and may not know a flag), so it keeps its own.
if (process.versions.v8.startsWith('11.')) {
  const given = new Set(process.execArgv.map((arg) => arg.split('=')[0]));
  setV8Flags(['--interrupt-budget=200000', '--max-inlined-bytecode-size-cumulative=200'].filter((flag) => !given.has(flag.split('=')[0])));
}

const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
