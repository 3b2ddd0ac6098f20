#!/usr/bin/env node
// bench.mjs — prodcheck's wall time and peak memory on a directory, next to what it is measured
// against, each a separate process, run interleaved (one round runs every row once, `--runs`
// rounds), reported as medians and as ratios to prodcheck cold measured in the same rounds:
//   prodcheck cold       an empty cache directory each round (`--cache-location`, emptied)
//   prodcheck warm       the same command again right after, on the cache the cold run wrote
//   one file changed     on a copy of the directory (the measured directory is never written):
//                        one source file gets a new exported line, then prodcheck re-scans it
//   one file added       then a new source file beside it (one exported constant), re-scanned
//   one file removed     then that file removed again, re-scanned
//   prodcheck --jobs 1   one thread, no cache (`--no-cache`)
//   read+parse floor     ../shared/anchors/parse-floor.mjs: read and parse every file, one thread
//   two floors at once   two floor processes side by side: how much a second thread gives here
//   ESLint alt setup     the anchors' ESLint setup (alt-setup.mjs: typescript-eslint parser without
//                        types, eslint-plugin-security, -promise, -n, no-console), when installed
//   oxlint               the anchors' oxlint with its defaults, when installed
// A row whose prodcheck flags this build does not know (`--jobs`, `--no-cache`, `--cache-location`
// come with the worker pool and the cache) is skipped with a note; cold then runs without them.
// Needs a build first: `npm run build` (dist/), or PRODCHECK_DIST=.build for another output dir.
//
// Usage: node bench/bench.mjs DIR [--runs N] [--config FILE] [--eslint-dir DIR] [--change FILE] [--baseline DIST] [--json]
//   --config FILE     passed to prodcheck (e.g. a config that turns one rule off, to measure that rule's cost)
//   --eslint-dir DIR  an installed copy of ../shared/anchors (cp -r, then npm install there); also from
//                     $PRODCHECK_ANCHORS_DIR. Without it the ESLint and oxlint rows are skipped.
//   --change FILE     the file (relative to DIR) the "one file changed" row edits (default: the
//                     median-sized TypeScript source the floor lists outside tests)
//   --baseline DIST   also time another build's cold scan (e.g. a build of main in .build-main), in
//                     the same rounds: a before/after figure measured in one run
//   --json            one JSON object instead of the table
//   PRODCHECK_PARSE_FLOOR=path/to/parse-floor.mjs  (default: ../shared/anchors/parse-floor.mjs or
//                     ../../shared/anchors/parse-floor.mjs, else the --eslint-dir copy's)
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let runs = 3;
let config = null;
let eslintDir = null;
let eslintDirFrom = null;
let change = null;
let json = false;
let baseline = null;
const dirs = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--runs') {
    runs = Number(args[++i]);
    if (!Number.isInteger(runs) || runs < 1) fail('--runs must be a positive integer');
  } else if (a === '--config') {
    config = args[++i];
    if (!config || !existsSync(config)) fail(`--config needs an existing file, got ${config ?? 'nothing'}`);
    config = resolve(config);
  } else if (a === '--eslint-dir') {
    eslintDir = args[++i];
    eslintDirFrom = '--eslint-dir';
    if (!eslintDir) fail('--eslint-dir needs a directory');
  } else if (a === '--change') {
    change = args[++i];
    if (!change) fail('--change needs a file relative to DIR');
  } else if (a === '--baseline') {
    baseline = args[++i];
    if (!baseline) fail('--baseline needs a build directory');
  } else if (a === '--json') json = true;
  else if (a.startsWith('--')) fail(`unknown option ${a} (allowed: --runs N, --config FILE, --eslint-dir DIR, --change FILE, --baseline DIST, --json)`);
  else dirs.push(a);
}
if (dirs.length !== 1) fail('usage: node bench/bench.mjs DIR [--runs N] [--config FILE] [--eslint-dir DIR] [--change FILE] [--json]');
const dir = resolve(dirs[0]);
if (!existsSync(dir) || !statSync(dir).isDirectory()) fail(`not a directory: ${dirs[0]}`);
const dist = resolve(repo, process.env.PRODCHECK_DIST ?? 'dist');
// The `prodcheck` command: the bundled CLI (src/cli/bundle.mjs), or, in a build made before it, the compiled one.
const cliIn = (build) => [join(build, 'cli/prodcheck.js'), join(build, 'src/cli/bin.js')].find((p) => existsSync(p)) ?? join(build, 'cli/prodcheck.js');
const cli = cliIn(dist);
if (!existsSync(cli)) fail(`${relative(process.cwd(), cli) || cli} is missing: run \`npm run build\` first (or set PRODCHECK_DIST)`);
if (!eslintDir && process.env.PRODCHECK_ANCHORS_DIR) {
  eslintDir = process.env.PRODCHECK_ANCHORS_DIR;
  eslintDirFrom = '$PRODCHECK_ANCHORS_DIR';
}
if (eslintDir) {
  eslintDir = resolve(eslintDir);
  if (!existsSync(join(eslintDir, 'eslint.config.mjs')) || !existsSync(join(eslintDir, 'node_modules/eslint'))) {
    fail(`${eslintDir} (${eslintDirFrom}) is not an installed anchors directory: cp -r ../shared/anchors DIR && cd DIR && npm install`);
  }
}
// ../shared is the repository's sibling; a git worktree under ../wt/<name> finds it one level further up.
const floorScript = [process.env.PRODCHECK_PARSE_FLOOR, join(repo, '../shared/anchors/parse-floor.mjs'), join(repo, '../../shared/anchors/parse-floor.mjs'), eslintDir && join(eslintDir, 'parse-floor.mjs')]
  .filter(Boolean)
  .map((p) => resolve(p))
  .find((p) => existsSync(p));
