#!/usr/bin/env node
import { setV8Flags } from '../core/compile-cache.js';
import { batchV8Flags } from './v8-flags.js';

// V8 flags for a batch job (./v8-flags.ts), set before anything else is loaded (the rest of
// prodcheck is imported below), for every thread of the process.
setV8Flags(batchV8Flags(process.execArgv, process.versions.v8));

const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
