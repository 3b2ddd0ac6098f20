#!/usr/bin/env node
// profile-summary.mjs — reads a V8 .cpuprofile (from `node --cpu-prof`) and prints where the time
// went: the top functions and files by self time and by total (inclusive) time, and prodcheck's
// stages (parse, facts pass, evidence collectors, request reach, handler model, rule dispatch,
// each rule, reporters). A stage's "total" is every sample with one of its frames on the stack; its
// "own" share counts a sample for the innermost stage on the stack only, so the own shares add up.
//
// Usage: node bench/profile-summary.mjs FILE.cpuprofile [--top N] [--json] [--callers REGEX]
//   --callers REGEX  also list, for the functions whose "name  file:line" matches, the time spent
//                    under them by each calling function (who makes them expensive)
//   --under REGEX    count only the samples with a matching function on the stack (e.g.
//                    '^buildModuleFacts ' for the facts pass alone)
//   e.g. node --cpu-prof --cpu-prof-dir /tmp/prof .build/src/cli/bin.js DIR --format json --quiet
//        node bench/profile-summary.mjs /tmp/prof/*.cpuprofile
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
let top = 25;
let json = false;
let callers = null;
let under = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--top') top = Number(args[++i]);
  else if (a === '--json') json = true;
  else if (a === '--under') under = new RegExp(args[++i] ?? fail('--under needs a regular expression'));
  else if (a === '--callers') callers = new RegExp(args[++i] ?? fail('--callers needs a regular expression'));
  else if (a.startsWith('--')) fail(`unknown option ${a} (allowed: --top N, --json, --callers REGEX, --under REGEX)`);
  else files.push(a);
}
if (files.length !== 1 || !Number.isInteger(top) || top < 1) fail('usage: node bench/profile-summary.mjs FILE.cpuprofile [--top N] [--json]');

function fail(message) {
  process.stderr.write(`profile-summary: ${message}\n`);
  process.exit(2);
}

/**
 * prodcheck's stages, matched against a frame's file (path under the build's root) and function
 * name. Listed outermost first; a rule file stands for its own stage (`rule <id>`).
 */
const STAGES = [
  { name: 'discover+read+parse', file: /\/src\/core\/(discover|parse)\.js$/ },
  { name: 'facts pass (modules.ts)', file: /\/src\/project\/modules\.js$/ },
  { name: 'facts: evidence collectors', file: /\/src\/project\/evidence\/[^/]+\.js$/ },
  { name: 'facts: other (facts.ts, resolve, workspaces, roles)', file: /\/src\/project\/(facts|resolve|workspaces|roles|tsconfig-paths|package-json|tsconfig)\.js$/ },
  { name: 'request reach', file: /\/src\/project\/request-reach\.js$/ },
  { name: 'rule dispatch (engine.ts)', file: /\/src\/core\/engine\.js$/ },
  { name: 'rule', file: /\/rules\/([\w-]+)\.js$/ },
  { name: 'handler model (handlers.ts)', file: /\/src\/core\/handlers\.js$/ },
  { name: 'suppressions+fingerprints+redaction', file: /\/src\/core\/(suppressions|fingerprint|secrets)\.js$/ },
  { name: 'score', file: /\/src\/score\/[^/]+\.js$/ },
  { name: 'reporters', file: /\/src\/report\/[^/]+\.js$/ },
];

function stageOf(frame) {
  const url = frame.url;
  if (!url) return null;
  for (const s of STAGES) {
    const m = s.file.exec(url);
    if (!m) continue;
    if (s.name === 'rule') return m[1] === 'index' ? null : `rule ${m[1]}`;
    // parseText inside the engine's lintText etc. is not the scan's parse stage, but the scan
    // only parses in discover: every parse frame counts.
    return s.name;
  }
  return null;
}

