#!/usr/bin/env node
// eslint.mjs — the time of `eslint .` with prodcheck's ESLint plugin (configs.recommended by default)
// on a directory, next to prodcheck's CLI on the same directory and to `eslint .` with the same
// parsers and no rules at all (ESLint's own reading and parsing). Each is a separate process, run
// alternately, reported as medians. The ESLint config is written to the OS temp directory and passed
// with `-c`, so nothing is written into the measured directory. Needs `npm run build` first.
//
// Usage: node bench/eslint.mjs DIR [--runs N] [--config recommended|strict] [--eslint 9|10]
//   PRODCHECK_DIST=path   the build to measure (default: dist)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let runs = 3;
let configName = 'recommended';
let major = '9';
const dirs = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--runs') runs = Number(args[++i]);
  else if (a === '--config') configName = args[++i];
  else if (a === '--eslint') major = args[++i];
  else if (a.startsWith('--')) fail(`unknown option ${a} (allowed: --runs N, --config recommended|strict, --eslint 9|10)`);
  else dirs.push(a);
}
if (dirs.length !== 1 || !Number.isInteger(runs) || runs < 1) fail('usage: node bench/eslint.mjs DIR [--runs N] [--config recommended|strict] [--eslint 9|10]');
if (!['recommended', 'strict'].includes(configName)) fail('--config must be recommended or strict');
if (!['9', '10'].includes(major)) fail('--eslint must be 9 or 10');
const dir = resolve(dirs[0]);
if (!existsSync(dir)) fail(`not found: ${dirs[0]}`);
const dist = resolve(repo, process.env.PRODCHECK_DIST ?? 'dist');
const cli = [join(dist, 'cli/prodcheck.js'), join(dist, 'src/cli/bin.js')].find((p) => existsSync(p)) ?? join(dist, 'cli/prodcheck.js');
const pluginEntry = join(dist, 'src/eslint/index.js');
if (!existsSync(cli) || !existsSync(pluginEntry)) fail(`${dist} has no build: run \`npm run build\` first (or set PRODCHECK_DIST)`);

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

const require = createRequire(join(repo, 'package.json'));
const eslintBin = join(dirname(require.resolve(`${major === '9' ? 'eslint' : 'eslint-v10'}/package.json`)), 'bin/eslint.js');
const tsParser = pathToFileURL(require.resolve('@typescript-eslint/parser')).href;
const { BUILTIN_IGNORES } = await import(pathToFileURL(join(dist, 'src/core/discover.js')).href);

const tmp = mkdtempSync(join(tmpdir(), 'prodcheck-eslint-bench-'));
const configFile = (withPlugin) => {
  const file = join(tmp, withPlugin ? 'with-prodcheck.config.mjs' : 'parsers-only.config.mjs');
  writeFileSync(
    file,
    [
      `import tsParser from ${JSON.stringify(tsParser)};`,
      withPlugin ? `import prodcheck from ${JSON.stringify(pathToFileURL(pluginEntry).href)};` : '',
      'export default [',
      `  { ignores: ${JSON.stringify(BUILTIN_IGNORES)} },`,
      "  { files: ['**/*.js', '**/*.jsx', '**/*.mjs', '**/*.cjs'], languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } } },",
      "  { files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'], languageOptions: { parser: tsParser } },",
      "  { linterOptions: { reportUnusedDisableDirectives: 'off' } },",
      withPlugin ? `  prodcheck.configs.${configName},` : '',
      '];',
      '',
    ].join('\n'),
  );
  return file;
};
const withPlugin = configFile(true);
const parsersOnly = configFile(false);

function timed(argv, cwd) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { cwd, encoding: 'utf8', env: { ...process.env, CI: '1' }, maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) fail(`${argv.join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return { ms, stdout: r.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const times = { eslint: [], parsers: [], prodcheck: [] };
let eslintResults = [];
let report = null;
try {
  for (let i = 0; i < runs; i++) {
    const e = timed([eslintBin, '-c', withPlugin, '--format', 'json', '.'], dir);
    eslintResults = JSON.parse(e.stdout);
    times.eslint.push(e.ms);
    times.parsers.push(timed([eslintBin, '-c', parsersOnly, '--format', 'json', '.'], dir).ms);
    const p = timed([cli, dir, '--format', 'json', '--quiet'], dir);
    report = JSON.parse(p.stdout);
    times.prodcheck.push(p.ms);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const all = (xs) => xs.map(fmt).join(', ');
const eslintFindings = eslintResults.reduce((n, r) => n + r.messages.filter((m) => m.ruleId?.startsWith('prodcheck/')).length, 0);
const parseErrors = eslintResults.reduce((n, r) => n + r.messages.filter((m) => !m.ruleId).length, 0);
process.stdout.write(
  [
    `directory: ${dir}`,
    `ESLint ${major} with configs.${configName}: ${eslintResults.length} files linted, ${eslintFindings} prodcheck findings, ${parseErrors} files ESLint could not parse`,
    `prodcheck CLI: ${report.summary.files} files scanned, ${report.summary.findings} findings (all rules)`,
    `eslint . with prodcheck (process, wall)   median ${fmt(median(times.eslint))}   (${all(times.eslint)})`,
    `eslint . parsers only, no rules          median ${fmt(median(times.parsers))}   (${all(times.parsers)})`,
    `prodcheck CLI (process, wall)            median ${fmt(median(times.prodcheck))}   (${all(times.prodcheck)})`,
    '',
  ].join('\n'),
);
