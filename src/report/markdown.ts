// The Markdown of a sticky pull-request comment: a hidden marker the bot finds its comment by,
// the score with its change against the base, the categories, the findings on the lines the pull
// request changed (linked to those lines), the rest folded away, and the fixes worth most.
// A GitHub comment holds 65,536 characters: past the cap, the lowest-ranked findings are left out
// and the comment says how many.
import type { AnyRule, Finding, Report, Severity } from '../core/types.js';
import { CATEGORIES } from '../core/types.js';
import type { ChangedLines } from './changed.js';
import { rankFindings, type RankedFinding } from './ranking.js';
import { docsUrl } from './rule-docs.js';
import { fixFirstScope, messageParts, plural } from './wording.js';

export const MARKDOWN_MARKER = '<!-- prodcheck-report -->';

/** Where the scanned commit lives on GitHub, for links to a finding's line. */
export interface GithubLink {
  serverUrl: string;
  repository: string;
  sha: string;
}

export interface MarkdownOptions {
  ruleOf: (id: string) => AnyRule | undefined;
  /** Lines the pull request changed; without it every finding is listed, ranked, with no split. */
  changed?: ChangedLines;
  /** The base branch's report, for the score's change. */
  base?: { overall: number | null };
  /** Without it, places are plain `file:line`. */
  link?: GithubLink;
  /** Characters the comment may take (GitHub's limit is 65,536). */
  maxLength?: number;
}

/**
 * The link target from the Actions environment: `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`, and the
 * pull request's head SHA from the event payload (`GITHUB_EVENT_PATH`, parsed by the caller) —
 * on `pull_request` events `GITHUB_SHA` is a temporary merge commit — else `GITHUB_SHA`.
 */
export function githubLinkFromEnv(env: Readonly<Record<string, string | undefined>>, event?: unknown): GithubLink | undefined {
  const serverUrl = env.GITHUB_SERVER_URL?.replace(/\/+$/, '');
  const repository = env.GITHUB_REPOSITORY;
  const head = (event as { pull_request?: { head?: { sha?: unknown } } } | undefined)?.pull_request?.head?.sha;
  const sha = typeof head === 'string' && head !== '' ? head : env.GITHUB_SHA;
  if (!serverUrl || !/^https?:\/\//.test(serverUrl) || !repository || !/^[^/\s]+\/[^/\s]+$/.test(repository) || !sha) return undefined;
  return { serverUrl, repository, sha };
}

/** `{server}/{repo}/blob/{sha}/{file}#L{line}`, each path segment percent-encoded. */
export function lineUrl(link: GithubLink, file: string, line: number): string {
  const path = file
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/\(/g, '%28').replace(/\)/g, '%29'))
    .join('/');
  return `${link.serverUrl}/${link.repository}/blob/${link.sha}/${path}${line > 0 ? `#L${line}` : ''}`;
}

