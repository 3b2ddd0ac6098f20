// An internal error while building one file's module facts (a bug of ours, not of the file) is
// reported for that file in the report's errors, and the scan goes on: the other files, and the
// rules on that file's own syntax tree, still run. Its facts are not cached, so the next scan builds
// them again and reports the error again.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { ts } from 'ts-morph';
import { scan } from '../../src/scan.js';
import { onlyRule, writeProject } from '../support/fixtures.js';

// A collector helper every file goes through, made to fail on one file's text (not on the empty
// file its facts are then built from).
vi.mock('../../src/project/evidence/mentions.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/project/evidence/mentions.js')>();
  return {
    ...original,
    mentions: (sf: ts.SourceFile, names: readonly string[]) => {
      if (sf.text.includes('exporting')) throw new TypeError('collector broke on legacy-export.ts');
      return original.mentions(sf, names);
    },
  };
});

const project = {
  'package.json': JSON.stringify({ name: 'reports-service', dependencies: { express: '^4.21.0' } }),
  'src/server.ts': "import express from 'express';\nimport { exportReport } from './legacy-export';\n\nconst app = express();\napp.get('/reports', async (_req, res) => res.json(await exportReport()));\napp.listen(3000, () => console.log('reports on 3000'));\n",
  'src/legacy-export.ts': "export async function exportReport() {\n  console.log('exporting');\n  return { rows: [] };\n}\n",
};

const MESSAGE = "internal error building this file's facts (collector broke on legacy-export.ts): its imports and exports are unknown to the other files' rules; please report it";

describe('a failure building one file\u2019s module facts', () => {
  it('is reported for that file, and the scan goes on with every file\u2019s rules', async () => {
    const report = await scan({ root: writeProject(project), config: onlyRule('no-console-log') });
    expect(report.errors).toEqual([{ file: 'src/legacy-export.ts', message: MESSAGE }]);
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)).toEqual(['src/legacy-export.ts:2:3 no-console-log', 'src/server.ts:6:24 no-console-log']);
  });

  it('is not cached: the next scan builds that file\u2019s facts again and reports it again', async () => {
    const root = writeProject(project);
    const cacheDir = mkdtempSync(join(tmpdir(), 'prodcheck-cache-'));
    const first = await scan({ root, config: onlyRule('no-console-log'), cacheDir });
    const entry = readFileSync(join(cacheDir, 'files.json'), 'utf8')
      .split('\n')
      .map((line) => JSON.parse(line) as unknown)
      .find((item): item is [string, Record<string, unknown>] => Array.isArray(item) && item[0] === 'src/legacy-export.ts');
    expect(entry?.[1]).not.toHaveProperty('module');
    expect(entry?.[1]).toHaveProperty('result');
    const second = await scan({ root, config: onlyRule('no-console-log'), cacheDir });
    expect(second.errors).toEqual([{ file: 'src/legacy-export.ts', message: MESSAGE }]);
    expect(second.findings).toEqual(first.findings);
  });
});
