// The Markdown PR comment: the golden comment for the example project (changed lines, links,
// delta), the ranked list without changed lines, the size cap, links from the Actions
// environment, and Markdown escaping that keeps a message's code spans.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getRule } from '../../rules/index.js';
import type { Finding, Report, Severity } from '../../src/core/types.js';
import { code, githubLinkFromEnv, inlineMarkdown, lineUrl, renderMarkdown, scoreDelta } from '../../src/report/markdown.js';
import { scan } from '../../src/scan.js';
import { FIXTURES, onlyRules, REPORTER_RULES } from '../support/fixtures.js';
import { findingMaker, reportOf as syntheticReport } from '../support/reports.js';

const LINK = { serverUrl: 'https://github.com', repository: 'acme/orders-service', sha: '3f2c9d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e' };

const finding = findingMaker({
  ruleId: 'no-console-log',
  category: 'observability',
  severity: 'medium',
  column: 3,
  endColumn: 40,
  message: '`console.log` in server code: log through the structured logger (pino, winston) so the line has a level and fields',
});

function reportOf(findings: Finding[]): Report {
  return syntheticReport(findings, { overall: 58, grade: 'D' }, 900);
}

describe('the example project fixtures/projects/orders-service', () => {
  let report: Report;
  beforeAll(async () => {
    report = await scan({ root: join(FIXTURES, 'projects', 'orders-service'), config: onlyRules(REPORTER_RULES) });
  });

  it('renders the golden comment: changed lines linked, the rest folded, the delta', async () => {
    // The pull request rewrote the order route and the payment error handling.
    const changed = new Map([
      ['src/routes/orders.routes.ts', new Set([9, 10, 11, 12])],
      ['src/services/orders.service.ts', new Set([30, 31])],
    ]);
    const md = renderMarkdown(report, { ruleOf: getRule, changed, base: { overall: 45 }, link: LINK });
    await expect(md.replace(/v\d+\.\d+\.\d+/, 'vX.Y.Z')).toMatchFileSnapshot('../golden/orders-service.md');
  });

  it('lists every finding ranked, with plain places, when there is no changed-lines information', () => {
    const lines = renderMarkdown(report, { ruleOf: getRule }).split('\n');
    expect(lines.slice(0, 2)).toEqual(['<!-- prodcheck-report -->', '## prodcheck: 43/100 (F)']);
    expect(lines).not.toContain('<details>');
    expect(lines.some((l) => l.startsWith('### New on changed lines'))).toBe(false);
    const start = lines.indexOf('### Findings (8)');
    expect(lines.slice(start + 2, start + 10).map((l) => /^- \S+ \*\*(\w+)\*\* `([^`]+)`/.exec(l)?.slice(1).join(' '))).toEqual([
      'critical src/routes/orders.routes.ts:9',
      'high src/app.ts:29',
      'high src/jobs/reconcile-payments.job.ts:13',
      'high src/services/inventory.service.ts:14',
      'high src/services/notification.service.ts:15',
      'high src/services/orders.service.ts:38',
      'medium src/server.ts:9',
      'medium src/services/orders.service.ts:31',
    ]);
    expect(lines[start + 3]).toBe(
      "- 🟠 **high** `src/app.ts:29` `session(…)` from express-session has no `store`: sessions live in this process's memory — pass a shared store (connect-redis, connect-pg-simple) · [`no-in-memory-session`]",
    );
    // Each rule's docs link is defined once, at the end.
    expect(lines.filter((l) => l.startsWith('[`'))).toEqual([
      '[`async-handler-errors`]: https://github.com/prodcheck/prodcheck/blob/main/docs/rules/async-handler-errors.md',
      '[`no-console-log`]: https://github.com/prodcheck/prodcheck/blob/main/docs/rules/no-console-log.md',
      '[`no-floating-promise`]: https://github.com/prodcheck/prodcheck/blob/main/docs/rules/no-floating-promise.md',
      '[`no-in-memory-session`]: https://github.com/prodcheck/prodcheck/blob/main/docs/rules/no-in-memory-session.md',
      '[`require-http-timeout`]: https://github.com/prodcheck/prodcheck/blob/main/docs/rules/require-http-timeout.md',
    ]);
  });

  it('says so when no finding is on a changed line', () => {
    const md = renderMarkdown(report, { ruleOf: getRule, changed: new Map([['README.md', new Set([1])]]) });
    expect(md).toContain('### New on changed lines (0)\n\nNone of the findings is on a line this pull request changed.\n\n<details>\n<summary>8 other findings</summary>\n');
  });
});

