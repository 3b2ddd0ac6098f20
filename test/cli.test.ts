// The CLI contract: flags, exit codes 0/1/2, one-line errors, output files and formats.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onlyRule, writeProject } from './support/fixtures.js';
import { main } from '../src/cli/main.js';
import { FakeGitHub, OWNER, PR, REPO, TOKEN } from './support/fake-github.js';
import type { Report } from '../src/core/types.js';


// The default cache location of a project without node_modules is the OS cache directory: a temporary one here.
const cacheHome = mkdtempSync(join(tmpdir(), 'prodcheck-cli-cache-'));

async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { XDG_CACHE_HOME: cacheHome, ...env },
  });
  return { code, stdout, stderr };
}

// The CLI's contract is probed with one rule: every other rule is off in the project's config.
const otherRulesOff = onlyRule('no-console-log').rules;
const configJson = (extra: Record<string, unknown> = {}) => JSON.stringify({ rules: otherRulesOff, ...extra });

const api = {
  'prodcheck.config.json': configJson(),
  'package.json': JSON.stringify({ name: 'inventory-api', dependencies: { express: '^4.21.0' } }),
  'src/server.ts': [
    "import express from 'express';",
    "import { logger } from './logger';",
    '',
    'const app = express();',
    "app.get('/health', (_req, res) => res.json({ ok: true }));",
    "app.listen(3000, () => console.log('inventory-api on 3000'));",
    "logger.info('booted');",
    '',
  ].join('\n'),
  'src/logger.ts': "import pino from 'pino';\n\nexport const logger = pino();\n",
  'src/legacy.js': 'module.exports = function (\n',
};

