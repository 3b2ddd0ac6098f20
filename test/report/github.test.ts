// The GitHub annotations reporter: exact workflow commands for the example project, escaping as
// the Actions runner parses it (actions/runner ActionCommand.cs), and the runner's budget of 10
// annotations per level and step, 50 per job, spent on the highest-ranked findings.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding, Report, Severity } from '../../src/core/types.js';
import { isOnChangedLine } from '../../src/report/changed.js';
import { annotation, escapeData, escapeProperty, renderGithub } from '../../src/report/github.js';
import { rankFindings } from '../../src/report/ranking.js';
import { scan } from '../../src/scan.js';
import { FIXTURES, onlyRules, REPORTER_RULES } from '../support/fixtures.js';
import { httpTimeoutFinding, reportOf as syntheticReport } from '../support/reports.js';

const finding = httpTimeoutFinding;

function reportOf(findings: Finding[]): Report {
  return syntheticReport(findings, { overall: 71, grade: 'C' }, 12);
}

/** What the runner reads back from one line (TryParseV2 with its property and data unescaping). */
function parseCommand(line: string): { command: string; properties: Record<string, string>; data: string } | null {
  if (!line.startsWith('::')) return null;
  const end = line.indexOf('::', 2);
  const info = line.slice(2, end);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of info.slice(space + 1).trim().split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      properties[pair.slice(0, eq)] = pair
        .slice(eq + 1)
        .replaceAll('%0D', '\r')
        .replaceAll('%0A', '\n')
        .replaceAll('%3A', ':')
        .replaceAll('%2C', ',')
        .replaceAll('%25', '%');
    }
  }
  const data = line
    .slice(end + 2)
    .replaceAll('%0D', '\r')
    .replaceAll('%0A', '\n')
    .replaceAll('%25', '%');
  return { command, properties, data };
}

describe('the example project fixtures/projects/orders-service', () => {
  let report: Report;
  beforeAll(async () => {
    report = await scan({ root: join(FIXTURES, 'projects', 'orders-service'), config: onlyRules(REPORTER_RULES) });
  });

  it('is one annotation per finding, errors first, then a summary line', () => {
    expect(renderGithub(report).split('\n')).toEqual([
      '::notice title=prodcheck::score 43/100 (F), 8 findings',
      '::error file=src/routes/orders.routes.ts,line=9,endLine=16,title=prodcheck async-handler-errors (critical)::async route handler for `GET /orders/:id` on Express 4 has no try/catch: a rejection never reaches `next`, the request hangs and the process can crash — wrap it (`asyncHandler(fn)`), catch and call `next(err)`, or upgrade to Express 5',
      "::error file=src/app.ts,line=29,endLine=29,col=11,endColumn=93,title=prodcheck no-in-memory-session (high)::`session(…)` from express-session has no `store`: sessions live in this process's memory — pass a shared store (connect-redis, connect-pg-simple)",
      '::error file=src/jobs/reconcile-payments.job.ts,line=13,endLine=28,title=prodcheck no-floating-promise (high)::async callback given to `setInterval` has no try/catch: its rejection is unhandled and ends the process — wrap the body in `try { … } catch`',
      '::error file=src/services/inventory.service.ts,line=14,endLine=14,col=26,endColumn=52,title=prodcheck require-http-timeout (high)::`axios.get` has no timeout: pass `{ timeout }` or create the client with one',
      '::error file=src/services/notification.service.ts,line=15,endLine=23,title=prodcheck require-http-timeout (high)::`fetch` has no `signal`: pass `signal: AbortSignal.timeout(ms)`',
      '::error file=src/services/orders.service.ts,line=38,endLine=38,col=3,endColumn=88,title=prodcheck no-floating-promise (high)::`recordAudit(…)` returns a promise that nobody awaits: `await` it, return it, or end it with `.catch(…)` (use `void` to opt out explicitly)',
      '::warning file=src/server.ts,line=9,endLine=9,col=3,endColumn=81,title=prodcheck no-console-log (medium)::`console.log` in server code: log through the structured logger (pino, winston) so the line has a level and fields',
      '::warning file=src/services/orders.service.ts,line=31,endLine=31,col=5,endColumn=61,title=prodcheck no-console-log (medium)::`console.error` in server code: log through the structured logger (pino, winston) so the line has a level and fields',
      'prodcheck: score 43/100 (F), 8 findings, 8 annotated',
      '',
    ]);
  });

  it('puts the findings on changed lines first', () => {
    const changed = new Map([['src/services/orders.service.ts', new Set([31, 32])]]);
    const lines = renderGithub(report, { changed }).split('\n');
    expect(lines[1]).toBe(
      '::warning file=src/services/orders.service.ts,line=31,endLine=31,col=5,endColumn=61,title=prodcheck no-console-log (medium)::`console.error` in server code: log through the structured logger (pino, winston) so the line has a level and fields',
    );
    expect(lines[2]).toMatch(/^::error file=src\/routes\/orders\.routes\.ts,line=9,/);
    expect(lines).toHaveLength(11);
  });
});