describe('the score delta', () => {
  it('renders up, down, unchanged and unknown', () => {
    expect(scoreDelta(46, 43)).toBe('▲ +3');
    expect(scoreDelta(41, 43)).toBe('▼ −2');
    expect(scoreDelta(43.3, 43.1)).toBe('▲ +0.2');
    expect(scoreDelta(43, 43)).toBe('±0');
    expect(scoreDelta(43, null)).toBe('');
    expect(scoreDelta(43, undefined)).toBe('');
    expect(scoreDelta(null, 43)).toBe('');
  });

  it('goes in the title only when the base is known', () => {
    const report = reportOf([]);
    expect(renderMarkdown(report, { ruleOf: getRule, base: { overall: 60 } }).split('\n').slice(1, 4)).toEqual(['## prodcheck: 58/100 (D) ▼ −2', '', '900 files · no findings · base 60/100']);
    expect(renderMarkdown(report, { ruleOf: getRule, base: { overall: null } }).split('\n').slice(1, 4)).toEqual(['## prodcheck: 58/100 (D)', '', '900 files · no findings']);
  });
});

describe('links to the exact line', () => {
  it('reads the Actions environment, preferring the pull request head SHA', () => {
    const env = { GITHUB_SERVER_URL: 'https://github.example.com/', GITHUB_REPOSITORY: 'acme/orders-service', GITHUB_SHA: 'mergesha' };
    expect(githubLinkFromEnv(env)).toEqual({ serverUrl: 'https://github.example.com', repository: 'acme/orders-service', sha: 'mergesha' });
    expect(githubLinkFromEnv(env, { pull_request: { head: { sha: 'headsha' } } })).toEqual({ serverUrl: 'https://github.example.com', repository: 'acme/orders-service', sha: 'headsha' });
    expect(githubLinkFromEnv(env, { action: 'push' })?.sha).toBe('mergesha');
    expect(githubLinkFromEnv({ ...env, GITHUB_SHA: undefined })).toBeUndefined();
    expect(githubLinkFromEnv({ ...env, GITHUB_REPOSITORY: 'not-a-repo' })).toBeUndefined();
    expect(githubLinkFromEnv({})).toBeUndefined();
  });

  it('percent-encodes each path segment and points at the line', () => {
    expect(lineUrl(LINK, 'src/jobs/nightly (old)/sync #2.ts', 12)).toBe(
      `https://github.com/acme/orders-service/blob/${LINK.sha}/src/jobs/nightly%20%28old%29/sync%20%232.ts#L12`,
    );
    expect(lineUrl(LINK, 'Dockerfile', 0)).toBe(`https://github.com/acme/orders-service/blob/${LINK.sha}/Dockerfile`);
  });

  it('links each finding when link information is given, plain file:line otherwise', () => {
    const report = reportOf([finding({ file: 'src/server.ts', line: 9 })]);
    const item = (md: string) => md.split('\n').find((l) => l.startsWith('- '));
    expect(item(renderMarkdown(report, { ruleOf: getRule, link: LINK }))).toBe(
      `- 🟡 **medium** [\`src/server.ts:9\`](https://github.com/acme/orders-service/blob/${LINK.sha}/src/server.ts#L9) \`console.log\` in server code: log through the structured logger (pino, winston) so the line has a level and fields · [\`no-console-log\`]`,
    );
    expect(item(renderMarkdown(report, { ruleOf: getRule }))).toMatch(/^- 🟡 \*\*medium\*\* `src\/server\.ts:9` `console\.log` in server code/);
  });
});

