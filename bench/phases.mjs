#!/usr/bin/env node
// phases.mjs — where one scan's time goes, without a profiler's overhead: times prodcheck's stages
// in one process (CPU time, user + system, and wall) on a directory: discover+read+parse, the
// project facts (the facts pass over every file and its evidence collectors), request reach
// (computed on first use), the file rules (one walk per file), the project rules. With
// `--compare BUILD` it runs the same stages of a second build on the same parsed files, the two
// alternating, so that a change's effect is measured on a noisy machine (the `parse` row: each
// build parsing the same texts again, trees dropped as made; not in the total); with `--rules`, each
// rule's own cost (the file rules' walk with that rule alone, minus the walk with no rule).
// The stages are called as scan() calls them, with the default configuration; findings are not
// sorted, fingerprinted nor reported (those are small: see profile-summary.mjs). With `--record`,
// the file rules are also run reading the facts through the cache's recorder (src/cache/record.ts),
// as a scan that writes the cache runs them: the difference is what recording costs.
//
// Usage: node bench/phases.mjs DIR [--build DIR] [--compare DIR] [--runs N] [--rules] [--record]
//   --build DIR    the build to time (default: dist; e.g. .build from `tsc --outDir .build`)
//   --compare DIR  a second build, run alternately with the first on the same parsed files
//   --runs N       rounds (default 3); medians are printed
//   --rules        also each rule's own cost (slow: one walk of every file per file rule)
//   --record       also the file rules reading the facts through the cache's recorder
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let build = 'dist';
let compare = null;
let runs = 3;
let perRule = false;
let record = false;
const dirs = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--build') build = args[++i];
  else if (a === '--compare') compare = args[++i];
  else if (a === '--runs') runs = Number(args[++i]);
  else if (a === '--rules') perRule = true;
  else if (a === '--record') record = true;
  else if (a.startsWith('--')) fail(`unknown option ${a} (allowed: --build DIR, --compare DIR, --runs N, --rules, --record)`);
  else dirs.push(a);
}
if (dirs.length !== 1 || !Number.isInteger(runs) || runs < 1) fail('usage: node bench/phases.mjs DIR [--build DIR] [--compare DIR] [--runs N] [--rules] [--record]');
const root = resolve(dirs[0]);

function fail(message) {
  process.stderr.write(`phases: ${message}\n`);
  process.exit(2);
}

async function load(dir) {
  const base = resolve(repo, dir);
  const url = (p) => pathToFileURL(join(base, p)).href;
  try {
    return {
      name: dir,
      discover: await import(url('src/core/discover.js')),
      parse: await import(url('src/core/parse.js')),
      facts: await import(url('src/project/facts.js')),
      engine: await import(url('src/core/engine.js')),
      registry: await import(url('rules/index.js')),
      config: await import(url('src/config/load.js')),
      record: await import(url('src/cache/record.js')),
    };
  } catch (err) {
    fail(`cannot load the build in ${base}: ${err.message}`);
  }
}

const builds = [await load(build), ...(compare ? [await load(compare)] : [])];

/** CPU (user + system) and wall milliseconds of fn. */
function measure(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, cpu: (c.user + c.system) / 1000, wall };
}

const config0 = builds[0].config.loadConfig({ root });
const loaded = measure(() => builds[0].discover.loadSources(root, config0.ignores));
const { parsed } = loaded.value;
process.stdout.write(`${root}: ${parsed.length} files parsed in ${Math.round(loaded.cpu)} ms CPU (${Math.round(loaded.wall)} ms wall), build ${builds[0].name}\n`);

