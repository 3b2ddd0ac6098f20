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

  it('reads a file whose long line is one pasted literal, or with a stray NUL in a string; skips bytes that are not UTF-8', () => {
    const logo = `data:image/svg+xml;base64,${'PHN2ZyB3aWR0aD0iMjQi'.repeat(400)}`;
    const root = writeProject({
      // A logo as a data URI (logto's SSO connector constants), a SAML fixture in a template literal.
      'src/sso/okta.ts': `export const oktaLogo =\n  '${logo}';\nexport const oktaName = 'Okta';\n`,
      'src/sso/metadata.ts': `export const metadataXml = \`<?xml version="1.0"?>${'<EntityDescriptor entityID="x"/>'.repeat(200)}\`;\n`,
      // A test of null-byte sanitising (docmost's utils.spec.ts).
      'src/files/sanitize.ts': [
        "import { sanitizeFileName } from './names';",
        '',
        'export const cases: Array<[string, string]> = [',
        "  ['report 2024.pdf', 'report 2024.pdf'],",
        "  ['../../etc/passwd', 'etcpasswd'],",
        "  ['..\\\\windows.svg', '..windows.svg'],",
        "  ['null\u0000byte.txt', 'nullbyte.txt'],",
        '];',
        '',
        'export const sanitized = cases.map(([input]) => sanitizeFileName(input));',
        '',
      ].join('\n'),
      // Two minified statements on one long line are still minified, whatever their strings.
      'src/vendor.js': `var a='${'x'.repeat(3000)}';var b=${'1+'.repeat(1500)}1;\n`,
      // A video segment named .ts: one NUL among bytes that are not UTF-8.
      'src/media/segment.ts': Buffer.from([0x47, 0x40, 0x11, 0x10, 0x00, 0x42, 0xf0, 0x25, ...Array.from({ length: 200 }, () => 0xff)]),
    });
    const loaded = loadSources(root, []);
    expect(loaded.parsed.map((p) => p.relPath)).toEqual(['src/files/sanitize.ts', 'src/sso/metadata.ts', 'src/sso/okta.ts']);
    expect(loaded.errors).toEqual([
      { file: 'src/media/segment.ts', message: 'skipped: binary file' },
      { file: 'src/vendor.js', message: 'skipped: line 1 is 6017 characters long (minified or generated)' },
    ]);
  });
});
