// ajv, yaml and dockerfile-ast are required on first use (src/core/lazy.ts): a scan of a project
// without rule options in its configuration, a pnpm workspace or a Dockerfile does not load them, and
// one with all three does (and reads them: its findings depend on each). globby and yaml are not
// loaded by a scan after a change to sources only, which takes the file lists and the project shape
// from the cache. Each scan is a new process running the compiled CLI, so that what it loaded is
// what a user's process loads.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    writeFileSync(probe, "process.on('exit', () => { const keys = Object.keys(require.cache); process.stderr.write(`loaded: ${['globby', 'yaml'].filter((n) => keys.some((k) => k.includes('/node_modules/' + n + '/'))).join(',')}\\n`); });\n");
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
