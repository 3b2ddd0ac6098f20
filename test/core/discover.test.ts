import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '../support/fixtures.js';
import { discoverFiles, loadSources } from '../../src/core/discover.js';


describe('discovery', () => {
  it('finds every JS/TS extension, sorted, and skips dependencies, build output, declarations and minified bundles', () => {
    const root = writeProject({
      'src/server.ts': 'export {};',
      'src/a.mts': '',
      'src/b.cts': '',
      'src/c.tsx': '',
      'src/d.jsx': '',
      'src/e.mjs': '',
      'src/f.cjs': '',
      'src/g.js': '',
      'src/types.d.ts': '',
      'src/readme.md': '',
      'node_modules/express/index.js': '',
      'dist/server.js': '',
      'build/server.js': '',
      'coverage/lcov-report/prettify.js': '',
      'public/vendor/jquery.min.js': '',
      'packages/api/node_modules/x/index.js': '',
    });
    expect(discoverFiles(root, [])).toEqual(['src/a.mts', 'src/b.cts', 'src/c.tsx', 'src/d.jsx', 'src/e.mjs', 'src/f.cjs', 'src/g.js', 'src/server.ts']);
  });

  it('does not follow symbolic links, so a link back to the root cannot loop', () => {
    const root = writeProject({ 'src/server.ts': 'export {};' });
    symlinkSync(root, join(root, 'src', 'loop'), 'dir');
    symlinkSync(join(root, 'src', 'server.ts'), join(root, 'src', 'alias.ts'));
    expect(discoverFiles(root, [])).toEqual(['src/server.ts']);
  });

  it('honours .gitignore and configured ignores', () => {
    const root = writeProject({
      '.gitignore': 'generated/\n*.local.ts\n',
      'src/app.ts': '',
      'src/settings.local.ts': '',
      'generated/client.ts': '',
      'scripts/seed.ts': '',
    });
    expect(discoverFiles(root, ['scripts/**'])).toEqual(['src/app.ts']);
  });

  it('reports files that do not parse, are binary or minified, and parses the rest (BOM removed)', () => {
    const root = writeProject({
      'src/ok.ts': '\uFEFFexport const port = 3000;\n',
      'src/broken.ts': 'export function (\n',
      'src/blob.js': Buffer.from([0x63, 0x6f, 0x00, 0x6e, 0x73, 0x74]),
      'src/bundle.js': `var a=${'1+'.repeat(3000)}1;\n`,
    });
    const loaded = loadSources(root, []);
    expect(loaded.parsed.map((p) => p.relPath)).toEqual(['src/ok.ts']);
    expect(loaded.parsed[0]?.text.startsWith('export')).toBe(true);
    expect(loaded.errors).toEqual([
      { file: 'src/blob.js', message: 'skipped: binary file' },
      { file: 'src/broken.ts', message: "syntax error at 1:17 Identifier expected." },
      { file: 'src/bundle.js', message: 'skipped: line 1 is 6008 characters long (minified or generated)' },
    ]);
  });
});