if (!floorScript) fail('parse-floor.mjs not found (set PRODCHECK_PARSE_FLOOR)');
const hasTime = existsSync('/usr/bin/time');
const baselineCli = baseline && cliIn(resolve(repo, baseline));
if (baselineCli && !existsSync(baselineCli)) fail(`--baseline: ${baselineCli} is missing`);

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

/**
 * Runs a command; returns its wall time (ms), peak RSS (MiB) and CPU time (user + system, ms) from
 * /usr/bin/time -f '%M %U %S', exit status, stdout and stderr (without time's line).
 */
function timed(command, argv, { env = {}, cwd } = {}) {
  const options = { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 30 };
  const t0 = performance.now();
  const r = hasTime ? spawnSync('/usr/bin/time', ['-f', '%M %U %S', command, ...argv], options) : spawnSync(command, argv, options);
  const ms = performance.now() - t0;
  let stderr = r.stderr ?? '';
  let rssMiB = NaN;
  let cpuMs = NaN;
  if (hasTime) {
    const lines = stderr.trimEnd().split('\n');
    const [rss, user, sys] = (lines.pop() ?? '').trim().split(/\s+/).map(Number);
    rssMiB = rss / 1024;
    cpuMs = (user + sys) * 1000;
    stderr = lines.join('\n');
  }
  return { ms, rssMiB, cpuMs, status: r.status, stdout: r.stdout ?? '', stderr };
}

/** The sources parse-floor.mjs reads (same extensions and skipped directories), sorted: its --list may be cut short on a pipe. */
const SOURCE_EXT = /\.(js|mjs|cjs|jsx|ts|mts|cts|tsx)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'coverage', '.git']);
function listSources(d, out = []) {
  const entries = readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(d, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) listSources(p, out);
    } else if (e.isFile() && SOURCE_EXT.test(e.name)) out.push(p);
  }
  return out;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// --- prodcheck -------------------------------------------------------------------------------
