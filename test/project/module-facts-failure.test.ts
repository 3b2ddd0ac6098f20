// An internal error while building one file's module facts (a bug of ours, not of the file) is
// reported for that file in the report's errors, and the scan goes on without it, as without a file
// that does not parse: its rules are not run (its roles and evidence are unknown: a finding there
// could be false), and the project's facts take it as an empty file. Nothing of it is cached, so the
// next scan builds its facts again and reports the error again.
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

const MESSAGE = "internal error building this file's facts (collector broke on legacy-export.ts): not analysed, and taken as an empty file by the project's facts; please report it";

describe('a failure building one file\u2019s module facts', () => {
  it('is reported for that file, which is not checked, and the scan goes on with the other files', async () => {
    const report = await scan({ root: writeProject(project), config: onlyRule('no-console-log') });
    expect(report.errors).toEqual([{ file: 'src/legacy-export.ts', message: MESSAGE }]);
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)).toEqual(['src/server.ts:6:24 no-console-log']);
  });

  it('is not cached: the next scan builds that file\u2019s facts again and reports it again', async () => {
    const root = writeProject(project);
    const cacheDir = mkdtempSync(join(tmpdir(), 'prodcheck-cache-'));
    const first = await scan({ root, config: onlyRule('no-console-log'), cacheDir });
    const entry = readFileSync(join(cacheDir, 'files.json'), 'utf8')
      .split('\n')
      .map((line) => JSON.parse(line) as unknown)
      .find((item): item is [string, Record<string, unknown>] => Array.isArray(item) && item[0] === 'src/legacy-export.ts');
    expect(entry?.[1]).toEqual({ hash: expect.any(String) });
    const second = await scan({ root, config: onlyRule('no-console-log'), cacheDir });
    expect(second.errors).toEqual([{ file: 'src/legacy-export.ts', message: MESSAGE }]);
    expect(second.findings).toEqual(first.findings);
  });
});