describe('prodcheck CLI', () => {
  it('prints a JSON report equal to the scan, exit 0 without a gate', async () => {
    const root = writeProject(api);
    const { code, stdout, stderr } = await run([root, '--format', 'json']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as Report;
    expect(Object.keys(report)).toEqual(['schemaVersion', 'tool', 'score', 'summary', 'rules', 'findings', 'errors', 'fixFirst']);
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)).toEqual(['src/server.ts:6:24 no-console-log']);
    expect(report.errors).toEqual([{ file: 'src/legacy.js', message: "syntax error at 2:1 ')' expected." }]);
    expect(Object.keys(report.findings[0] ?? {})).toEqual(['ruleId', 'category', 'severity', 'file', 'line', 'column', 'endLine', 'endColumn', 'message', 'fingerprint']);
  });

  it('gates with --fail-on and --min-score, and with the config thresholds', async () => {
    const root = writeProject(api);
    expect((await run([root, '--fail-on', 'medium'])).code).toBe(1);
    expect((await run([root, '--fail-on', 'high'])).code).toBe(0);
    expect((await run([root, '--fail-on', 'none'])).code).toBe(0);
    expect((await run([root, '--min-score', '50'])).code).toBe(0);
    expect((await run([root, '--min-score', '51'])).code).toBe(1);
    writeFileSync(join(root, 'prodcheck.config.json'), configJson({ thresholds: { failOn: 'medium' } }));
    expect((await run([root])).code).toBe(1);
    expect((await run([root, '--fail-on', 'critical'])).code).toBe(0);
  });

  it('prints the Markdown comment, with line links from the GitHub Actions environment, and the workflow annotations', async () => {
    const root = writeProject(api);
    const event = join(root, 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { number: 7, head: { sha: 'a'.repeat(40) } } }));
    const env = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/inventory-api', GITHUB_EVENT_PATH: event };
    const md = await run([root, '--format', 'markdown'], env);
    expect(md.code).toBe(0);
    expect(md.stdout.split('\n')[0]).toBe('<!-- prodcheck-report -->');
    expect(md.stdout).toContain(`(https://github.com/acme/inventory-api/blob/${'a'.repeat(40)}/src/server.ts#L6)`);
    const sarif = await run([root, '--format', 'sarif']);
    expect(sarif.code).toBe(0);
    expect((JSON.parse(sarif.stdout) as { version: string; runs: Array<{ results: unknown[] }> }).runs[0]?.results).toHaveLength(1);
    const html = await run([root, '--format', 'html']);
    expect(html.code).toBe(0);
    expect(html.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    const gh = await run([root, '--format', 'github']);
    expect(gh.code).toBe(0);
    expect(gh.stdout).toContain('::warning file=src/server.ts,line=6,endLine=6,col=24,endColumn=');
  });

  it('comment --github posts the Markdown report, updates it in place, and never changes the exit code', async () => {
    const gh = new FakeGitHub();
    await gh.start();
    try {
      const root = writeProject(api);
      const event = join(root, 'event.json');
      writeFileSync(event, JSON.stringify({ pull_request: { number: PR, head: { sha: 'b'.repeat(40) } } }));
      const env = { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.base, GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_EVENT_PATH: event, GITHUB_SERVER_URL: 'https://github.com' };
      const first = await run(['comment', '--github', root, '--fail-on', 'medium'], env);
      expect(first.code).toBe(1);
      expect(first.stdout).toBe('');
      expect(first.stderr).toMatch(/^prodcheck: looking for prodcheck's comment on acme\/orders-service#42\nprodcheck: created https:\/\/github\.com\/acme\/orders-service\/pull\/42#issuecomment-\d+\n$/);
      const second = await run(['comment', '--github', root], env);
      expect(second.code).toBe(0);
      expect(second.stderr).toMatch(/\nprodcheck: updated https:\/\/github\.com\/acme\/orders-service\/pull\/42#issuecomment-\d+\n$/);
      const posted = gh.markerComments();
      expect(posted).toHaveLength(1);
      expect(posted[0]?.body).toContain('`console.log` in server code');
      gh.overrides.push({ method: 'PATCH', status: 403, body: { message: 'Resource not accessible by integration' } });
      const refused = await run(['comment', '--github', root, '--fail-on', 'medium'], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/\nprodcheck: GitHub refused to write the comment \(403\)/);
      expect(refused.stderr).not.toContain(TOKEN);
      expect((await run(['comment', root], env)).stderr).toBe('prodcheck: comment needs a target: `prodcheck comment --github [path]` (the only one so far)\n');
    } finally {
      await gh.stop();
    }
  });

  it('records a baseline and then reports only new findings, gating on them', async () => {
    const root = writeProject(api);
    const baseline = join(root, '.prodcheck-baseline.json');
    const recorded = await run(['baseline', root, '--output', baseline]);
    expect(recorded).toEqual({ code: 0, stdout: '', stderr: `prodcheck: recorded 1 findings in ${baseline}\n` });
    expect((await run([root, '--baseline', baseline, '--fail-on', 'medium'])).code).toBe(0);
    writeFileSync(join(root, 'src/server.ts'), `// moved down by a comment\n${api['src/server.ts']}console.warn('second');\n`);
    const after = await run([root, '--baseline', baseline, '--fail-on', 'medium', '--format', 'json']);
    expect(after.code).toBe(1);
    const report = JSON.parse(after.stdout) as Report;
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.column}`)).toEqual(['src/server.ts:9:1']);
    expect(report.baseline).toEqual({ hidden: 1, fixed: 0 });
    expect((await run([root, '--baseline', baseline])).stdout).toContain('\nBaseline: 1 known finding hidden, 0 fixed since it was recorded.\n');
    expect((await run([root, '--baseline', join(root, 'none.json')])).stderr).toMatch(/^prodcheck: --baseline: /);
    expect((await run(['baseline', root])).stderr).toBe('prodcheck: baseline needs --output FILE, e.g. `prodcheck baseline . --output .prodcheck-baseline.json`\n');
  });

  it('keeps only findings on lines changed since a git ref, and shows the score delta against a base report', async () => {
    const root = writeProject(api);
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.com', ...args], { cwd: root, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    const baseReport = join(writeProject({}), 'base.json');
    expect((await run([root, '--format', 'json', '--output', baseReport])).code).toBe(0);
    writeFileSync(join(root, 'src/jobs.ts'), "export function nightly() {\n  console.info('nightly run');\n}\n");
    const json = await run([root, '--changed-since', 'main', '--format', 'json']);
    const report = JSON.parse(json.stdout) as Report;
    expect(report.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['src/jobs.ts:2']);
    expect(report.changed).toEqual({ files: 1, lines: 3, findingsHidden: 1 });
    expect((await run([root, '--changed-since', 'main'])).stdout).toContain('\nFindings on lines changed in 1 file only (1 elsewhere not shown); the score is for the whole repository.\n');
    const md = await run([root, '--changed-since', 'main', '--compare', baseReport, '--format', 'markdown']);
    // SARIF paths are relative to the repository's top, so a scan of a subfolder still matches code scanning's files.
    const sub = JSON.parse((await run([join(root, 'src'), '--format', 'sarif', '--config', join(root, 'prodcheck.config.json')])).stdout) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
    expect(sub.runs[0]?.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri)).toEqual(['src/jobs.ts', 'src/server.ts']);
    expect(md.stdout.split('\n')[1]).toMatch(/^## prodcheck: \d+\/100 \([A-F]\) ▼ −\d+/);
    expect((await run([root, '--changed-since', 'no-such-branch'])).stderr).toMatch(/^prodcheck: --changed-since: unknown git ref "no-such-branch"/);
  });

  it('writes --output to a file and nothing to stdout', async () => {
    const root = writeProject(api);
    const out = join(root, 'report.json');
    const { code, stdout } = await run([root, '--format', 'json', '--output', out]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect((JSON.parse(readFileSync(out, 'utf8')) as Report).summary.findings).toBe(1);
  });

  it('answers bad input with one line on stderr and exit 2', async () => {
    const root = writeProject(api);
    const cases: Array<[string[], string]> = [
      [[root, '--frmat', 'json'], 'prodcheck: unknown option --frmat (allowed: --format, --output, --config, --min-score, --fail-on, --quiet, --no-color, --help, --version, --json, --github, --baseline, --changed-since, --compare, --types, --jobs, --no-cache, --cache-location)'],
      [[root, '--jobs', '0'], 'prodcheck: --jobs must be a positive integer (the number of scanning threads), got "0"'],
      [[root, '--jobs', 'many'], 'prodcheck: --jobs must be a positive integer (the number of scanning threads), got "many"'],
      [[root, '--jobs', '1.5'], 'prodcheck: --jobs must be a positive integer (the number of scanning threads), got "1.5"'],
      [[root, '--cache-location', ''], 'prodcheck: --cache-location must name a directory, got ""'],
      [[root, '--format', 'xml'], 'prodcheck: --format must be one of pretty, json, sarif, markdown, github, html, got "xml"'],
      [[root, '--fail-on', 'error'], 'prodcheck: --fail-on must be one of critical, high, medium, low, none, got "error"'],
      [[root, '--min-score', 'ninety'], 'prodcheck: --min-score must be a number from 0 to 100, got "ninety"'],
      [[root, '--format'], 'prodcheck: --format needs a value'],
      [[join(root, 'missing')], `prodcheck: path not found: ${join(root, 'missing')}`],
      [[join(root, 'src/server.ts')], `prodcheck: not a directory: ${join(root, 'src/server.ts')} (prodcheck scans a project directory)`],
      [[root, 'other'], `prodcheck: one path at a time, got 2: ${root} other`],
      [['explain', 'no-such-rule'], 'prodcheck: unknown rule "no-such-rule" (`prodcheck rules` lists them)'],
      [[root, '--config', join(root, 'nope.json')], `prodcheck: config file not found: ${join(root, 'nope.json')}`],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await run(args);
      expect({ args, code, stdout, stderr }).toEqual({ args, code: 2, stdout: '', stderr: `${message}\n` });
    }
    writeFileSync(join(root, 'prodcheck.config.json'), '{ "rules": { "no-console-log": "warn" } }');
    const bad = await run([root]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^prodcheck: .*prodcheck\.config\.json: rules\["no-console-log"\] must be "off", "critical", "high", "medium", "low" or \[severity, options\], got "warn"\n$/);
  });

  it('--types: the checker finds what the syntactic mode cannot; no or a broken tsconfig.json is exit 2', async () => {
    const service = {
      'src/notifier.ts': 'export interface Notifier {\n  notify(userId: string, text: string): Promise<void>;\n}\n',
      'src/orders.service.ts': [
        "import type { Notifier } from './notifier';",
        '',
        'export class OrdersService {',
        '  constructor(private readonly notifier: Notifier) {}',
        '',
        '  confirm(userId: string, orderId: string): void {',
        '    this.notifier.notify(userId, `Order ${orderId} is confirmed`);',
        '  }',
        '}',
        '',
      ].join('\n'),
    };
    const missing = writeProject(service);
    expect(await run([missing, '--types'])).toEqual({ code: 2, stdout: '', stderr: `prodcheck: --types needs a tsconfig.json at ${missing}\n` });
    const broken = writeProject({ ...service, 'tsconfig.json': '{ "compilerOptions": { "strict": true }\n  "include": ["src"] }\n' });
    expect(await run([broken, '--types'])).toEqual({ code: 2, stdout: '', stderr: `prodcheck: --types cannot parse ${join(broken, 'tsconfig.json')}: 2:3 ',' expected.\n` });

    const root = writeProject({ ...service, 'tsconfig.json': '{ "compilerOptions": { "strict": true, "types": [] }, "include": ["src"] }\n' });
    const plain = await run([root, '--format', 'json', '--fail-on', 'high']);
    expect(plain.code).toBe(0);
    const typed = await run([root, '--format', 'json', '--fail-on', 'high', '--types']);
    expect(typed.code).toBe(1);
    expect(typed.stderr).toBe('');
    const report = JSON.parse(typed.stdout) as Report;
    expect(report.errors).toEqual([]);
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)).toEqual(['src/orders.service.ts:7:5 no-floating-promise']);
  });

  it('scores an empty directory as not applicable and exits 0', async () => {
    const { code, stdout } = await run([writeProject({}), '--format', 'json', '--min-score', '90']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.score.overall).toBeNull();
    expect(report.summary.files).toBe(0);
  });

  it('prints the pretty report with a code frame, the fix hint and fix-first; --quiet drops the frame', async () => {
    const root = writeProject(api);
    const { code, stdout } = await run([root]);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/\x1b\[/);
    expect(stdout).toContain('src/server.ts\n  6:24    medium    `console.log` in server code');
    expect(stdout).toContain("> 6 | app.listen(3000, () => console.log('inventory-api on 3000'));");
    expect(stdout).toContain('    fix: Import the project logger and log with a level and fields');
    expect(stdout).toContain('observability   50  ██████████░░░░░░░░░░  1 finding');
    expect(stdout).toContain('security       n/a');
    expect(stdout).toContain('Fix these first:\n  +50    no-console-log  1 of 2 log calls (console and logger)');
    expect(stdout).toContain('src/legacy.js  syntax error at 2:1');
    const quiet = await run([root, '--quiet']);
    expect(quiet.stdout).not.toContain('> 6 |');
    expect(quiet.stdout).not.toContain('Fix these first');
  });

  it('colours only a TTY or FORCE_COLOR, never with NO_COLOR or --no-color', async () => {
    const root = writeProject(api);
    expect((await run([root], { FORCE_COLOR: '1' })).stdout).toMatch(/\x1b\[/);
    expect((await run([root, '--no-color'], { FORCE_COLOR: '1' })).stdout).not.toMatch(/\x1b\[/);
    expect((await run([root], { FORCE_COLOR: '1', NO_COLOR: '1' })).stdout).not.toMatch(/\x1b\[/);
  });

  it('shows a progress line on a TTY stderr for long scans, and never in CI or with --quiet', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 220; i++) files[`src/handlers/h${i}.ts`] = `export const h${i} = (n: number) => n + ${i};\n`;
    const root = writeProject(files);
    const progressRun = async (args: string[], env: Record<string, string>) => {
      let stderr = '';
      const code = await main(args, { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s), isTTY: true }, env: { XDG_CACHE_HOME: cacheHome, ...env } });
      return { code, stderr };
    };
    const shown = await progressRun([root, '--no-cache'], {});
    expect(shown.code).toBe(0);
    expect(shown.stderr).toMatch(/^\r\x1b\[Kscanning \d+\/220 files/);
    expect(shown.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect((await progressRun([root], { CI: 'true' })).stderr).toBe('');
    expect((await progressRun([root, '--quiet'], {})).stderr).toBe('');
  });

  it('lists rules and explains one', async () => {
    const list = await run(['rules', '--json']);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as Array<{ id: string; docs: string }>;
    expect(rows.map((r) => r.id)).toContain('no-in-memory-session');
    expect(rows.find((r) => r.id === 'no-console-log')?.docs).toBe('https://github.com/prodcheck/prodcheck/blob/main/docs/rules/no-console-log.md');
    const explained = await run(['explain', 'no-console-log']);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toMatch(/^no-console-log {2}observability · medium · file\n/);
    expect(explained.stdout).toContain('How to fix');
  });
});