describe('escaping as the runner unescapes', () => {
  it('escapes % first, then CR and LF in data; also : and , in properties', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext%3A a%2C b');
    // An already-escaped-looking sequence stays literal.
    expect(escapeData('%0A')).toBe('%250A');
  });

  it('round-trips a hostile file name and message through the runner parser', () => {
    const f = finding({
      file: 'src/legacy,v2/a:b 100%.ts',
      line: 7,
      severity: 'medium',
      message: 'rate 50%: `fetch` has no `signal`\r\n::error::injected, not a command %0A',
    });
    const line = annotation(f);
    expect(line).toBe(
      '::warning file=src/legacy%2Cv2/a%3Ab 100%25.ts,line=7,endLine=7,col=5,endColumn=30,title=prodcheck require-http-timeout (medium)::rate 50%25: `fetch` has no `signal`%0D%0A::error::injected, not a command %250A',
    );
    expect(line.split('\n')).toHaveLength(1);
    expect(parseCommand(line)).toEqual({
      command: 'warning',
      properties: {
        file: 'src/legacy,v2/a:b 100%.ts',
        line: '7',
        endLine: '7',
        col: '5',
        endColumn: '30',
        title: 'prodcheck require-http-timeout (medium)',
      },
      data: f.message,
    });
  });

  it('gives a finding without a line a file-level annotation, and a multi-line one no columns', () => {
    expect(annotation(finding({ file: 'Dockerfile', line: 0, endLine: 0, severity: 'low', ruleId: 'docker-sigterm', message: 'no STOPSIGNAL' }))).toBe(
      '::notice file=Dockerfile,title=prodcheck docker-sigterm (low)::no STOPSIGNAL',
    );
    expect(annotation(finding({ file: 'src/a.ts', line: 3, endLine: 9, severity: 'critical', message: 'm' }))).toBe(
      '::error file=src/a.ts,line=3,endLine=9,title=prodcheck require-http-timeout (critical)::m',
    );
  });
});

describe('ranking', () => {
  const findings = [
    finding({ file: 'src/b.ts', line: 4, severity: 'low' }),
    finding({ file: 'src/a.ts', line: 9, severity: 'critical' }),
    finding({ file: 'src/a.ts', line: 2, severity: 'critical' }),
    finding({ file: 'src/c.ts', line: 1, severity: 'medium' }),
    finding({ file: 'Dockerfile', line: 0, severity: 'high' }),
  ];
  const place = (fs: ReturnType<typeof rankFindings>) => fs.map((r) => `${r.changed ? '*' : ''}${r.finding.file}:${r.finding.line}`);

  it('orders by severity, then file and line, without changed lines', () => {
    expect(place(rankFindings(findings))).toEqual(['src/a.ts:2', 'src/a.ts:9', 'Dockerfile:0', 'src/c.ts:1', 'src/b.ts:4']);
  });

  it('puts findings on changed lines first (a line-less finding when its file changed)', () => {
    const changed = new Map([
      ['src/b.ts', new Set([4])],
      ['src/c.ts', new Set([2])],
      ['Dockerfile', new Set<number>()],
    ]);
    expect(place(rankFindings(findings, changed))).toEqual(['*Dockerfile:0', '*src/b.ts:4', 'src/a.ts:2', 'src/a.ts:9', 'src/c.ts:1']);
  });

  it('counts only the start line as the finding’s line', () => {
    const changed = new Map([['src/a.ts', new Set([5])]]);
    expect(isOnChangedLine(changed, { file: 'src/a.ts', line: 3 })).toBe(false);
    expect(isOnChangedLine(changed, { file: 'src/a.ts', line: 5 })).toBe(true);
    expect(isOnChangedLine(changed, { file: 'src/a.ts', line: 0 })).toBe(true);
    expect(isOnChangedLine(changed, { file: 'src/z.ts', line: 0 })).toBe(false);
  });
});