const shortUrl = (url) => {
  if (!url) return '(native)';
  let p = url.startsWith('file://') ? fileURLToPath(url) : url;
  const i = p.search(/\/(src|rules|node_modules)\//);
  if (i >= 0) p = p.slice(i + 1);
  return p.replace(/^node_modules\/.*node_modules\//, 'node_modules/');
};

const profile = JSON.parse(readFileSync(files[0], 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Time per sample: timeDeltas[i] is the time since the previous sample; attribute it to sample i.
const selfUs = new Map();
let totalUs = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = Math.max(0, profile.timeDeltas[i] ?? 0);
  totalUs += dt;
  selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
}

const fnKey = (cf) => `${cf.functionName || '(anonymous)'}  ${shortUrl(cf.url)}:${cf.lineNumber + 1}`;
const fnSelf = new Map();
const fnTotal = new Map();
const fileSelf = new Map();
const fileTotal = new Map();
const stageTotal = new Map();
const stageOwn = new Map();
const callerTotal = new Map();
const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);

const stackMatches = (id) => {
  for (let n = id; n !== undefined; n = parent.get(n)) if (under.test(fnKey(byId.get(n).callFrame))) return true;
  return false;
};
for (const [id, us] of selfUs) {
  if (under && !stackMatches(id)) continue;
  const leaf = byId.get(id);
  add(fnSelf, fnKey(leaf.callFrame), us);
  add(fileSelf, shortUrl(leaf.callFrame.url), us);
  // Walk the stack once; count each function, file and stage once per sample (recursion).
  const fns = new Set();
  const urls = new Set();
  const stages = new Set();
  const calls = new Set();
  let innermost = null;
  for (let n = id; n !== undefined; n = parent.get(n)) {
    const cf = byId.get(n).callFrame;
    const key = fnKey(cf);
    fns.add(key);
    if (callers?.test(key)) {
      const up = parent.get(n);
      calls.add(`${key}  <-  ${up === undefined ? '(root)' : fnKey(byId.get(up).callFrame)}`);
    }
    urls.add(shortUrl(cf.url));
    const s = stageOf(cf);
    if (s) {
      stages.add(s);
      innermost ??= s;
    }
  }
  for (const k of fns) add(fnTotal, k, us);
  for (const k of urls) add(fileTotal, k, us);
  for (const k of stages) add(stageTotal, k, us);
  for (const k of calls) add(callerTotal, k, us);
  const name = leaf.callFrame.functionName;
  const idle = name === '(idle)' || name === '(program)' || name === '(garbage collector)';
  add(stageOwn, innermost ?? (idle ? name : '(other: start-up, module loading, scan.ts glue)'), us);
}

const sorted = (m, n = top) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
const ms = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
const pct = (us) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%`;

if (json) {
  const obj = (m, n) => sorted(m, n).map(([k, us]) => ({ name: k, ms: Math.round(us / 1000) }));
  process.stdout.write(
    JSON.stringify({ totalMs: Math.round(totalUs / 1000), stagesOwn: obj(stageOwn, 1000), stagesTotal: obj(stageTotal, 1000), functionsSelf: obj(fnSelf, top), functionsTotal: obj(fnTotal, top), filesSelf: obj(fileSelf, top), filesTotal: obj(fileTotal, top) }, null, 2) + '\n',
  );
} else {
  const out = [`profile: ${files[0]}  (${(totalUs / 1e6).toFixed(2)} s sampled)`, ''];
  const table = (title, m, n) => {
    out.push(title);
    for (const [k, us] of sorted(m, n)) out.push(`${ms(us)} ${pct(us)}  ${k}`);
    out.push('');
  };
  table('Stages, own time (innermost stage on the stack; these add up):', stageOwn, 1000);
  table('Stages, total time (any frame of the stage on the stack):', stageTotal, 1000);
  table(`Top ${top} functions by self time:`, fnSelf, top);
  table(`Top ${top} functions by total time:`, fnTotal, top);
  table(`Top ${top} files by self time:`, fileSelf, top);
  table(`Top ${top} files by total time:`, fileTotal, top);
  if (callers) table(`Callers of ${callers} (time under the call):`, callerTotal, top);
  process.stdout.write(out.join('\n'));
}