describe('escaping', () => {
  it('keeps code spans and escapes the rest', () => {
    expect(inlineMarkdown('`a < b` is <b>bold</b> & *not* _emphasis_ [link](x) ~~gone~~ $x$ #1')).toBe(
      '`a < b` is &lt;b&gt;bold&lt;/b&gt; &amp; \\*not\\* \\_emphasis\\_ \\[link\\](x) \\~\\~gone\\~\\~ \\$x\\$ \\#1',
    );
  });

  it('escapes an unmatched backtick and keeps double-backtick spans', () => {
    expect(inlineMarkdown('a ``x ` y`` kept and a stray ` here')).toBe('a ``x ` y`` kept and a stray \\` here');
    // As in CommonMark, a span closes at the next run of the same length.
    expect(inlineMarkdown('a ` b ``c`` d ` e')).toBe('a ` b ``c`` d ` e');
  });

  it('escapes | in table cells, inside code spans too, and folds newlines', () => {
    expect(inlineMarkdown('a | b `c|d`\nnext', true)).toBe('a \\| b `c\\|d` next');
    expect(inlineMarkdown('a | b', false)).toBe('a | b');
  });

  it('fences a code span around backticks', () => {
    expect(code('src/app.ts')).toBe('`src/app.ts`');
    expect(code('odd`name.ts')).toBe('``odd`name.ts``');
    expect(code('`edge')).toBe('`` `edge ``');
  });
});

describe('the size cap', () => {
  // 2,000 findings: 20 critical, 180 high, 800 medium, 1,000 low, 100 of them on changed lines.
  const severityOf = (i: number): Severity => (i < 20 ? 'critical' : i < 200 ? 'high' : i < 1000 ? 'medium' : 'low');
  const many = Array.from({ length: 2000 }, (_, i) =>
    finding({ file: `src/modules/m${String(i % 97).padStart(2, '0')}/handler.ts`, line: i + 1, severity: severityOf(i) }),
  );
  const changed = new Map<string, Set<number>>();
  for (let i = 1900; i < 2000; i++) {
    const f = many[i]!;
    changed.set(f.file, (changed.get(f.file) ?? new Set()).add(f.line));
  }
  const items = (md: string) => md.split('\n').filter((l) => l.startsWith('- '));

  it('stays under the cap, keeps the highest-ranked findings and says how many it left out', () => {
    const md = renderMarkdown(reportOf(many), { ruleOf: getRule, changed, link: LINK });
    expect(md.length).toBeLessThanOrEqual(60_000);
    expect(md.length).toBeGreaterThan(60_000 - 400);
    const shown = items(md);
    const leftOut = 2000 - shown.length;
    expect(leftOut).toBeGreaterThan(1000);
    expect(md).toContain(`\n_${leftOut} lower-ranked findings left out to fit GitHub's comment size limit; the JSON and SARIF reports have them all._\n`);
    // All 100 findings on changed lines come first, then the critical and high ones.
    expect(md).toContain('### New on changed lines (100)');
    expect(md).toContain('<summary>1900 other findings</summary>');
    const before = md.slice(0, md.indexOf('<details>'));
    expect(items(before)).toHaveLength(100);
    const folded = items(md.slice(md.indexOf('<details>')));
    expect(folded.filter((l) => l.includes('**critical**'))).toHaveLength(20);
    const high = folded.filter((l) => l.includes('**high**')).length;
    expect(high).toBeGreaterThan(0);
    expect(folded).toHaveLength(20 + high);
    expect(shown).toHaveLength(100 + 20 + high);
  });

  it('honours a smaller cap and keeps the comment whole without one', () => {
    const small = renderMarkdown(reportOf(many), { ruleOf: getRule, maxLength: 3_000 });
    expect(small.length).toBeLessThanOrEqual(3_000);
    expect(items(small).every((l) => l.includes('**critical**'))).toBe(true);
    expect(small).toMatch(/\n_19\d\d lower-ranked findings left out/);
    const all = renderMarkdown(reportOf(many.slice(0, 50)), { ruleOf: getRule });
    expect(items(all)).toHaveLength(50);
    expect(all).not.toContain('left out');
  });
});