describe('the runner’s annotation budget', () => {
  // 40 findings: 15 critical, 10 high (25 errors), 10 medium (warnings), 5 low (notices).
  const severities: Severity[] = [...Array(15).fill('critical'), ...Array(10).fill('high'), ...Array(10).fill('medium'), ...Array(5).fill('low')];
  const forty = severities.map((severity, i) => finding({ file: `src/services/s${String(i).padStart(2, '0')}.service.ts`, line: i + 1, severity }));
  const commands = (out: string) => out.split('\n').filter((l) => l.startsWith('::'));
  const levels = (out: string) => commands(out).map((l) => l.slice(2, l.indexOf(' ')).replace(/::.*/, ''));

  it('emits at most 10 per level, the score notice included, and says how many it left out', () => {
    const out = renderGithub(reportOf(forty));
    const count = (level: string) => levels(out).filter((l) => l === level).length;
    expect([count('error'), count('warning'), count('notice')]).toEqual([10, 10, 6]);
    // The 10 errors kept are the first 10 critical ones by file.
    expect(commands(out).filter((l) => l.startsWith('::error')).map((l) => /file=([^,]+)/.exec(l)?.[1])).toEqual(
      Array.from({ length: 10 }, (_, i) => `src/services/s${String(i).padStart(2, '0')}.service.ts`),
    );
    expect(out.split('\n').at(-2)).toBe(
      'prodcheck: score 71/100 (C), 40 findings, 25 annotated, 15 left out (the runner shows at most 10 annotations per level in a step and 50 in a job); full report: --format json',
    );
  });

  it('stops at the per-job total', () => {
    const out = renderGithub(reportOf(forty), { perLevel: 10, perJob: 12 });
    expect(levels(out)).toEqual(['notice', ...Array(10).fill('error'), 'warning']);
    expect(out.split('\n').at(-2)).toBe(
      'prodcheck: score 71/100 (C), 40 findings, 11 annotated, 29 left out (the runner shows at most 10 annotations per level in a step and 12 in a job); full report: --format json',
    );
  });

  it('spends the error budget on changed lines first', () => {
    // Three high findings on changed lines outrank the fifteen critical ones elsewhere.
    const changed = new Map([
      ['src/services/s20.service.ts', new Set([21])],
      ['src/services/s22.service.ts', new Set([23])],
      ['src/services/s24.service.ts', new Set([25])],
      ['src/services/s30.service.ts', new Set([31])],
    ]);
    const out = renderGithub(reportOf(forty), { changed });
    const files = commands(out)
      .slice(1, 5)
      .map((l) => /^::(\w+) file=([^,]+)/.exec(l)?.slice(1).join(' '));
    expect(files).toEqual(['error src/services/s20.service.ts', 'error src/services/s22.service.ts', 'error src/services/s24.service.ts', 'warning src/services/s30.service.ts']);
    const errors = commands(out).filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(10);
    expect(errors.slice(3).map((l) => /file=([^,]+)/.exec(l)?.[1])).toEqual(Array.from({ length: 7 }, (_, i) => `src/services/s${String(i).padStart(2, '0')}.service.ts`));
  });

  it('has nothing to leave out for a clean report', () => {
    expect(renderGithub(reportOf([]))).toBe('::notice title=prodcheck::score 71/100 (C), 0 findings\nprodcheck: score 71/100 (C), 0 findings\n');
  });
});
