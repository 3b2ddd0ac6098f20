// ajv, yaml and dockerfile-ast are required on first use (src/core/lazy.ts): a scan of a project
// without rule options in its configuration, a pnpm workspace or a Dockerfile does not load them, and
// one with all three does (and reads them: its findings depend on each). globby and yaml are not
// loaded by a scan after a change to sources only, which takes the file lists and the project shape
// from the cache. Each scan is a new process running the compiled CLI, so that what it loaded is
// what a user's process loads. The bundled CLI loads its own single-file copy of each
// (dist/cli/vendor/, src/cli/bundle.mjs), and reports what the compiled modules report.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtCli, bundledCli, BUILT } from '../support/built.js';
import { FIXTURES } from '../support/fixtures.js';

const fixtureProject = (name: string) => join(FIXTURES, 'projects', name);

const LAZY = ['ajv', 'yaml', 'dockerfile-ast'];

/** Scans `dir` in a new process: the lazily required packages it loaded, and its findings' rule ids. */
function scanIn(dir: string): { loaded: string[]; rules: string[] } {
  builtCli();
  const script = `
    import { createRequire } from 'node:module';
    import { scan } from ${JSON.stringify(pathToFileURL(join(BUILT, 'src/scan.js')).href)};
    const report = await scan({ root: ${JSON.stringify(dir)}, jobs: 1 });
    const cached = Object.keys(createRequire(import.meta.url).cache);
    const loaded = ${JSON.stringify(LAZY)}.filter((name) => cached.some((p) => p.includes('/node_modules/' + name + '/')));
    console.log(JSON.stringify({ loaded, rules: [...new Set(report.findings.map((f) => f.ruleId))].sort() }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: BUILT })) as { loaded: string[]; rules: string[] };
}

describe('dependencies only some projects need', () => {
  it('are not loaded by a scan of a project without a Dockerfile, a pnpm workspace or rule options', () => {
    const result = scanIn(fixtureProject('orders-service'));
    expect(result.loaded).toEqual([]);
    expect(result.rules).toEqual(expect.arrayContaining(['no-console-log', 'require-http-timeout']));
    expect(result.rules).not.toContain('docker-pinned-base');
  }, 120_000);

  it('are loaded, and read, when the project has them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prodcheck-lazy-'));
    cpSync(fixtureProject('orders-service'), dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM node\nWORKDIR /app\nCOPY . .\nCMD ["node", "src/server.js"]\n');
    writeFileSync(join(dir, 'pnpm-workspace.yaml'), 'packages:\n  - "packages/*"\n');
    // console.log and console.error are allowed: orders-service's two no-console-log findings go.
    writeFileSync(join(dir, 'prodcheck.config.json'), JSON.stringify({ rules: { 'no-console-log': ['low', { allow: ['log', 'error'] }] } }));
    const result = scanIn(dir);
    expect(result.loaded).toEqual(LAZY);
    expect(result.rules).toContain('docker-pinned-base');
    expect(result.rules).not.toContain('no-console-log');
  }, 120_000);
});

describe('a scan after a change to sources only', () => {
  it('loads neither globby nor yaml (the bundled CLI): the file lists and the project shape are the cache\'s; a file added loads globby only', () => {
    const bin = bundledCli();
    const dir = mkdtempSync(join(tmpdir(), 'prodcheck-lazy-'));
    cpSync(fixtureProject('orders-service'), dir, { recursive: true });
    writeFileSync(join(dir, 'pnpm-workspace.yaml'), 'packages:\n  - "packages/*"\n');
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-lazy-cache-'));
    // A preloaded module reports, at exit, which of the two packages the process loaded.
    const probe = join(cache, 'probe.cjs');
    // (The bundled CLI's own copy, or the package's.)
    writeFileSync(probe, "process.on('exit', () => { const keys = Object.keys(require.cache); process.stderr.write(`loaded: ${['globby', 'yaml'].filter((n) => keys.some((k) => k.endsWith('/vendor/' + n + '.cjs') || k.includes('/node_modules/' + n + '/'))).join(',')}\\n`); });\n");
    const scan = () => {
      const r = spawnSync(process.execPath, ['--require', probe, bin, dir, '--format', 'json', '--cache-location', cache], { encoding: 'utf8', env: { ...process.env, PRODCHECK_DEBUG_CACHE: '1' } });
      const stats = JSON.parse(/^prodcheck: cache (\{.*\})$/m.exec(r.stderr)?.[1] ?? '{}') as { listed?: boolean; shapeReused?: boolean; checked?: number };
      return { status: r.status, loaded: /^loaded: (.*)$/m.exec(r.stderr)?.[1], listed: stats.listed, shapeReused: stats.shapeReused ?? false, checked: stats.checked };
    };
    expect(scan()).toEqual({ status: 0, loaded: 'globby,yaml', listed: true, shapeReused: false, checked: 15 });
    appendFileSync(join(dir, 'src/config.ts'), '\n// read once at start-up\n');
    expect(scan()).toEqual({ status: 0, loaded: '', listed: false, shapeReused: true, checked: 1 });
    // A file added: the tree is listed again (globby), but the inputs the project shape is read
    // from are as they were (no yaml).
    writeFileSync(join(dir, 'src/version.ts'), "export const version = '1.4.0';\n");
    expect(scan()).toMatchObject({ status: 0, loaded: 'globby', listed: true, shapeReused: true });
    // An input changed: the project is read again.
    writeFileSync(join(dir, 'pnpm-workspace.yaml'), 'packages:\n  - "packages/*"\n  - "services/*"\n');
    appendFileSync(join(dir, 'src/config.ts'), '// and logged at start-up\n');
    expect(scan()).toMatchObject({ status: 0, loaded: 'globby,yaml', listed: true, shapeReused: false });
  }, 120_000);
});

describe('the bundled CLI', () => {
  /** A project that needs all four: a Dockerfile, a pnpm workspace, a configuration with rule options, and a walk of its tree. */
  function projectNeedingAll(): string {
    const dir = mkdtempSync(join(tmpdir(), 'prodcheck-vendor-'));
    cpSync(fixtureProject('orders-service'), dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM node\nWORKDIR /app\nCOPY . .\nCMD ["node", "src/server.js"]\n');
    writeFileSync(join(dir, 'pnpm-workspace.yaml'), 'packages:\n  - "packages/*"\n');
    writeFileSync(join(dir, 'prodcheck.config.json'), JSON.stringify({ rules: { 'no-console-log': ['low', { allow: ['log', 'error'] }] } }));
    return dir;
  }

  it('requires its own single-file copy of each package loaded on first use, and reports what the compiled modules report', () => {
    const bin = bundledCli();
    const dir = projectNeedingAll();
    const probe = join(mkdtempSync(join(tmpdir(), 'prodcheck-vendor-probe-')), 'probe.cjs');
    // At exit: the vendored files and the packages' own files (theirs and their dependencies') the process loaded.
    writeFileSync(probe, "process.on('exit', () => { const keys = Object.keys(require.cache); process.stderr.write('vendor: ' + keys.filter((k) => k.includes('/cli/vendor/')).map((k) => k.replace(/.*\\//, '')).sort().join(',') + '\\npackages: ' + keys.filter((k) => /\\/node_modules\\/(ajv|yaml|dockerfile-ast|globby|fast-glob|ignore|micromatch)\\//.test(k)).length + '\\n'); });\n");
    // Compiled code kept in a cache directory of the test's own: the compiler's and one file for each of the four.
    const env = { ...process.env, XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'prodcheck-vendor-xdg-')) };
    const compiled = () => {
      const dir = join(env.XDG_CACHE_HOME, 'prodcheck', 'compile');
      return Object.fromEntries(readdirSync(dir).map((name) => [name, statSync(join(dir, name)).mtimeMs]));
    };
    const scanBundled = () => spawnSync(process.execPath, ['--require', probe, bin, dir, '--format', 'json', '--no-cache'], { encoding: 'utf8', env });
    const bundled = scanBundled();
    expect(/^vendor: (.*)$/m.exec(bundled.stderr)?.[1]).toBe('ajv.cjs,dockerfile-ast.cjs,globby.cjs,yaml.cjs');
    expect(/^packages: (.*)$/m.exec(bundled.stderr)?.[1]).toBe('0');
    const written = compiled();
    expect(Object.keys(written)).toHaveLength(5);
    // The next process takes them as they are (V8 accepted them: none written again).
    expect(scanBundled().stdout).toBe(bundled.stdout);
    expect(compiled()).toEqual(written);
    const unbundled = spawnSync(process.execPath, [builtCli(), dir, '--format', 'json', '--no-cache'], { encoding: 'utf8', env });
    expect(bundled.status).toBe(unbundled.status);
    expect(bundled.stdout).toBe(unbundled.stdout);
    const rules = (JSON.parse(bundled.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId);
    expect(rules).toContain('docker-pinned-base');
    expect(rules).not.toContain('no-console-log');
  }, 120_000);

  it('counts its copies in the code a cached result was computed by', () => {
    const bin = bundledCli();
    // A copy of the bundle (under the tests' build, so that it finds node_modules), whose vendored file changes.
    const copy = join(BUILT, `vendor-copy-${process.pid}`);
    rmSync(copy, { recursive: true, force: true });
    cpSync(dirname(bin), copy, { recursive: true });
    try {
      const dir = projectNeedingAll();
      const cache = mkdtempSync(join(tmpdir(), 'prodcheck-vendor-cache-'));
      const env = { ...process.env, PRODCHECK_DEBUG_CACHE: '1', XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'prodcheck-vendor-xdg-')) };
      const scan = () => /"scan":"(\w+)"/.exec(spawnSync(process.execPath, [join(copy, 'prodcheck.js'), dir, '--format', 'json', '--cache-location', cache], { encoding: 'utf8', env }).stderr)?.[1];
      expect(scan()).toBe('miss');
      expect(scan()).toBe('hit');
      const later = new Date(Date.now() + 60_000);
      utimesSync(join(copy, 'vendor', 'dockerfile-ast.cjs'), later, later);
      expect(scan()).toBe('miss');
      expect(scan()).toBe('hit');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 120_000);

  it('carries copies that export what the packages export, and globby\'s the very ignore, fast-glob and micromatch it uses', () => {
    const vendor = join(dirname(bundledCli()), 'vendor');
    const require = createRequire(import.meta.url);
    for (const name of ['ajv', 'yaml', 'dockerfile-ast']) {
      expect(Object.keys(require(join(vendor, `${name}.cjs`)) as object).sort(), name).toEqual(Object.keys(require(name) as object).sort());
    }
    const globby = require(join(vendor, 'globby.cjs')) as Record<string, unknown> & { createIgnore: () => { add(p: string): { ignores(p: string): boolean } }; fastGlob: { generateTasks(p: string[], o: object): unknown[] } };
    const installed = require('globby') as Record<string, unknown>;
    expect(Object.keys(globby).sort()).toEqual([...Object.keys(installed), 'createIgnore', 'fastGlob', 'micromatch'].sort());
    // globby's ignore (7, whose matchers have `checkIgnore`), not the 5 at the top of node_modules; the same answers as globby's.
    const fromGlobby = createRequire(require.resolve('globby'));
    const methods = (create: () => object) => Object.getOwnPropertyNames(Object.getPrototypeOf(create())).sort();
    expect(methods(globby.createIgnore)).toEqual(methods(fromGlobby('ignore') as () => object));
    expect(methods(globby.createIgnore)).toContain('checkIgnore');
    expect(methods(require('ignore') as () => object)).not.toContain('checkIgnore');
    const createIgnore = fromGlobby('ignore') as () => { add(p: string): { ignores(p: string): boolean } };
    for (const [pattern, path] of [['logs/', 'logs/'], ['*.log', 'app/debug.log'], ['!keep.log', 'keep.log'], ['build/**', 'build/x.js']]) {
      expect(globby.createIgnore().add(pattern as string).ignores(path as string), `${pattern} ${path}`).toBe(createIgnore().add(pattern as string).ignores(path as string));
    }
    const tasks = (f: { generateTasks(p: string[], o: object): unknown[] }) => f.generateTasks(['src/**/*.ts', '!**/node_modules/**'], { cwd: '/repo', dot: false });
    expect(tasks(globby.fastGlob)).toEqual(tasks(fromGlobby('fast-glob') as { generateTasks(p: string[], o: object): unknown[] }));
  }, 120_000);
});
