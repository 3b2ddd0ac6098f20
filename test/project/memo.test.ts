// Answers shared across files (src/project/memo.ts): the per-file cache attributes what computing
// one read to every file that used it, so an answer kept in a module-level cache of the facts must
// go through memoOn, or a change it depends on would leave other files' cached results stale.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { combineReads, FactsRecorder, staleReaders, type FileReads } from '../../src/cache/record.js';
import { memoOn } from '../../src/project/memo.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('answers shared across files', () => {
  it('every module-level cache of the facts (or of objects reached from them) goes through memoOn', () => {
    const offenders: string[] = [];
    for (const file of [...sources('src'), ...sources('rules')]) {
      if (file.startsWith(join('src', 'cache')) || file.startsWith(join('src', 'eslint'))) continue;
      const text = readFileSync(file, 'utf8');
      // Module-level caches keyed by the facts or by any object (syntax trees and helpers are per file).
      for (const m of text.matchAll(/^const (\w+) = new WeakMap<(ProjectFacts|object)\b/gm)) {
        if (!new RegExp(`memoOn\\(${m[1]},`).test(text)) offenders.push(`${file}: ${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('makes the files that used an answer depend on what computing it read', () => {
    // Two files use one shared answer (the packages imported anywhere); only the first computes it.
    const modules = (imports: Record<string, string[]>) => new Map(Object.entries(imports).map(([path, specs]) => [path, { path, imports: specs }]));
    const facts = (imports: Record<string, string[]>) => ({ modules: modules(imports), root: '/repo' });
    const store = new WeakMap<object, Map<string, Set<string>>>();
    const inUse = (view: ReturnType<typeof facts>) => memoOn(store, view, 'packagesInUse', () => new Set([...view.modules.values()].flatMap((m) => m.imports)));
    const before = { '/repo/src/a.ts': ['pg'], '/repo/src/b.ts': ['axios'] };
    const recorder = new FactsRecorder();
    const view = recorder.wrap(facts(before), '#');
    recorder.readingFor('src/a.ts');
    expect(inUse(view).has('pg')).toBe(true);
    recorder.readingFor('src/b.ts');
    expect(inUse(view).has('got')).toBe(false);
    recorder.readingFor('src/c.ts');
    expect(view.root).toBe('/repo');
    recorder.readingFor(null);
    const reads = JSON.parse(JSON.stringify(recorder.fileReads())) as FileReads;
    expect(staleReaders(() => facts(before), reads)).toEqual(new Set());
    // b.ts now imports got: the answer changes, and both files that used it are stale; c.ts is not.
    const after = { ...before, '/repo/src/b.ts': ['got'] };
    expect([...staleReaders(() => facts(after), reads)].filter((r) => !r.startsWith('\0')).sort()).toEqual(['src/a.ts', 'src/b.ts']);

    // The next scan checks b.ts alone (its reads, and the answer computed again, replace the old);
    // a.ts keeps its results and must still depend on the answer.
    const next = new FactsRecorder();
    const nextView = next.wrap(facts(before), '#');
    next.readingFor('src/b.ts');
    expect(inUse(nextView).has('got')).toBe(false);
    next.readingFor(null);
    const fresh = next.fileReads();
    const combined = JSON.parse(JSON.stringify(combineReads(reads, fresh, (name) => fresh.names.includes(name)))) as FileReads;
    expect(staleReaders(() => facts(before), combined)).toEqual(new Set());
    expect([...staleReaders(() => facts(after), combined)].filter((r) => !r.startsWith('\0')).sort()).toEqual(['src/a.ts', 'src/b.ts']);
  });
});
