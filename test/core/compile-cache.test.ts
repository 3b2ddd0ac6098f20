// TypeScript's compiler is required through V8's code cache (src/core/compile-cache.ts): the first
// process compiles and leaves the cache when it exits, later ones start from it, and a cache V8
// rejects (another build, a damaged file) costs a compile, never a wrong module. The cache is only
// written at exit, so each step is its own process, running the compiled module.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileCacheDirectory } from '../../src/core/compile-cache.js';
import { builtCli, BUILT } from '../support/built.js';

const PRICING = `'use strict';
const TAX_RATE = 0.2;
function totalWithTax(cents) {
  return Math.round(cents * (1 + TAX_RATE));
}
module.exports = { totalWithTax, loadedAt: Date.now() };
`;

function project(): { dir: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'prodcheck-compile-cache-'));
  writeFileSync(join(dir, 'pricing.cjs'), PRICING);
  return { dir, cache: join(dir, 'code-cache') };
}

/** Loads pricing.cjs through `requireCompiled` in a new process: what it computed and how it was loaded. */
function load(dir: string, cache: string | null, v8Flags: string[] = []): { total: number; status: string | null; sameAsRequire: boolean } {
  builtCli();
  const script = `
    import { createRequire } from 'node:module';
    import { compileCacheStatus, requireCompiled, setV8Flags } from ${JSON.stringify(pathToFileURL(join(BUILT, 'src/core/compile-cache.js')).href)};
    setV8Flags(JSON.parse(process.env.PRODCHECK_TEST_V8_FLAGS));
    const from = ${JSON.stringify(pathToFileURL(join(dir, 'service.js')).href)};
    const pricing = requireCompiled('./pricing.cjs', from, ${JSON.stringify(cache)});
    const again = createRequire(from)('./pricing.cjs');
    console.log(JSON.stringify({ total: pricing.totalWithTax(1000), status: compileCacheStatus(${JSON.stringify(join(dir, 'pricing.cjs'))}) ?? null, sameAsRequire: again === pricing }));
  `;
  // The flags come by the environment: the script's text is part of the command line (execArgv).
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, PRODCHECK_TEST_V8_FLAGS: JSON.stringify(v8Flags) } })) as { total: number; status: string | null; sameAsRequire: boolean };
}

describe('the compiler\u2019s code cache', () => {
  it('is written when the first process exits, and used by the next', () => {
    const { dir, cache } = project();
    expect(load(dir, cache)).toEqual({ total: 1200, status: 'compiled', sameAsRequire: true });
    const written = readdirSync(cache);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^[0-9a-f]{16}\.bin$/);
    const bytes = readFileSync(join(cache, written[0] as string));
    expect(load(dir, cache)).toEqual({ total: 1200, status: 'cached', sameAsRequire: true });
    // A cache that V8 accepted is not written again.
    expect(readFileSync(join(cache, written[0] as string)).equals(bytes)).toBe(true);
  }, 60_000);

  it('compiles anew when the cache is damaged, and replaces it', () => {
    const { dir, cache } = project();
    load(dir, cache);
    const [name] = readdirSync(cache);
    writeFileSync(join(cache, name as string), 'not a V8 code cache');
    expect(load(dir, cache)).toEqual({ total: 1200, status: 'rejected', sameAsRequire: true });
    expect(readdirSync(cache)).toEqual([name]);
    expect(load(dir, cache)).toEqual({ total: 1200, status: 'cached', sameAsRequire: true });
  }, 60_000);

  it('keeps a file per set of V8 flags set at run time, which V8 checks as it checks the command line’s', () => {
    // The CLI sets flags when it starts (src/cli/bin.ts); the ESLint plugin and the library do not.
    // Sharing one file, each would reject the other's cache and write its own over it.
    const { dir, cache } = project();
    const tuned = ['--interrupt-budget=200000', '--max-inlined-bytecode-size-cumulative=200'];
    expect(load(dir, cache).status).toBe('compiled');
    expect(load(dir, cache, tuned).status).toBe('compiled');
    expect(readdirSync(cache)).toHaveLength(2);
    expect(load(dir, cache, tuned)).toEqual({ total: 1200, status: 'cached', sameAsRequire: true });
    expect(load(dir, cache).status).toBe('cached');
  }, 60_000);

  it('starts afresh for a changed module (another file name)', () => {
    const { dir, cache } = project();
    load(dir, cache);
    writeFileSync(join(dir, 'pricing.cjs'), PRICING.replace('0.2', '0.25'));
    expect(load(dir, cache)).toEqual({ total: 1250, status: 'compiled', sameAsRequire: true });
    expect(readdirSync(cache)).toHaveLength(2);
  }, 60_000);

  it('removes the files not used for 30 days when it writes another, and dates the one it uses', () => {
    const { dir, cache } = project();
    mkdirSync(cache);
    const daysAgo = (days: number) => (Date.now() - days * 24 * 60 * 60 * 1000) / 1000;
    const unused = join(cache, '0123456789abcdef.bin');
    const recent = join(cache, 'fedcba9876543210.bin');
    const leftover = join(cache, '0123456789abcdef.bin.4242.tmp');
    const notOurs = join(cache, 'notes.txt');
    for (const [path, days] of [[unused, 31], [recent, 29], [leftover, 2], [notOurs, 400]] as const) {
      writeFileSync(path, 'an older build\u2019s code');
      utimesSync(path, daysAgo(days), daysAgo(days));
    }
    expect(load(dir, cache).status).toBe('compiled');
    const ours = readdirSync(cache).filter((n) => ![unused, recent, leftover, notOurs].some((p) => p.endsWith(n)));
    expect(ours).toHaveLength(1);
    expect(readdirSync(cache).sort()).toEqual([ours[0], 'fedcba9876543210.bin', 'notes.txt'].sort());
    // Used ten days after it was written: dated today, so that it outlives the files no one uses.
    const written = join(cache, ours[0] as string);
    utimesSync(written, daysAgo(10), daysAgo(10));
    expect(load(dir, cache).status).toBe('cached');
    expect(Date.now() - statSync(written).mtimeMs).toBeLessThan(60 * 60 * 1000);
  }, 60_000);

  it('is a plain require when turned off', () => {
    const { dir } = project();
    expect(load(dir, null)).toEqual({ total: 1200, status: null, sameAsRequire: true });
  }, 60_000);

  it.runIf(process.platform === 'linux')('lives in the OS cache directory unless NODE_DISABLE_COMPILE_CACHE is set', () => {
    expect(compileCacheDirectory({ XDG_CACHE_HOME: '/var/cache/ci' })).toBe('/var/cache/ci/prodcheck/compile');
    expect(compileCacheDirectory({ XDG_CACHE_HOME: '/var/cache/ci', NODE_DISABLE_COMPILE_CACHE: '1' })).toBeNull();
  });
});
