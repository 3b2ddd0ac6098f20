// The whole-scan cache (src/cache/scan-cache.ts, src/cli/cached-scan.ts): a re-scan of an unchanged
// repository prints the stored report, byte for byte what a scan prints, in every format, without
// loading TypeScript; any change to a source, an input or the configuration is seen; a broken cache is
// a note, never a failure.
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { main } from '../../src/cli/main.js';
import { cacheDirectory } from '../../src/cache/location.js';
import { FIXTURES, onlyRule, writeProject } from '../support/fixtures.js';
import { BUILT, builtCli, bundledCli } from '../support/built.js';

const tmpCache = () => mkdtempSync(join(tmpdir(), 'prodcheck-cache-'));

async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { PRODCHECK_DEBUG_CACHE: '1', ...env },
  });
  const debug = /^prodcheck: cache (\{.*\})$/m.exec(stderr)?.[1];
  const stats = debug ? (JSON.parse(debug) as { scan: string }) : undefined;
  return { code, stdout, stderr: stderr.replace(/^prodcheck: cache \{.*\}\n/m, ''), scan: stats?.scan };
}

const FORMATS: string[][] = [['--format', 'json'], ['--format', 'sarif'], ['--format', 'markdown'], ['--format', 'github'], ['--format', 'html'], ['--format', 'pretty'], ['--format', 'pretty', '--quiet']];

