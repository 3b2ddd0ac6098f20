// The command line: arguments in, an exit code out. It loads the configuration, runs the scan,
// hands the finished report to a reporter and decides the exit code; it analyses nothing itself.
//   0  the gate passed (or no gate was set)   1  the gate failed   2  usage, configuration or fatal error
// It imports the rules, the configuration loader and the scan (all of which load TypeScript) only
// when it needs them: a re-scan that the cache answers never loads TypeScript at all.
import { availableParallelism } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BotError, postPullRequestComment } from '../bot/github.js';
import { failureMessage, UsageError } from '../config/errors.js';
import { applyBaseline, createBaseline, readBaseline, renderBaseline } from '../filter/baseline.js';
import { changedLinesSince, compareScore, filterToChanged, readReport, repositoryPrefix } from '../filter/changed-since.js';
import type { ChangedLines } from '../report/changed.js';
import type { AnyRule, Report, Severity } from '../core/types.js';
import { SEVERITIES } from '../core/types.js';
import { renderGithub } from '../report/github.js';
import { renderHtml } from '../report/html.js';
import { renderJson } from '../report/json.js';
import { githubLinkFromEnv, renderMarkdown } from '../report/markdown.js';
import { renderPretty } from '../report/pretty.js';
import { renderSarif } from '../report/sarif.js';
import { docsUrl, renderExplain } from '../report/rule-docs.js';
import { VERSION } from '../version.js';
import { cachedScan, type CachedScan } from './cached-scan.js';

export interface CliIO {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd?: string;
}

const FORMATS = ['pretty', 'json', 'sarif', 'markdown', 'github', 'html'] as const;
type Format = (typeof FORMATS)[number];
const FAIL_ON = [...SEVERITIES, 'none'] as const;

const SCAN_OPTIONS = {
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  config: { type: 'string', short: 'c' },
  'min-score': { type: 'string' },
  'fail-on': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  json: { type: 'boolean' },
  github: { type: 'boolean' },
  baseline: { type: 'string' },
  'changed-since': { type: 'string' },
  compare: { type: 'string' },
  types: { type: 'boolean' },
  jobs: { type: 'string', short: 'j' },
  'no-cache': { type: 'boolean' },
  'cache-location': { type: 'string' },
} as const;

const HELP = `Usage: prodcheck [path] [options]
       prodcheck rules [--json]
       prodcheck explain <rule-id>
       prodcheck baseline [path] --output FILE        record the current findings (for --baseline)
       prodcheck comment --github [path] [options]   post or update the pull-request comment (in GitHub Actions)

Options:
  --format FORMAT          pretty (default), json, sarif (code scanning), markdown (PR comment), github (annotations) or html
  -o, --output FILE        write the report to FILE instead of stdout
  -c, --config FILE        configuration file (default: prodcheck.config.json or package.json#prodcheck)
  --fail-on SEVERITY       exit 1 when a finding at or above SEVERITY exists (critical|high|medium|low|none)
  --min-score N            exit 1 when the overall score is below N (0-100)
  --baseline FILE          hide the findings recorded by "prodcheck baseline" (reports how many, and how many were fixed)
  --changed-since REF      only findings on lines changed since the merge base with REF (the score stays whole-repo)
  --compare FILE           a base scan's JSON report: show the score's delta against it (markdown)
  --types                  let the TypeScript checker decide what returns a promise (needs tsconfig.json; slower; not cached)
  -j, --jobs N             threads for parsing and checking (default: the number of cores less one, at least 1)
  --no-cache               neither read nor write the cache
  --cache-location DIR     the cache directory (default: node_modules/.cache/prodcheck under the path when it
                           has node_modules, else the OS cache directory)
  -q, --quiet              findings only: no code frames, fix hints or progress
  --no-color               no colours (also NO_COLOR=1)
  -h, --help               this help
  -v, --version            the version
`;

function flagList(): string {
  return Object.keys(SCAN_OPTIONS)
    .filter((k) => k !== 'color')
    .map((k) => `--${k}`)
    .join(', ');
}

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: SCAN_OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(e.message)?.[1] ?? 'option';
      throw new UsageError(`unknown option ${flag} (allowed: ${flagList()})`);
    }
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const flag = /'(--[\w-]+)/.exec(e.message)?.[1] ?? 'an option';
      throw new UsageError(`${flag} needs a value`);
    }
    if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(e.message);
    throw err;
  }
}

function parseMinScore(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) throw new UsageError(`--min-score must be a number from 0 to 100, got "${value}"`);
  return n;
}

function parseJobs(value: string | undefined): number {
  // One thread's scan keeps about one and a half cores busy (V8 collects garbage on helper threads):
  // on two cores a second scanning thread was slower at every size measured (bench/README.md).
  if (value === undefined) return Math.max(1, availableParallelism() - 1);
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new UsageError(`--jobs must be a positive integer (the number of scanning threads), got "${value}"`);
  return Number(value);
}

