#!/usr/bin/env node
// discover-timing.mjs — discovery's cost on one directory, in one thread: globby's source glob and
// repository-file glob (the former discovery) against the walk (src/core/walk.ts), each list
// walked on its own and both in one walk, alternating, medians of N runs (wall, ms).
// Usage: node bench/discover-timing.mjs DIR [--build DIR] [--runs N]
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let build = '.build';
let runs = 5;
let dir = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--build') build = args[++i];
  else if (args[i] === '--runs') runs = Number(args[++i]);
  else dir = resolve(args[i]);
}
const url = (p) => pathToFileURL(join(resolve(repo, build), p)).href;
const discover = await import(url('src/core/discover.js'));
const walk = await import(url('src/core/walk.js'));
const repoFiles = await import(url('src/project/repository-files.js'));
const ignores = [...discover.BUILTIN_IGNORES];

/** A plain recursive readdir (no filtering but node_modules and .git): the floor. */
function plainWalk(abs) {
  let n = 0;
  for (const e of readdirSync(abs, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== '.git') n += plainWalk(join(abs, e.name));
    } else n++;
  }
  return n;
}
const steps = {
  'globby sources (old discoverFiles)': () => discover.globSourceFiles(dir, []),
  'globby repository files (old readRepositoryFiles list)': () => repoFiles.globRepositoryFiles(dir, []),
  'walk sources (new discoverFiles)': () => walk.walkLists(dir, ignores, [discover.SOURCE_LIST]),
  'walk repository files (new readRepositoryFiles list)': () => walk.walkLists(dir, ignores, [repoFiles.REPOSITORY_LIST]),
  'walk both lists at once': () => walk.walkLists(dir, ignores, [discover.SOURCE_LIST, repoFiles.REPOSITORY_LIST]),
  'plain readdir walk (floor)': () => plainWalk(dir),
};
const times = Object.fromEntries(Object.keys(steps).map((k) => [k, []]));
for (const f of Object.values(steps)) f(); // warm the file system cache and the modules
for (let r = 0; r < runs; r++) {
  for (const [name, f] of Object.entries(steps)) {
    const t = performance.now();
    f();
    times[name].push(performance.now() - t);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, xs] of Object.entries(times)) console.log(`${median(xs).toFixed(0).padStart(6)} ms  ${name}  (runs: ${xs.map((x) => x.toFixed(0)).join(' ')})`);