describe('whole-scan cache', () => {
  it.each(readdirSync(join(FIXTURES, 'projects')))('answers an unchanged %s from the cache, byte-identical in every format', async (name) => {
    const root = join(tmpdir(), `prodcheck-cache-project-${name}-${process.pid}`);
    rmSync(root, { recursive: true, force: true });
    cpSync(join(FIXTURES, 'projects', name), root, { recursive: true });
    const cache = tmpCache();
    const first = await run([root, '--format', 'json', '--cache-location', cache]);
    expect(first.scan).toBe('miss');
    for (const format of FORMATS) {
      const uncached = await run([root, ...format, '--no-cache', '--no-color']);
      const cached = await run([root, ...format, '--cache-location', cache, '--no-color']);
      expect(uncached.scan).toBe('off');
      expect(cached.scan).toBe('hit');
      expect({ format, ...cached, scan: undefined }).toEqual({ format, ...uncached, scan: undefined });
    }
  }, 120_000);

  it('sees every change to a source, an input, the ignore files or the configuration', async () => {
    const root = writeProject({
      'package.json': JSON.stringify({ name: 'billing', dependencies: { express: '^4.21.0' } }),
      'src/server.ts': "import express from 'express';\nconst app = express();\napp.listen(3000, () => console.log('up'));\n",
      'src/jobs/report.ts': "export function report() {\n  console.log('report');\n}\n",
    });
    const cache = tmpCache();
    const args = [root, '--format', 'json', '--cache-location', cache];
    const expectFresh = async (scan: 'hit' | 'miss') => {
      const cached = await run(args);
      const uncached = await run([root, '--format', 'json', '--no-cache']);
      expect(cached.scan).toBe(scan);
      expect(cached.stdout).toBe(uncached.stdout);
      return JSON.parse(cached.stdout) as { findings: Array<{ file: string; line: number }>; summary: { files: number } };
    };
    await expectFresh('miss');
    await expectFresh('hit');
    // Touched, same content: the hash says unchanged.
    utimesSync(join(root, 'src/server.ts'), new Date(), new Date(Date.now() + 5000));
    await expectFresh('hit');
    writeFileSync(join(root, 'src/jobs/report.ts'), "export function report() {\n  // quiet now\n}\n");
    expect([...new Set((await expectFresh('miss')).findings.filter((f) => f.file.startsWith('src/')).map((f) => f.file))]).toEqual(['src/server.ts']);
    await expectFresh('hit');
    mkdirSync(join(root, 'src/deep/er'), { recursive: true });
    writeFileSync(join(root, 'src/deep/er/audit.ts'), "console.log('audit');\n");
    expect((await expectFresh('miss')).summary.files).toBe(3);
    writeFileSync(join(root, '.gitignore'), 'src/deep/\n');
    expect((await expectFresh('miss')).summary.files).toBe(2);
    rmSync(join(root, 'src/jobs/report.ts'));
    expect((await expectFresh('miss')).summary.files).toBe(1);
    writeFileSync(join(root, 'Dockerfile'), 'FROM node:20\nCMD ["npm", "start"]\n');
    await expectFresh('miss');
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'billing', dependencies: { express: '^5.0.0' } }));
    await expectFresh('miss');
    writeFileSync(join(root, 'prodcheck.config.json'), JSON.stringify({ rules: onlyRule('no-console-log').rules }));
    await expectFresh('miss');
    await expectFresh('hit');
    // An explicit --config file outside the root is part of the key.
    const external = join(tmpCache(), 'prodcheck.json');
    writeFileSync(external, JSON.stringify({ rules: { 'no-console-log': 'off' } }));
    const withConfig = [...args, '--config', external];
    expect((await run(withConfig)).scan).toBe('miss');
    expect((await run(withConfig)).scan).toBe('hit');
    writeFileSync(external, JSON.stringify({ rules: { 'no-console-log': 'critical' } }));
    const changed = await run(withConfig);
    expect(changed.scan).toBe('miss');
    expect(changed.stdout).toBe((await run([root, '--format', 'json', '--no-cache', '--config', external])).stdout);
    // --types is never cached (it reads node_modules).
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true } }));
    expect((await run([...args, '--types'])).scan).toBe('off');
  }, 120_000);

  it('ignores a corrupt, truncated or foreign cache with a note, and survives an unwritable one', async () => {
    const root = writeProject({ 'src/app.ts': "console.log('hello');\n" });
    const cache = tmpCache();
    const args = [root, '--format', 'json', '--cache-location', cache];
    const expected = (await run(args)).stdout;
    const entry = join(cache, 'scan.json');
    const good = readFileSync(entry, 'utf8');
    const cases: Array<[string, string]> = [
      ['{"format":1,', `prodcheck: cache ${entry} is corrupt; scanning without it\n`],
      [good.slice(0, good.length / 2), `prodcheck: cache ${entry} is corrupt; scanning without it\n`],
      ['[1,2,3]', `prodcheck: cache ${entry} is corrupt; scanning without it\n`],
      [JSON.stringify({ ...JSON.parse(good), report: null }), `prodcheck: cache ${entry} is corrupt; scanning without it\n`],
      [JSON.stringify({ ...JSON.parse(good), version: '0.0.1' }), `prodcheck: cache ${entry} was written by another prodcheck (0.0.1); scanning without it\n`],
    ];
    for (const [text, note] of cases) {
      writeFileSync(entry, text);
      const r = await run(args);
      expect({ text: text.slice(0, 40), ...r }).toEqual({ text: text.slice(0, 40), code: 0, stdout: expected, stderr: note, scan: 'miss' });
      expect((await run(args)).scan).toBe('hit');
    }
    writeFileSync(entry, 'garbage');
    expect((await run([...args, '--quiet'])).stderr).toBe('');
    // A cache location that cannot be a directory: a note, and the scan succeeds.
    const blocked = join(tmpCache(), 'file');
    writeFileSync(blocked, 'not a directory');
    const r = await run([root, '--format', 'json', '--cache-location', blocked]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expected);
    expect(r.stderr).toMatch(/^prodcheck: cannot write the cache in .*file \((ENOTDIR|EEXIST)\); the next scan starts cold\n$/);
    // An unreadable entry.
    if (process.getuid?.() !== 0) {
      writeFileSync(entry, good);
      chmodSync(entry, 0o000);
      expect((await run(args)).stderr).toBe(`prodcheck: cache ${entry} is unreadable (EACCES); scanning without it\n`);
    }
  }, 120_000);

  it('lives in node_modules/.cache/prodcheck when the root has node_modules, else in the OS cache directory', async () => {
    const home = tmpCache();
    const plain = writeProject({ 'src/app.ts': 'export const a = 1;\n' });
    expect((await run([plain, '--format', 'json'], { XDG_CACHE_HOME: home })).scan).toBe('miss');
    const dirs = readdirSync(join(home, 'prodcheck'));
    expect(dirs).toHaveLength(1);
    expect(readdirSync(join(home, 'prodcheck', dirs[0] ?? ''))).toEqual(['files.json', 'scan.json']);
    expect(cacheDirectory(plain, undefined, { XDG_CACHE_HOME: home })).toBe(join(home, 'prodcheck', dirs[0] ?? ''));
    const withModules = writeProject({ 'src/app.ts': 'export const a = 1;\n', 'node_modules/.keep': '' });
    expect((await run([withModules, '--format', 'json'], { XDG_CACHE_HOME: home })).scan).toBe('miss');
    expect(readdirSync(join(withModules, 'node_modules/.cache/prodcheck'))).toEqual(['files.json', 'scan.json']);
    expect(readdirSync(join(home, 'prodcheck'))).toHaveLength(1);
    expect((await run([withModules, '--format', 'json'], { XDG_CACHE_HOME: home })).scan).toBe('hit');
  }, 60_000);

  it.each([
    ['modules tsc compiled', builtCli],
    ['bundled CLI', bundledCli],
  ])('answers a warm re-scan without loading TypeScript (the %s)', (build, cliPath) => {
    const bin = cliPath();
    const root = join(tmpdir(), `prodcheck-cache-orders-${build.replace(/\W/g, '')}-${process.pid}`);
    rmSync(root, { recursive: true, force: true });
    cpSync(join(FIXTURES, 'projects', 'orders-service'), root, { recursive: true });
    const cache = tmpCache();
    // A preloaded module reports, at exit, whether TypeScript (ts-morph's bundled typescript.js, or
    // any under a typescript/ts-morph directory) was ever loaded.
    const probe = join(cache, 'probe.cjs');
    writeFileSync(probe, "process.on('exit', () => { const ts = Object.keys(require.cache).filter((k) => /[\\\\/](typescript|@?ts-morph)[\\\\/]|[\\\\/]typescript\\.js$/.test(k)); process.stderr.write(`typescript loaded: ${ts.length > 0}\\n`); });\n");
    const cli = (...args: string[]) => {
      const r = spawnSync(process.execPath, ['--require', probe, bin, root, '--cache-location', cache, ...args], { encoding: 'utf8', env: { ...process.env, PRODCHECK_DEBUG_CACHE: '1' } });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const cold = cli('--format', 'sarif');
    const warm = cli('--format', 'sarif');
    const pretty = cli('--format', 'pretty', '--no-color');
    expect([cold, warm, pretty].map((r) => [r.status, r.stderr.replace(/,"threads".*\}/, '}')])).toEqual([
      [0, 'prodcheck: cache {"scan":"miss"}\ntypescript loaded: true\n'],
      [0, 'prodcheck: cache {"scan":"hit"}\ntypescript loaded: false\n'],
      [0, 'prodcheck: cache {"scan":"hit"}\ntypescript loaded: false\n'],
    ]);
    expect(warm.stdout).toBe(cold.stdout);
  }, 300_000);

  it('is not read by another build of the bundled CLI (its fingerprint covers the bundle)', () => {
    // A copy of the bundle, so that one of its files can be changed without touching the shared build:
    // beside it, where its dependencies resolve from the repository's node_modules as the build's do.
    const built = dirname(bundledCli());
    const bundle = mkdtempSync(join(BUILT, 'cli-copy-'));
    cpSync(built, bundle, { recursive: true });
    onTestFinished(() => rmSync(bundle, { recursive: true, force: true }));
    const root = writeProject({ 'src/app.ts': 'export const a = 1;\n' });
    const cache = tmpCache();
    const scanWith = () => {
      const r = spawnSync(process.execPath, [join(bundle, 'prodcheck.js'), root, '--format', 'json', '--cache-location', cache], { encoding: 'utf8', env: { ...process.env, PRODCHECK_DEBUG_CACHE: '1' } });
      return /"scan":"(\w+)"/.exec(r.stderr)?.[1];
    };
    expect([scanWith(), scanWith()]).toEqual(['miss', 'hit']);
    // The code of a rule lives in one of the bundle's chunks: any of them changing is another build.
    const chunk = readdirSync(bundle).find((name) => name.startsWith('chunk-')) as string;
    appendFileSync(join(bundle, chunk), '\n// another build\n');
    expect([scanWith(), scanWith()]).toEqual(['miss', 'hit']);
  }, 300_000);
});