function stages(b) {
  const config = b.config.loadConfig({ root });
  const knownIds = new Set(b.registry.rules.map((r) => r.id));
  const fileRules = b.registry.rules.filter((r) => r.scope === 'file' && config.rules[r.id] !== 'off');
  const projectRules = b.registry.rules.filter((r) => r.scope === 'project' && config.rules[r.id] !== 'off');
  const out = {};
  // Each build parses the texts again with its own parser (the trees are dropped as they are made;
  // the later stages all work on the first build's trees): a change to parsing shows here.
  out.parse = measure(() => parsed.reduce((n, p) => n + b.parse.parseText(p.path, p.text).sourceFile.statements.length, 0));
  const facts = measure(() => b.facts.buildProjectFacts({ root, files: parsed, ignores: config.ignores }));
  out.facts = facts;
  const f = facts.value;
  out['request reach'] = measure(() => (parsed[0] ? f.requestReached(parsed[0].path) : null));
  const active = (list) => list.map((rule) => ({ rule, severity: rule.severity, options: rule.defaultOptions }));
  const walk = (list, recorder) => {
    let findings = 0;
    for (const p of parsed) {
      const info = { path: p.path, relPath: p.relPath, sourceFile: p.sourceFile, text: p.text, roles: f.roles(p.path) };
      const pkg = f.packageOf(p.path);
      const view = f.packageView(pkg);
      // As a scan writing the cache checks a file (src/parallel/shard.ts).
      recorder?.readingFor(p.relPath);
      findings += b.engine.checkFile(info, recorder ? recorder.wrap(view, `#${b.record.esc(pkg.path)}`) : view, list, knownIds).findings.length;
      recorder?.readingFor(null);
    }
    if (recorder) recorder.fileReads();
    return findings;
  };
  out['file rules'] = measure(() => walk(active(fileRules)));
  if (record) out['file rules, recorded'] = measure(() => walk(active(fileRules), new b.record.FactsRecorder()));
  out['project rules'] = measure(() => {
    let n = 0;
    for (const rule of projectRules) {
      const targets = rule.repository || f.packages.length === 1 ? [f.packages[0]] : f.packages;
      for (const pkg of targets) {
        try {
          rule.check({ facts: rule.repository ? f : f.packageView(pkg), options: rule.defaultOptions, countSite() {}, report: () => n++ });
        } catch {}
      }
    }
    return n;
  });
  if (perRule) {
    const none = measure(() => walk([]));
    out['walk with no rule'] = none;
    for (const rule of fileRules) {
      const m = measure(() => walk(active([rule])));
      out[`rule ${rule.id}`] = { cpu: m.cpu - none.cpu, wall: m.wall - none.wall, value: m.value };
    }
    for (const rule of projectRules) {
      out[`rule ${rule.id} (project)`] = measure(() => {
        const targets = rule.repository || f.packages.length === 1 ? [f.packages[0]] : f.packages;
        for (const pkg of targets) {
          try {
            rule.check({ facts: rule.repository ? f : f.packageView(pkg), options: rule.defaultOptions, countSite() {}, report() {} });
          } catch {}
        }
      });
    }
  }
  return out;
}

const results = builds.map(() => []);
for (let i = 0; i < runs; i++) {
  // Every other round the second build goes first: whichever runs second inherits the first's heap.
  const order = i % 2 ? [...builds.keys()].reverse() : [...builds.keys()];
  for (const k of order) {
    globalThis.gc?.();
    results[k].push(stages(builds[k]));
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const names = Object.keys(results[0][0]);
const col = (k, name, key) => median(results[k].map((r) => r[name]?.[key] ?? NaN));
const head = builds.map((b) => `${b.name} CPU ms`.padStart(18)).join('') + (compare ? '    2nd/1st' : '') + '   (wall ms)';
process.stdout.write(`${'stage'.padEnd(40)}${head}\n`);
const rows = [...names.filter((n) => !n.startsWith('rule ') && n !== 'walk with no rule'), 'total', ...names.filter((n) => n.startsWith('rule ') || n === 'walk with no rule')];
for (const name of rows) {
  const cpu = builds.map((_, k) => (name === 'total' ? median(results[k].map((r) => ['facts', 'request reach', 'file rules', 'project rules'].reduce((s, n) => s + r[n].cpu, 0))) : col(k, name, 'cpu')));
  const wall = builds.map((_, k) => (name === 'total' ? median(results[k].map((r) => ['facts', 'request reach', 'file rules', 'project rules'].reduce((s, n) => s + r[n].wall, 0))) : col(k, name, 'wall')));
  if (perRule && name.startsWith('rule ') && cpu.every((c) => c < 20)) continue;
  const ratio = compare ? `${(cpu[1] / cpu[0]).toFixed(2).padStart(11)}` : '';
  process.stdout.write(`${name.padEnd(40)}${cpu.map((c) => String(Math.round(c)).padStart(18)).join('')}${compare ? ratio.replace(/^/, '') : ''}   (${wall.map((w) => Math.round(w)).join(' / ')})\n`);
}
if (perRule) process.stdout.write('(rules under 20 ms CPU in every build are not listed)\n');
