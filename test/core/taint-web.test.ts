// The engine hooks the url, redirect and html kinds use (fixtures/taint/web-hooks): a `confines`
// that returns several values, `confinesComparison`, and assignment sinks (`matchAssignment`).
// Same marker convention as taint.test.ts: `// taint: <kind> <source>` marks the only flows.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadSources } from '../../src/core/discover.js';
import { createHelpers } from '../../src/core/helpers.js';
import { SINK_KINDS } from '../../src/core/sinks/index.js';
import { taintFlows } from '../../src/core/taint.js';
import { buildProjectFacts } from '../../src/project/facts.js';
import { FIXTURES } from '../support/fixtures.js';

it('finds exactly the marked flows in web-hooks', () => {
  const root = join(FIXTURES, 'taint', 'web-hooks');
  const loaded = loadSources(root, []);
  const facts = buildProjectFacts({ root, files: loaded.parsed });
  const actual: string[] = [];
  const expected: string[] = [];
  for (const p of loaded.parsed) {
    const file = { path: p.path, relPath: p.relPath, sourceFile: p.sourceFile, text: p.text, roles: facts.roles(p.path) };
    const context = { file, helpers: createHelpers(p.path, facts), project: facts };
    for (const kind of SINK_KINDS) {
      for (const flow of taintFlows(context, kind)) actual.push(`${p.relPath}:${p.sourceFile.getLineAndCharacterOfPosition(flow.node.getStart(p.sourceFile)).line + 1} ${flow.kind} ${flow.source}`);
    }
    p.text.split('\n').forEach((text, i) => {
      const mark = /\/\/ taint: (\S+) (.+)$/.exec(text);
      if (mark) expected.push(`${p.relPath}:${i + 1} ${mark[1]} ${mark[2]}`);
    });
  }
  expect(actual.sort()).toEqual(expected.sort());
});