describe('writeCacheText', () => {
  it('writes the pieces in order as ASCII JSON, across its buffer and with pieces larger than it', async () => {
    const { writeCacheText } = await import('../../src/cache/scan-cache.js');
    const dir = mkdtempSync(join(tmpdir(), 'prodcheck-write-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // Strings with characters outside ASCII (a dash, an emoji: two UTF-16 units) at the buffer's
    // edge, between pieces that fill most of it, and a piece longer than the buffer in each kind.
    // The 103rd fits in what the first 102 leave of the (1 MiB) buffer as UTF-8, not once escaped.
    const values = [
      ...Array.from({ length: 102 }, () => 'a'.repeat(10_000)),
      'é'.repeat(9_000),
      'a'.repeat(300_000),
      'order — shipped',
      'b'.repeat(349_000),
      'receipt 📦',
      'c'.repeat(1_200_000),
      `d${'é'.repeat(400_000)}`,
      // Short enough to copy into the buffer, longer than it once escaped.
      'é'.repeat(200_000),
      // A piece of exactly 2^20 characters (with its comma and quotes): its UTF-8 fills the buffer
      // with fewer characters, as many bytes as the piece has characters.
      `${'é'.repeat(100)}${'a'.repeat((1 << 20) - 103)}`,
      'end',
    ];
    const notes: string[] = [];
    writeCacheText(dir, 'pieces.json', (write) => values.forEach((v, i) => write(`${i === 0 ? '[' : ','}${JSON.stringify(v)}${i === values.length - 1 ? ']' : ''}`)), (m) => notes.push(m));
    const text = readFileSync(join(dir, 'pieces.json'), 'latin1');
    expect(notes).toEqual([]);
    expect(/^[\x00-\x7f]*$/.test(text)).toBe(true);
    expect(text).toContain('order \\u2014 shipped');
    expect(text).toContain('receipt \\ud83d\\udce6');
    expect(JSON.parse(text)).toEqual(values);
    expect(readdirSync(dir)).toEqual(['pieces.json']);
  });
});
