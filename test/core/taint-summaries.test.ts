// The taint summaries the project facts compute (src/core/taint.ts `summariseModule`) for functions
// whose walks share memoised summaries of local functions. The walks skip code and merge walks for
// speed; what they record must stay what one walk per parameter, in order, records: including the
// effects of the depth bound and of recursion (`planReport`, `planPair` and `ReportJobs.start`
// have no summary: their local chains are cut before the sink; `ReportJobs.queue` has one because
// `start`'s walk memoised `launch`).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSources } from '../../src/core/discover.js';
import { summariseFile, type TaintSummaries } from '../../src/core/taint.js';
import { buildProjectFacts } from '../../src/project/facts.js';
import { FIXTURES } from '../support/fixtures.js';

function summaries(project: string, file: string): TaintSummaries {
  const root = join(FIXTURES, 'taint', project);
  const loaded = loadSources(root, []);
  const path = join(root, file);
  const facts = buildProjectFacts({ root, files: loaded.parsed });
  const parsed = loaded.parsed.find((f) => f.path === path);
  if (!parsed) throw new Error(`no ${file} in ${project}`);
  return summariseFile(parsed.sourceFile, (specifier) => facts.resolveImport(path, specifier));
}

/** Per function and parameter: each sink with its trace, the project calls, the trace to the return value. */
function compact(s: TaintSummaries) {
  const trace = (steps: Array<{ line: number; what: string }>) => steps.map((t) => `${t.line} ${t.what}`).join(' > ');
  return Object.fromEntries(
    Object.entries(s).map(([fn, params]) => [
      fn,
      Object.fromEntries(Object.entries(params).map(([i, p]) => [i, { sinks: p.sinks.map((k) => `${k.sink}: ${trace(k.trace)}`), calls: p.calls.length, returns: p.returns && trace(p.returns.trace) }])),
    ]),
  );
}

describe('taint summaries', () => {
  it('records what one walk per parameter finds, with the depth bound and recursion as they are', () => {
    expect(compact(summaries('summary-walks', 'src/jobs.js'))).toEqual({
      runTree: {
        0: {
          sinks: ['child_process.exec: 15 parameter `job` of `runTree` > 15 reaches `child_process.exec`'],
          calls: 0,
          returns: '15 parameter `job` of `runTree` > 15 returned by `runTree`',
        },
      },
      runNamed: {
        0: {
          sinks: ['child_process.exec: 16 parameter `name` of `runNamed` > 16 passed to `runTool` > 6 parameter `command` of `runTool` > 6 reaches `child_process.exec`'],
          calls: 0,
          returns: '16 parameter `name` of `runNamed` > 16 passed to `runTool` > 6 parameter `command` of `runTool` > 6 returned by `runTool` > 16 returned by `runNamed`',
        },
      },
      runLater: {
        0: {
          sinks: ['child_process.exec: 17 parameter `name` of `runLater` > 17 passed to `runNamed` > 16 parameter `name` of `runNamed` > 16 passed to `runTool` > 6 parameter `command` of `runTool` > 6 reaches `child_process.exec`'],
          calls: 0,
          returns:
            '17 parameter `name` of `runLater` > 17 passed to `runNamed` > 16 parameter `name` of `runNamed` > 16 passed to `runTool` > 6 parameter `command` of `runTool` > 6 returned by `runTool` > 16 returned by `runNamed` > 17 returned by `runLater`',
        },
      },
      'ReportJobs.queue': {
        0: {
          sinks: ['child_process.exec: 21 parameter `name` of `ReportJobs.queue` > 21 passed to `this.launch` > 22 parameter `name` of `ReportJobs.launch` > 22 reaches `child_process.exec`'],
          calls: 0,
          returns: null,
        },
      },
      'ReportJobs.launch': {
        0: { sinks: ['child_process.exec: 22 parameter `name` of `ReportJobs.launch` > 22 reaches `child_process.exec`'], calls: 0, returns: null },
      },
    });
  });

  it('are computed by the project facts for a file when a rule first asks for one of them, once', () => {
    const root = join(FIXTURES, 'taint', 'summary-walks');
    const loaded = loadSources(root, []);
    const jobs = join(root, 'src/jobs.js');
    const asked: string[] = [];
    const facts = buildProjectFacts({
      root,
      files: loaded.parsed,
      taintSummaries: (file, compute) => {
        asked.push(file);
        return compute(loaded.parsed.find((f) => f.path === file)?.sourceFile as never);
      },
    });
    expect(asked).toEqual([]);
    expect(facts.taintSummary(join(root, 'src/missing.js'), 'runTree', 0)).toBeUndefined();
    expect(facts.taintSummary(jobs, 'planReport', 0)).toBeUndefined();
    expect(facts.taintSummary(jobs, 'runTree', 1)).toBeUndefined();
    expect(facts.taintSummary(jobs, 'constructor', 0)).toBeUndefined();
    const runTree = facts.taintSummary(jobs, 'runTree', 0);
    expect(runTree?.sinks.map((k) => `${k.kind} ${k.sink}`)).toEqual(['command child_process.exec']);
    expect(runTree).toEqual(summaries('summary-walks', 'src/jobs.js').runTree?.[0]);
    expect(asked).toEqual([jobs]);
    // Without the hook, from the files' own syntax trees.
    expect(buildProjectFacts({ root, files: loaded.parsed }).taintSummary(jobs, 'runTree', 0)).toEqual(runTree);
  });
});
