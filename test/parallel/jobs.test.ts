// Worker threads (src/parallel/*): the report is byte-identical whatever --jobs is, on every example
// project (worker threads forced by lowering the threshold) and on a generated project big enough
// to cross the threshold by itself. Worker threads load compiled modules, so this runs the compiled
// CLI, bundled as the `prodcheck` command runs it (test/support/built.ts builds it when it is missing or stale).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARALLEL_MIN_FILES } from '../../src/parallel/plan.js';
import { splitShards } from '../../src/parallel/plan.js';
import { builtCli, bundledCli } from '../support/built.js';
import { FIXTURES } from '../support/fixtures.js';
import { generatedService } from '../support/generated.js';

function scanJson(root: string, jobs: number, env: Record<string, string> = {}, cache?: string, cli = bundledCli) {
  const r = spawnSync(process.execPath, [cli(), root, '--format', 'json', ...(cache ? ['--cache-location', cache] : ['--no-cache']), '--jobs', String(jobs)], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, PRODCHECK_DEBUG_CACHE: '1', ...env },
  });
  const stats = JSON.parse(/^prodcheck: cache (\{.*\})$/m.exec(r.stderr)?.[1] ?? '{}') as { threads?: number; parsed?: number; checked?: number };
  return { status: r.status, stdout: r.stdout, threads: stats.threads, parsed: stats.parsed ?? 0, checked: stats.checked ?? 0, stderr: r.stderr.replace(/^prodcheck: cache \{.*\}\n/m, '') };
}

describe('--jobs', () => {
  it('splits files into contiguous runs of about the same size, none empty', () => {
    const files = [5, 1, 1, 1, 8, 2, 2].map((n, i) => ({ path: `/p/${i}`, relPath: `${i}`, size: n * 10 }));
    expect(splitShards(files, 1).map((r) => r.map((f) => f.relPath))).toEqual([['0', '1', '2', '3', '4', '5', '6']]);
    expect(splitShards(files, 2).map((r) => r.map((f) => f.relPath))).toEqual([['0', '1', '2', '3', '4'], ['5', '6']]);
    expect(splitShards(files, 3).map((r) => r.map((f) => f.relPath))).toEqual([['0', '1', '2'], ['3', '4'], ['5', '6']]);
    expect(splitShards(files.slice(0, 3), 3).map((r) => r.length)).toEqual([1, 1, 1]);
  });

  it.each(readdirSync(join(FIXTURES, 'projects')))('gives the same report with 1, 2 and 3 threads on %s', (name) => {
    const root = join(FIXTURES, 'projects', name);
    const one = scanJson(root, 1);
    expect(one.status).toBe(0);
    expect(one.threads).toBe(1);
    for (const jobs of [2, 3]) {
      const many = scanJson(root, jobs, { PRODCHECK_PARALLEL_MIN_FILES: '1' });
      expect({ jobs, threads: many.threads, stderr: many.stderr }).toEqual({ jobs, threads: Math.min(jobs, one.parsed), stderr: '' });
      expect(many.stdout).toBe(one.stdout);
    }
  }, 300_000);

  it('gives the same report with the compiled modules (the library entry point and their own worker thread) as with the bundle', () => {
    const root = join(FIXTURES, 'projects', 'vulnerable-shop');
    const bundled = scanJson(root, 1);
    const compiled = scanJson(root, 2, { PRODCHECK_PARALLEL_MIN_FILES: '1' }, undefined, builtCli);
    expect({ threads: compiled.threads, stderr: compiled.stderr }).toEqual({ threads: 2, stderr: '' });
    expect(compiled.stdout).toBe(bundled.stdout);
  }, 300_000);

  it('gives the same report with 1, 2 and 3 threads on a generated service above the threshold', () => {
    const domains = Math.ceil(PARALLEL_MIN_FILES / 4) + 5;
    const { root } = generatedService(domains);
    const one = scanJson(root, 1);
    expect(one.threads).toBe(1);
    const report = JSON.parse(one.stdout) as { summary: { files: number }; findings: Array<{ ruleId: string }> };
    expect(report.summary.files).toBeGreaterThanOrEqual(PARALLEL_MIN_FILES);
    // Cross-file findings: an un-awaited call of an async function imported from another file.
    expect(report.findings.filter((f) => f.ruleId === 'no-floating-promise').length).toBeGreaterThan(10);
    for (const jobs of [2, 3]) {
      const many = scanJson(root, jobs);
      expect({ jobs, threads: many.threads, stderr: many.stderr }).toEqual({ jobs, threads: jobs, stderr: '' });
      expect(many.stdout).toBe(one.stdout);
    }
    // With the per-file cache, in worker threads: one service changes; the report equals an uncached one.
    const cache = mkdtempSync(join(tmpdir(), 'prodcheck-jobs-cache-'));
    expect(scanJson(root, 2, {}, cache).stdout).toBe(one.stdout);
    const repository = join(root, 'src/domain1/domain1.repository.ts');
    writeFileSync(repository, `// rows of domain1\n${readFileSync(repository, 'utf8')}`);
    rmSync(join(cache, 'scan.json'));
    const body = scanJson(root, 2, {}, cache);
    expect(body.checked).toBe(1);
    expect(body.stdout).toBe(scanJson(root, 1).stdout);
    const service = join(root, 'src/domain1/domain1.service.ts');
    writeFileSync(service, readFileSync(service, 'utf8').replace('export async function load1', 'export function load1'));
    rmSync(join(cache, 'scan.json'));
    const changed = scanJson(root, 2, {}, cache);
    expect(changed.stdout).toBe(scanJson(root, 1).stdout);
    expect(changed.stdout).not.toBe(one.stdout);
  }, 600_000);
});
