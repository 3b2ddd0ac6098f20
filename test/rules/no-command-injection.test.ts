import { describe, expect, it } from 'vitest';
import { scan } from '../../src/scan.js';
import { buildSarif } from '../../src/report/sarif.js';
import { rules } from '../../rules/index.js';
import { findingsOf, fixtureCase, fixtureCases, onlyRule, sitesOf } from '../support/fixtures.js';

const RULE = 'no-command-injection';
const ADVICE = "the client's text becomes part of the command the service runs — pass arguments as an array to `execFile`/`spawn` without a shell, or check the value against an allow list";
const reaches = (source: string, sink: string) => `\`${source}\` reaches \`${sink}\`: ${ADVICE}`;

describe(RULE, () => {
  it('flags a query value in an exec template, and counts every exec as a site', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'exec-template-from-query');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/routes/diagnostics.ts', line: 7, column: 3, message: reaches('req.query.host', 'child_process.exec') }]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('follows destructuring, concatenation and += in CommonJS', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'exec-sync-concat-commonjs'))).toEqual([
      { file: 'src/app.js', line: 11, column: 3, message: reaches('req.body.image', 'child_process.execSync') },
    ]);
  });

  it('flags spawn arguments under shell: true, and a request-chosen program', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'spawn-shell-true-arguments');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/routes/media.ts', line: 8, column: 18, message: reaches('req.body.input', 'child_process.spawn') },
      { file: 'src/routes/media.ts', line: 13, column: 17, message: reaches('req.params.tool', 'child_process.spawn') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('follows util.promisify(exec)', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'promisified-exec'))).toEqual([
      { file: 'src/routes/git.ts', line: 9, column: 28, message: reaches('req.params.repo', 'child_process.exec') },
    ]);
  });

  it('flags a NestJS @Query() parameter', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nestjs-query-parameter'))).toEqual([
      { file: 'src/deploy/deploy.controller.ts', line: 8, column: 20, message: reaches("@Query('branch') branch", 'child_process.execSync') },
    ]);
  });

  it('flags shelljs exec in a Koa route', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'shelljs-in-koa'))).toEqual([
      { file: 'src/server.ts', line: 9, column: 18, message: reaches('ctx.params.database', 'shelljs.exec') },
    ]);
  });

  it('reports at the call into a project service whose command is built from the argument', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'service-in-another-file');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/routes/archives.ts',
        line: 7,
        column: 16,
        message: `\`req.body.files\` reaches \`child_process.execSync\` in src/services/archive.service.ts through \`createArchive\`: ${ADVICE}`,
      },
    ]);
    // The service's own exec is a site of its file.
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('carries the flow as `trace` in the JSON finding and as codeFlows in SARIF', async () => {
    const report = await scan({ root: fixtureCase(RULE, 'invalid', 'service-in-another-file'), config: onlyRule(RULE) });
    const trace = [
      { file: 'src/routes/archives.ts', line: 7, what: 'request input `req.body.files`' },
      { file: 'src/routes/archives.ts', line: 7, what: 'passed to `createArchive`' },
      { file: 'src/services/archive.service.ts', line: 5, what: 'parameter `files` of `createArchive`' },
      { file: 'src/services/archive.service.ts', line: 7, what: 'reaches `child_process.execSync`' },
    ];
    expect(report.findings[0]?.trace).toEqual(trace);
    const sarif = buildSarif(report, { rules });
    const flow = sarif.runs[0]?.results[0]?.codeFlows?.[0]?.threadFlows[0]?.locations.map((l) => `${l.location.physicalLocation.artifactLocation.uri}:${l.location.physicalLocation.region.startLine} ${l.location.message.text}`);
    expect(flow).toEqual(trace.map((s) => `${s.file}:${s.line} ${s.what}`));
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
