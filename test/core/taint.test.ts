// The taint engine on small projects under fixtures/taint/. A line that ends with
// `// taint: <kind> <source>` must carry exactly one flow of that kind from that source (reported
// at that line); no other line may carry a flow.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSources } from '../../src/core/discover.js';
import { createHelpers } from '../../src/core/helpers.js';
import { SINK_KINDS } from '../../src/core/sinks/index.js';
import { taintFlows, type TaintFlow } from '../../src/core/taint.js';
import type { FileInfo } from '../../src/core/types.js';
import { buildProjectFacts } from '../../src/project/facts.js';
import { FIXTURES } from '../support/fixtures.js';

function analyse(project: string) {
  const root = join(FIXTURES, 'taint', project);
  const loaded = loadSources(root, []);
  const facts = buildProjectFacts({ root, files: loaded.parsed });
  const actual: string[] = [];
  const expected: string[] = [];
  const flows: Array<TaintFlow & { file: string; line: number }> = [];
  for (const p of loaded.parsed) {
    const file: FileInfo = { path: p.path, relPath: p.relPath, sourceFile: p.sourceFile, text: p.text, roles: facts.roles(p.path) };
    const context = { file, helpers: createHelpers(p.path, facts), project: facts };
    for (const kind of SINK_KINDS) {
      for (const flow of taintFlows(context, kind)) {
        const line = p.sourceFile.getLineAndCharacterOfPosition(flow.node.getStart(p.sourceFile)).line + 1;
        actual.push(`${p.relPath}:${line} ${flow.kind} ${flow.source}`);
        flows.push({ ...flow, file: p.relPath, line });
      }
    }
    p.text.split('\n').forEach((text, i) => {
      const mark = /\/\/ taint: (\S+) (.+)$/.exec(text);
      if (mark) expected.push(`${p.relPath}:${i + 1} ${mark[1]} ${mark[2]}`);
    });
  }
  return { actual: actual.sort(), expected: expected.sort(), flows };
}

describe('taint engine', () => {
  for (const project of ['propagation', 'sanitizers', 'frameworks', 'cross-file', 'source-kinds', 'skipped-code']) {
    it(`finds exactly the marked flows in ${project}`, () => {
      const { actual, expected } = analyse(project);
      expect(actual).toEqual(expected);
    });
  }

  it('traces a flow from the handler into the other files it passes through', () => {
    const { flows } = analyse('cross-file');
    const restore = flows.find((f) => f.kind === 'command');
    expect(restore?.sink).toBe('child_process.exec');
    expect(restore?.via).toEqual({ call: 'restoreBackup', file: 'src/services/backups.ts' });
    expect(restore?.trace).toEqual([
      { file: 'src/routes.ts', line: 10, what: 'request input `req.params.name`' },
      { file: 'src/routes.ts', line: 10, what: 'passed to `restoreBackup`' },
      { file: 'src/services/backups.ts', line: 11, what: 'parameter `name` of `restoreBackup`' },
      { file: 'src/services/backups.ts', line: 12, what: 'passed to `backupPath`' },
      { file: 'src/services/backups.ts', line: 7, what: 'parameter `name` of `backupPath`' },
      { file: 'src/services/backups.ts', line: 8, what: 'returned by `backupPath`' },
      { file: 'src/services/backups.ts', line: 12, what: 'assigned to `archive`' },
      { file: 'src/services/backups.ts', line: 13, what: 'passed to `runTool`' },
      { file: 'src/lib/shell.ts', line: 3, what: 'parameter `commandLine` of `runTool`' },
      { file: 'src/lib/shell.ts', line: 4, what: 'reaches `child_process.exec`' },
    ]);
  });
});
