#!/usr/bin/env node
// bench.mjs — prodcheck's wall time on a directory next to the single-thread read+parse floor
// (../shared/anchors/parse-floor.mjs) on the same files, run alternately and reported as medians
// and their ratio. Needs `npm run build` first.
//
// Usage: node bench/bench.mjs DIR [--runs N] [--config FILE]
// (--config is passed to prodcheck: e.g. a config that turns one rule off, to measure that rule's cost)
//   PRODCHECK_PARSE_FLOOR=path/to/parse-floor.mjs   where the floor script is (default: ../shared/anchors/)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let runs = 5;
let config = null;
const dirs = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--runs') {
    runs = Number(args[++i]);
    if (!Number.isInteger(runs) || runs < 1) fail('--runs must be a positive integer');
  } else if (a === '--config') {
    config = args[++i];
    if (!config || !existsSync(config)) fail(`--config needs an existing file, got ${config ?? 'nothing'}`);
  } else if (a.startsWith('--')) fail(`unknown option ${a} (allowed: --runs N, --config FILE)`);
  else dirs.push(a);
}
if (dirs.length !== 1) fail('usage: node bench/bench.mjs DIR [--runs N] [--config FILE]');
const dir = resolve(dirs[0]);
if (!existsSync(dir)) fail(`not found: ${dirs[0]}`);
const cli = join(repo, 'dist/src/cli/bin.js');
if (!existsSync(cli)) fail('dist/src/cli/bin.js is missing: run `npm run build` first');
const floorScript = resolve(process.env.PRODCHECK_PARSE_FLOOR ?? join(repo, '../shared/anchors/parse-floor.mjs'));
if (!existsSync(floorScript)) fail(`parse-floor.mjs not found at ${floorScript} (set PRODCHECK_PARSE_FLOOR)`);

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

/** Runs a command, returns its wall time in ms and its peak RSS in MiB (from /usr/bin/time when present). */
function timed(command, argv, env = {}) {
  const useTime = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const r = useTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', command, ...argv], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 30 })
    : spawnSync(command, argv, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  if (r.status !== 0) fail(`${argv.join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').at(-1)}`);
  const rssKiB = useTime ? Number(r.stderr.trim().split('\n').at(-1)) : NaN;
  return { ms, rssMiB: rssKiB / 1024, stdout: r.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const prodcheck = [];
const floor = [];
let floorInfo = null;
let report = null;
for (let i = 0; i < runs; i++) {
  // The floor resolves TypeScript from this repository (ts-morph's TypeScript is the same major).
  const f = timed(process.execPath, [floorScript, '--json', dir], { ANCHORS_DIR: repo });
  floorInfo = JSON.parse(f.stdout);
  floor.push({ ...f, floorMs: floorInfo.floorMs });
  const p = timed(process.execPath, [cli, dir, '--format', 'json', '--quiet', ...(config ? ['--config', resolve(config)] : [])], { CI: '1' });
  report = JSON.parse(p.stdout);
  prodcheck.push(p);
}

const pMs = median(prodcheck.map((r) => r.ms));
const fWall = median(floor.map((r) => r.ms));
const fInner = median(floor.map((r) => r.floorMs));
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mem = (rs) => (Number.isFinite(rs[0].rssMiB) ? `, peak RSS ${Math.round(median(rs.map((r) => r.rssMiB)))} MiB` : '');
process.stdout.write(
  [
    `directory: ${dir}${config ? ` (config ${config})` : ''}`,
    `files: ${floorInfo.files} found by the floor, ${report.summary.files} scanned by prodcheck (${floorInfo.lines} lines); ${report.summary.findings} findings; ${runs} runs each, alternating`,
    `prodcheck (process, wall)        ${fmt(pMs)}${mem(prodcheck)}`,
    `read+parse floor (process, wall) ${fmt(fWall)}${mem(floor)}  (read+parse loop alone ${fmt(fInner)})`,
    `ratio prodcheck / floor          ${(pMs / fWall).toFixed(2)} × (process vs process)   ${(pMs / fInner).toFixed(2)} × (vs the loop alone)`,
    '',
  ].join('\n'),
);