/** A code span that survives any backticks inside it. */
export function code(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

function escapeText(s: string): string {
  return s
    .replace(/[\\*_[\]~`#$]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * A message as inline Markdown: its backtick code spans are kept (rules write code that way);
 * everything else is escaped so it cannot become emphasis, a link or HTML. In a table cell `|`
 * is escaped too, inside code spans included (GFM splits cells before it reads code spans).
 */
export function inlineMarkdown(message: string, inTable = false): string {
  const out = messageParts(message.replace(/\r?\n/g, ' '))
    .map((p) => (p.code ? p.raw : escapeText(p.text)))
    .join('');
  return inTable ? out.replace(/\|/g, '\\|') : out;
}

const SEVERITY_ICON: Record<Severity, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🔵' };


/** `▲ +3`, `▼ −2`, `±0`; empty when either score is unknown. */
export function scoreDelta(overall: number | null, base: number | null | undefined): string {
  if (overall === null || base === null || base === undefined) return '';
  const d = Math.round((overall - base) * 10) / 10;
  if (d > 0) return `▲ +${d}`;
  if (d < 0) return `▼ −${-d}`;
  return '±0';
}

// A rule's docs link is a reference (`[`id`]`, defined once at the end): repeated on every finding
// the full URL would take a quarter of the comment's size budget.
function ruleRef(ruleId: string, options: MarkdownOptions): string {
  return options.ruleOf(ruleId) ? `[${code(ruleId)}]` : code(ruleId);
}

function ruleLinkDefinitions(ruleIds: Iterable<string>, options: MarkdownOptions): string[] {
  const known = [...new Set(ruleIds)].filter((id) => options.ruleOf(id)).sort();
  return known.length === 0 ? [] : [...known.map((id) => `[${code(id)}]: ${docsUrl(id)}`), ''];
}

function place(f: Finding, label: string, options: MarkdownOptions): string {
  return options.link ? `[${code(label)}](${lineUrl(options.link, f.file, f.line)})` : code(label);
}

function fileLine(f: Finding): string {
  return f.line > 0 ? `${f.file}:${f.line}` : f.file;
}

/** A finding as a list item; `inFile` when it sits under its file's heading. */
function item(f: Finding, options: MarkdownOptions, inFile: boolean): string {
  const where = inFile ? place(f, f.line > 0 ? `${f.line}:${f.column}` : 'file', options) : place(f, fileLine(f), options);
  return `- ${SEVERITY_ICON[f.severity]} **${f.severity}** ${where} ${inlineMarkdown(f.message)} · ${ruleRef(f.ruleId, options)}`;
}

function header(report: Report, options: MarkdownOptions): string[] {
  const { overall, grade } = report.score;
  const delta = scoreDelta(overall, options.base?.overall);
  const title = overall === null ? '## prodcheck: nothing to score (no applicable checks)' : `## prodcheck: ${overall}/100 (${grade})${delta ? ` ${delta}` : ''}`;
  const { bySeverity } = report.summary;
  const counts = (['critical', 'high', 'medium', 'low'] as const).filter((s) => bySeverity[s] > 0).map((s) => `${bySeverity[s]} ${s}`);
  const findings = report.findings.length === 0 ? 'no findings' : `${plural(report.findings.length, 'finding')} (${counts.join(', ')})`;
  const baseNote = delta ? ` · base ${options.base?.overall}/100` : '';
  const lines = [MARKDOWN_MARKER, title, '', `${plural(report.summary.files, 'file')} · ${findings}${baseNote}`, ''];
  lines.push('| category | score | findings |', '|---|---:|---:|');
  for (const category of CATEGORIES) {
    const { score, findings: n } = report.score.categories[category];
    lines.push(`| ${category} | ${score === null ? 'n/a' : score} | ${n} |`);
  }
  lines.push('');
  if (report.errors.length > 0) {
    lines.push(`⚠️ ${plural(report.errors.length, 'file')} could not be analysed (the scan went on; the JSON report names them).`, '');
  }
  return lines;
}

function fixFirst(report: Report, options: MarkdownOptions): string[] {
  if (report.fixFirst.length === 0) return [];
  const lines = ['### Fix these first', '', '| gain | rule | findings |', '|---:|---|---|'];
  for (const f of report.fixFirst) {
    const rule = options.ruleOf(f.ruleId);
    const what = fixFirstScope(report, f, rule);
    lines.push(`| +${f.gain} | ${ruleRef(f.ruleId, options)} | ${inlineMarkdown(what, true)} |`);
  }
  lines.push('');
  return lines;
}

function byFile(findings: readonly Finding[], options: MarkdownOptions): string[] {
  const sorted = [...findings].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  const lines: string[] = [];
  let current: string | undefined;
  for (const f of sorted) {
    if (f.file !== current) {
      if (current !== undefined) lines.push('');
      current = f.file;
      lines.push(`**${code(f.file)}**`, '');
    }
    lines.push(item(f, options, true));
  }
  return lines;
}

/** The comment with the `kept` highest-ranked findings. */
function render(report: Report, ranked: readonly RankedFinding[], kept: number, options: MarkdownOptions): string {
  const shown = ranked.slice(0, kept);
  const out = header(report, options);
  if (options.changed === undefined) {
    if (shown.length > 0) {
      out.push(`### Findings (${ranked.length})`, '', ...shown.map((r) => item(r.finding, options, false)), '');
    }
  } else {
    const onChanged = shown.filter((r) => r.changed);
    const total = ranked.filter((r) => r.changed).length;
    out.push(`### New on changed lines (${total})`, '');
    out.push(...(total === 0 ? ['None of the findings is on a line this pull request changed.'] : onChanged.map((r) => item(r.finding, options, false))), '');
    const others = shown.filter((r) => !r.changed).map((r) => r.finding);
    const othersTotal = ranked.length - total;
    if (othersTotal > 0 && others.length > 0) {
      out.push('<details>', `<summary>${othersTotal} other finding${othersTotal === 1 ? '' : 's'}</summary>`, '', ...byFile(others, options), '', '</details>', '');
    }
  }
  out.push(...fixFirst(report, options));
  const leftOut = ranked.length - kept;
  if (leftOut > 0) {
    out.push(`_${plural(leftOut, 'lower-ranked finding')} left out to fit GitHub's comment size limit; the JSON and SARIF reports have them all._`, '');
  }
  out.push(...ruleLinkDefinitions([...shown.map((r) => r.finding.ruleId), ...report.fixFirst.map((f) => f.ruleId)], options));
  out.push(`<sub>prodcheck v${report.tool.version} · every finding: \`prodcheck --format json\`</sub>`);
  return `${out.join('\n')}\n`;
}

export function renderMarkdown(report: Report, options: MarkdownOptions): string {
  const maxLength = options.maxLength ?? 60_000;
  const ranked = rankFindings(report.findings, options.changed);
  const full = render(report, ranked, ranked.length, options);
  if (full.length <= maxLength) return full;
  // The length grows with the findings kept (give or take the digits of the "left out" count):
  // search for the most that fit, then step down until they really do.
  let lo = 0;
  let hi = ranked.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (render(report, ranked, mid, options).length <= maxLength) lo = mid;
    else hi = mid - 1;
  }
  let text = render(report, ranked, lo, options);
  while (lo > 0 && text.length > maxLength) text = render(report, ranked, --lo, options);
  return text;
}