const notes = [];
const unsupported = new Set();
const configArgs = config ? ['--config', config] : [];
/** Runs prodcheck; on an unknown flag among `flags`, records it and returns null. */
function prodcheck(target, flags, label, bin = cli) {
  const r = timed(process.execPath, [bin, target, '--format', 'json', '--quiet', '--fail-on', 'none', ...configArgs, ...flags], { env: { CI: '1' } });
  if (r.status !== 0) {
    const unknown = /unknown option (--[\w-]+)/.exec(r.stderr);
    if (unknown && flags.includes(unknown[1])) {
      unsupported.add(unknown[1]);
      return null;
    }
    fail(`prodcheck (${label}) exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  return r;
}

const tmp = mkdtempSync(join(tmpdir(), 'prodcheck-bench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

// The copy for "one file changed", and the file it edits.
const sources = listSources(dir);
let changeRel = change;
if (!changeRel) {
  const candidates = sources
    .map((p) => relative(dir, p))
    .filter((p) => /\.(ts|mts|cts)$/.test(p) && !/\.d\.[cm]?ts$/.test(p) && !/(^|\/)(test|tests|__tests__|__mocks__|fixtures?|e2e)\//.test(p) && !/\.(test|spec)\.[cm]?ts$/.test(p))
    .map((p) => ({ p, size: statSync(join(dir, p)).size }))
    .sort((a, b) => a.size - b.size || (a.p < b.p ? -1 : 1));
  changeRel = candidates[Math.floor(candidates.length / 2)]?.p ?? (sources[0] && relative(dir, sources[0]));
}
if (!changeRel || !existsSync(join(dir, changeRel))) fail(`no file to change${change ? `: ${change} not found in ${dir}` : ''}`);
const copy = join(tmp, 'copy');
cpSync(dir, copy, { recursive: true, verbatimSymlinks: true });
const changed = join(copy, changeRel);
const changedOriginal = readFileSync(changed, 'utf8');
const added = join(dirname(changed), 'prodcheck-bench-added.ts');

const rows = {
  cold: [],
  warm: [],
  changed: [],
  added: [],
  removed: [],
  jobs1: [],
  floor: [],
  floorPair: [],
  eslint: [],
  oxlint: [],
  baseline: [],
};
let floorInfo = null;
let report = null;
let eslintInfo = null;
let oxlintVersion = null;

// Primes the copy's cache once: the "one file changed" runs start from a warm cache.
const copyCache = join(tmp, 'cache-copy');
const primed = prodcheck(copy, ['--cache-location', copyCache], 'priming the copy');

for (let i = 0; i < runs; i++) {
  // cold: an empty cache directory, then warm: the same command on what cold wrote.
  const cache = join(tmp, `cache-${i}`);
  rmSync(cache, { recursive: true, force: true });
  const cold = prodcheck(dir, ['--cache-location', cache], 'cold') ?? prodcheck(dir, [], 'cold');
  rows.cold.push(cold);
  report = JSON.parse(cold.stdout);
  if (primed) {
    rows.warm.push(prodcheck(dir, ['--cache-location', cache], 'warm'));
    writeFileSync(changed, changedOriginal);
    appendFileSync(changed, `\nexport const prodcheckBenchEdit${i} = ${i};\n`);
    rows.changed.push(prodcheck(copy, ['--cache-location', copyCache], 'one file changed'));
    writeFileSync(added, `export const prodcheckBenchAdded${i} = ${i};\n`);
    rows.added.push(prodcheck(copy, ['--cache-location', copyCache], 'one file added'));
    rmSync(added);
    rows.removed.push(prodcheck(copy, ['--cache-location', copyCache], 'one file removed'));
  }
  if (baselineCli) {
    // Cold too: an empty cache directory of its own each round (a build without the flag: its default).
    const baselineCache = join(tmp, `cache-baseline-${i}`);
    rmSync(baselineCache, { recursive: true, force: true });
    const b = prodcheck(dir, ['--cache-location', baselineCache], 'baseline', baselineCli) ?? prodcheck(dir, [], 'baseline', baselineCli);
    if (JSON.parse(b.stdout).summary.findings !== report.summary.findings) notes.push('the baseline build reports a different number of findings');
    rows.baseline.push(b);
  }
  const one = prodcheck(dir, ['--jobs', '1', '--no-cache'], '--jobs 1');
  if (one) rows.jobs1.push(one);

  // The floor resolves TypeScript from this repository (ts-morph's TypeScript is the same major).
  const f = timed(process.execPath, [floorScript, '--json', dir], { env: { ANCHORS_DIR: repo } });
  if (f.status !== 0) fail(`parse-floor exited ${f.status}: ${f.stderr.trim()}`);
  floorInfo = JSON.parse(f.stdout);
  rows.floor.push({ ...f, innerMs: floorInfo.floorMs });
  // Two floors at once, two processes: what a second thread can give on this machine (on a shared
  // or virtual machine, two cores may run two threads at well under twice the speed of one).
  const floorCmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(floorScript)} --json ${JSON.stringify(dir)} >/dev/null`;
  const pair = timed('/bin/sh', ['-c', `${floorCmd} & ${floorCmd}; s=$?; wait $!; exit $((s + $?))`], { env: { ANCHORS_DIR: repo } });
  if (pair.status !== 0) fail(`parse-floor (two at once) exited ${pair.status}: ${pair.stderr.trim()}`);
  rows.floorPair.push(pair);

  if (eslintDir) {
    // The working directory is the scanned one (eslint-plugin-n reads its package.json); the
    // config and its plugins come from the anchors directory.
    const e = timed(process.execPath, [join(eslintDir, 'node_modules/eslint/bin/eslint.js'), '-c', join(eslintDir, 'eslint.config.mjs'), '--format', 'json', '--no-warn-ignored', '.'], { cwd: dir });
    if (e.status !== 0 && e.status !== 1) fail(`ESLint exited ${e.status}: ${e.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    const results = JSON.parse(e.stdout);
    eslintInfo = { files: results.length, messages: results.reduce((n, r) => n + r.messages.length, 0), fatal: results.filter((r) => r.messages.some((m) => m.fatal)).length };
    rows.eslint.push(e);
    const oxBin = join(eslintDir, 'node_modules/.bin/oxlint');
    if (existsSync(oxBin)) {
      const o = timed(oxBin, ['--format', 'json', '.'], { cwd: dir });
      if (o.status === 0 || o.status === 1) {
        rows.oxlint.push(o);
        oxlintVersion ??= spawnSync(oxBin, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^Version:\s*/i, '');
      } else notes.push(`oxlint exited ${o.status}: ${o.stderr.trim().split('\n').at(-1)}`);
    }
  }
}
writeFileSync(changed, changedOriginal);
for (const flag of unsupported) {
  const rowsOf = flag === '--jobs' ? 'the --jobs 1 row is' : 'the warm and one-file rows are';
  notes.push(`this prodcheck does not know ${flag}: ${rowsOf} skipped${flag === '--cache-location' ? ', cold runs without a cache flag' : ''}`);
}
if (!eslintDir) notes.push('ESLint and oxlint rows skipped: give --eslint-dir DIR or set PRODCHECK_ANCHORS_DIR (an installed copy of ../shared/anchors)');

// --- output --------------------------------------------------------------------------------
const coldMs = median(rows.cold.map((r) => r.ms));
const coldCpu = median(rows.cold.map((r) => r.cpuMs));
const summary = (name, list, extra = {}) => {
  const valid = list.filter(Boolean);
  if (valid.length === 0) return null;
  const ms = median(valid.map((r) => r.ms));
  return { name, ms, all: valid.map((r) => r.ms), rssMiB: median(valid.map((r) => r.rssMiB)), cpuMs: median(valid.map((r) => r.cpuMs)), ratio: ms / coldMs, cpuRatio: median(valid.map((r) => r.cpuMs)) / coldCpu, ...extra };
};
const table = [
  summary('prodcheck cold', rows.cold),
  summary('prodcheck warm (nothing changed)', rows.warm),
  summary(`prodcheck warm, one file changed`, rows.changed),
  summary(`prodcheck warm, one file added`, rows.added),
  summary(`prodcheck warm, one file removed`, rows.removed),
  summary('prodcheck --jobs 1 (no cache)', rows.jobs1),
  summary(`baseline ${baseline} cold`, rows.baseline),
  summary('read+parse floor (process)', rows.floor, { innerMs: median(rows.floor.map((r) => r.innerMs)) }),
  summary('ESLint alternative setup', rows.eslint),
  summary(`oxlint${oxlintVersion ? ` ${oxlintVersion}` : ''}`, rows.oxlint),
].filter(Boolean);
const floorRow = table.find((r) => r.name.startsWith('read+parse'));
const pairMs = median(rows.floorPair.map((r) => r.ms));
const result = {
  directory: dir,
  config,
  runs,
  files: { floor: floorInfo.files, prodcheck: report.summary.files, lines: floorInfo.lines, typescript: floorInfo.typescript },
  findings: report.summary.findings,
  changedFile: changeRel,
  addedFile: relative(copy, added),
  eslintDir: eslintDir ? `${eslintDir} (${eslintDirFrom})` : null,
  eslint: eslintInfo,
  rows: table.map(({ name, ms, all, rssMiB, cpuMs, ratio, cpuRatio, innerMs }) => ({ name, ms: Math.round(ms), runs: all.map(Math.round), rssMiB: Math.round(rssMiB), cpuMs: Math.round(cpuMs), ratioToCold: Number(ratio.toFixed(3)), cpuRatioToCold: Number(cpuRatio.toFixed(3)), ...(innerMs === undefined ? {} : { loopMs: innerMs }) })),
  coldVsFloor: { process: Number((coldMs / floorRow.ms).toFixed(2)), loop: Number((coldMs / floorRow.innerMs).toFixed(2)) },
  // Two floor processes at once: the pair's median wall time, and how much faster two threads did the work of two than one would (2 = two full cores).
  twoFloors: { ms: Math.round(pairMs), throughput: Number(((2 * floorRow.ms) / pairMs).toFixed(2)) },
  notes,
};
if (json) {
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
} else {
  const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const out = [
    `directory: ${dir}${config ? ` (config ${config})` : ''}`,
    `files: ${floorInfo.files} found by the floor (${floorInfo.lines} lines), ${report.summary.files} scanned by prodcheck; ${report.summary.findings} findings; ${runs} rounds, rows interleaved`,
    `one file changed: ${changeRel} (a line exporting a new constant, on a copy); one file added beside it, then removed: ${relative(copy, added)}`,
    ...(eslintInfo ? [`ESLint (${eslintDir}, from ${eslintDirFrom}): ${eslintInfo.files} files, ${eslintInfo.messages} messages, ${eslintInfo.fatal} files it could not parse`] : []),
    '',
    `${'row'.padEnd(38)} ${'median'.padStart(9)} ${'/ cold'.padStart(8)} ${'peak RSS'.padStart(9)} ${'CPU'.padStart(9)} ${'/ cold'.padStart(8)}   wall of each run`,
    ...table.map(
      (r) =>
        `${r.name.padEnd(38)} ${fmt(r.ms).padStart(9)} ${r.ratio.toFixed(2).padStart(7)}× ${(Number.isFinite(r.rssMiB) ? `${Math.round(r.rssMiB)} MiB` : '-').padStart(9)} ${(Number.isFinite(r.cpuMs) ? fmt(r.cpuMs) : '-').padStart(9)} ${(Number.isFinite(r.cpuRatio) ? `${r.cpuRatio.toFixed(2)}×` : '-').padStart(8)}   ${r.all.map(fmt).join(', ')}`,
    ),
    '(CPU = user + system time of the process, all its threads: steadier than wall time on a shared machine)',
    '',
    `cold / read+parse floor: ${result.coldVsFloor.process}× process vs process, ${result.coldVsFloor.loop}× vs the floor's read+parse loop alone (${fmt(floorRow.innerMs)})`,
    `two read+parse floors at once: ${fmt(pairMs)} for both (one alone: ${fmt(floorRow.ms)}), so two threads here do ${result.twoFloors.throughput}× the work of one (2× on two full cores)`,
    ...notes.map((n) => `note: ${n}`),
    '',
  ];
  process.stdout.write(out.join('\n'));
}