function parseCacheLocation(value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError('--cache-location must name a directory, got ""');
  return value;
}

function parseFailOn(value: string | undefined): Severity | 'none' | null {
  if (value === undefined) return null;
  if (!(FAIL_ON as readonly string[]).includes(value)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, got "${value}"`);
  return value as Severity | 'none';
}

function useColor(io: CliIO, values: { color?: boolean; 'no-color'?: boolean }, toFile: boolean): boolean {
  if (values['no-color'] || toFile) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (values.color || (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0')) return true;
  return io.stdout.isTTY === true;
}

/** Exit code for a report under the gate: 1 when a finding reaches `failOn` or the score is below `minScore`. */
export function gate(report: Report, failOn: Severity | 'none' | null, minScore: number | null): 0 | 1 {
  if (failOn !== null && failOn !== 'none') {
    const limit = SEVERITIES.indexOf(failOn);
    if (report.findings.some((f) => SEVERITIES.indexOf(f.severity) <= limit)) return 1;
  }
  if (minScore !== null && report.score.overall !== null && report.score.overall < minScore) return 1;
  return 0;
}

async function listRules(io: CliIO, json: boolean): Promise<number> {
  const { rules } = await import('../../rules/index.js');
  const sorted = [...rules].sort((a, b) => a.category.localeCompare(b.category) || a.id.localeCompare(b.id));
  if (json) {
    const rows = sorted.map((r) => ({
      id: r.id,
      category: r.category,
      severity: r.severity,
      scope: r.scope,
      recommended: r.scope === 'file' && r.recommended,
      description: r.docs.description,
      docs: docsUrl(r.id),
    }));
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...sorted.map((r) => r.id.length));
  for (const r of sorted) io.stdout.write(`${r.id.padEnd(width)}  ${r.category.padEnd(13)} ${r.severity.padEnd(8)} ${r.scope.padEnd(7)} ${r.docs.description}\n`);
  return 0;
}

async function explain(io: CliIO, id: string | undefined, color: boolean): Promise<number> {
  const { getRule } = await import('../../rules/index.js');
  if (id === undefined) throw new UsageError('explain needs a rule id, e.g. `prodcheck explain require-http-timeout` (`prodcheck rules` lists them)');
  const rule = getRule(id);
  if (!rule) throw new UsageError(`unknown rule "${id}" (\`prodcheck rules\` lists them)`);
  io.stdout.write(renderExplain(rule, color));
  return 0;
}

/** A throttled "scanning n/N files" line on stderr, and a function that erases it. */
function progress(io: CliIO): { update: (p: { done: number; total: number }) => void; end: () => void } {
  let last = 0;
  let shown = false;
  return {
    update({ done, total }) {
      const now = Date.now();
      if (total < 200 || now - last < 100) return;
      last = now;
      shown = true;
      io.stderr.write(`\r\x1b[Kscanning ${done}/${total} files`);
    },
    end() {
      if (shown) io.stderr.write('\r\x1b[K');
    },
  };
}

/** The GitHub Actions event payload (`GITHUB_EVENT_PATH`), when there is a readable one. */
function githubEvent(env: CliIO['env']): unknown {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

interface RenderContext {
  io: CliIO;
  root: string;
  color: boolean;
  quiet: boolean;
  source: (file: string) => string | undefined;
  changed: ChangedLines | undefined;
  base: number | null | undefined;
  /** Every rule, in the registry's order (or a cached report's copy of their data). */
  rules: readonly AnyRule[];
  ruleOf: (id: string) => AnyRule | undefined;
}

function render(format: Format, report: Report, ctx: RenderContext): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report, { rules: ctx.rules, uriPrefix: repositoryPrefix(ctx.root) });
    case 'markdown':
      return renderMarkdown(report, {
        ruleOf: ctx.ruleOf,
        link: githubLinkFromEnv(ctx.io.env, githubEvent(ctx.io.env)),
        ...(ctx.changed ? { changed: ctx.changed } : {}),
        ...(ctx.base !== undefined ? { base: { overall: ctx.base } } : {}),
      });
    case 'github':
      return renderGithub(report, ctx.changed ? { changed: ctx.changed } : {});
    case 'html':
      return renderHtml(report, { ruleOf: ctx.ruleOf, source: ctx.source });
    case 'pretty':
      return renderPretty(report, { color: ctx.color, quiet: ctx.quiet, source: ctx.source, ruleOf: ctx.ruleOf });
  }
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const [first, ...rest] = positionals;
  const color = useColor(io, values, values.output !== undefined);
  if (first === 'rules') return await listRules(io, values.json === true);
  if (first === 'explain') return await explain(io, rest[0], color);
  const commenting = first === 'comment';
  const baselining = first === 'baseline';
  if (commenting) {
    if (!values.github) throw new UsageError('comment needs a target: `prodcheck comment --github [path]` (the only one so far)');
    if (values.format !== undefined || values.output !== undefined) throw new UsageError('comment posts the Markdown report itself: drop --format and --output');
  } else if (values.github) {
    throw new UsageError('--github belongs to `prodcheck comment`; for annotations use --format github');
  }
  if (baselining) {
    if (values.output === undefined) throw new UsageError('baseline needs --output FILE, e.g. `prodcheck baseline . --output .prodcheck-baseline.json`');
    if (values.format !== undefined || values.baseline !== undefined || values['changed-since'] !== undefined) {
      throw new UsageError('baseline records every current finding: drop --format, --baseline and --changed-since');
    }
  }
  const paths = commenting || baselining ? rest : positionals;
  if (paths.length > 1) throw new UsageError(`one path at a time, got ${paths.length}: ${paths.join(' ')}`);
  if (values.json) throw new UsageError('--json belongs to `prodcheck rules`; for a JSON report use --format json');

  const format = commenting ? 'markdown' : (values.format ?? 'pretty');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
  const minScoreFlag = parseMinScore(values['min-score']);
  const failOnFlag = parseFailOn(values['fail-on']);
  const jobs = parseJobs(values.jobs);
  const cacheLocation = parseCacheLocation(values['cache-location']);
  // Read every input file before the scan, so that a wrong path fails fast.
  const baseline = values.baseline !== undefined ? readBaseline(values.baseline) : undefined;
  const baseReport = values.compare !== undefined ? readReport(values.compare) : undefined;

  const root = paths[0] ?? '.';
  const quiet = values.quiet === true;
  const showProgress = io.stderr.isTTY === true && !quiet && !io.env.CI;
  const bar = showProgress ? progress(io) : null;
  let changed: ChangedLines | undefined;
  const scanned: CachedScan = await cachedScan({
    root,
    ...(values.config !== undefined ? { configFile: values.config } : {}),
    types: values.types === true,
    jobs,
    ...(io.env.PRODCHECK_PARALLEL_MIN_FILES ? { parallelMinFiles: Number(io.env.PRODCHECK_PARALLEL_MIN_FILES) } : {}),
    cache: values['no-cache'] ? null : { location: cacheLocation, env: io.env },
    note: (message) => {
      if (!quiet) io.stderr.write(`prodcheck: ${message}\n`);
    },
    ...(bar ? { onProgress: bar.update } : {}),
    // After the configuration, before the scan: a bad ref fails before the work.
    beforeScan: () => {
      if (values['changed-since'] !== undefined) changed = changedLinesSince(root, values['changed-since']);
    },
  });
  bar?.end();
  if (io.env.PRODCHECK_DEBUG_CACHE) io.stderr.write(`prodcheck: cache ${JSON.stringify(scanned.stats)}\n`);

  if (baselining) {
    writeOutput(values.output ?? '', renderBaseline(createBaseline(scanned.report)));
    io.stderr.write(`prodcheck: recorded ${scanned.report.findings.length} findings in ${values.output}\n`);
    return 0;
  }
  // The filters come between the scan and the reporters: the baseline first (so that entries in
  // files the change did not touch are not taken for fixed), then the changed lines.
  let report = scanned.report;
  if (baseline) report = applyBaseline(report, baseline);
  if (changed) report = filterToChanged(report, changed, { ruleOf: scanned.ruleOf });
  const base = baseReport ? compareScore(report, baseReport).base : undefined;

  const text = render(format as Format, report, { io, root, color, quiet, source: scanned.source, changed, base, rules: scanned.rules, ruleOf: scanned.ruleOf });
  const exitCode = gate(report, failOnFlag ?? scanned.thresholds.failOn, minScoreFlag ?? scanned.thresholds.minScore);
  if (commenting) {
    await postComment(io, text);
    return exitCode;
  }
  if (values.output !== undefined) writeOutput(values.output, text);
  else io.stdout.write(text);
  return exitCode;
}

function writeOutput(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new UsageError(`cannot write --output ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Posts or updates the pull-request comment; a refusal is one line on stderr and never changes the exit code. */
async function postComment(io: CliIO, body: string): Promise<void> {
  try {
    await postPullRequestComment({ body, env: io.env, log: (line) => io.stderr.write(`prodcheck: ${line}\n`) });
  } catch (err) {
    if (!(err instanceof BotError)) throw err;
    io.stderr.write(`prodcheck: ${err.message}\n`);
  }
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  try {
    return await run(argv, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`prodcheck: ${err.message}\n`);
      return 2;
    }
    const stack = err instanceof Error ? err.stack : undefined;
    io.stderr.write(`prodcheck: internal error: ${failureMessage(err)}\n${io.env.PRODCHECK_DEBUG ? `${stack ?? ''}\n` : '(set PRODCHECK_DEBUG=1 for a stack trace, and please report it)\n'}`);
    return 2;
  }
}
