// The HTML report: one self-contained file a person opens from a CI artifact. The score as a
// gauge, a bar per category, the fixes worth most, then the findings by file with a code frame,
// the rule's fix hint and a link to its docs, filterable by category and severity in the page.
// The file loads nothing: styles and the filter script are inline, the gauge is inline SVG, and a
// Content-Security-Policy forbids every network load, so the report is safe to open offline and
// a scanned repository's text (messages quote its code) can neither inject markup nor run script.
import { createHash } from 'node:crypto';
import type { AnyRule, Category, Finding, Report, Severity } from '../core/types.js';
import { CATEGORIES, SEVERITIES } from '../core/types.js';
import { docsUrl } from './rule-docs.js';
import { fixFirstScope, messageParts, plural } from './wording.js';

export interface HtmlOptions {
  /** Rule metadata: fix hints, the sites wording, and whether a docs page exists. */
  ruleOf: (id: string) => AnyRule | undefined;
  /** The text of a scanned file by its report path, for code frames. */
  source?: (file: string) => string | undefined;
  /** Shown in the footer as given; without it the output depends only on the report. */
  generatedAt?: string;
}

/** Lines of code shown above and below a finding's line. */
const FRAME_CONTEXT = 2;

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Text as HTML where backtick code spans (rules quote code that way) become `<code>`; everything
 * is escaped. An unmatched run of backticks stays text.
 */
export function inlineHtml(text: string): string {
  return messageParts(text)
    .map((p) => (p.code ? `<code>${escapeHtml(p.text)}</code>` : escapeHtml(p.text)))
    .join('');
}


function level(score: number | null): 'none' | 'good' | 'warn' | 'bad' {
  if (score === null) return 'none';
  return score >= 90 ? 'good' : score >= 70 ? 'warn' : 'bad';
}

function place(f: Finding): string {
  return f.line > 0 ? `${f.file}:${f.line}:${f.column}` : f.file;
}

function ruleLink(ruleId: string, options: HtmlOptions): string {
  // Only a registered rule has a docs page; an unknown id from a report must not make a URL.
  return options.ruleOf(ruleId) ? `<a class="rule" href="${escapeHtml(docsUrl(ruleId))}">${escapeHtml(ruleId)}</a>` : `<code class="rule">${escapeHtml(ruleId)}</code>`;
}

function gauge(report: Report): string {
  const { overall, grade } = report.score;
  const r = 52;
  const length = 2 * Math.PI * r;
  const filled = overall === null ? 0 : (length * Math.max(0, Math.min(100, overall))) / 100;
  const label = overall === null ? 'No score: no applicable checks' : `Score ${overall} of 100, grade ${grade}`;
  return [
    `<svg class="gauge ${level(overall)}" viewBox="0 0 128 128" width="152" height="152" role="img" aria-label="${escapeHtml(label)}">`,
    `<circle class="track" cx="64" cy="64" r="${r}" />`,
    filled > 0 ? `<circle class="arc" cx="64" cy="64" r="${r}" stroke-dasharray="${filled.toFixed(2)} ${length.toFixed(2)}" transform="rotate(-90 64 64)" />` : '',
    `<text class="value" x="64" y="64" text-anchor="middle">${overall === null ? 'n/a' : overall}</text>`,
    `<text class="grade" x="64" y="90" text-anchor="middle">${overall === null ? 'no score' : `grade ${grade}`}</text>`,
    '</svg>',
  ].join('');
}

function categoryRows(report: Report): string {
  const rows = CATEGORIES.map((category: Category) => {
    const { score, findings } = report.score.categories[category];
    const value = score === null ? 'n/a' : String(score);
    const detail = score === null ? 'no applicable checks' : findings === 0 ? 'no findings' : plural(findings, 'finding');
    const width = score === null ? 0 : Math.max(0, Math.min(100, score));
    return (
      `<tr class="category ${level(score)}" data-category="${category}"><th scope="row">${category}</th>` +
      `<td class="bar-cell"><div class="bar" aria-hidden="true">${score === null ? '' : `<div class="fill" style="width:${width}%"></div>`}</div></td>` +
      `<td class="score">${value}</td><td class="detail">${detail}</td></tr>`
    );
  });
  return `<table class="categories"><caption>Categories</caption><tbody>${rows.join('')}</tbody></table>`;
}

function notes(report: Report): string {
  const out: string[] = [];
  if (report.changed) {
    const c = report.changed;
    out.push(`Findings on lines changed in ${plural(c.files, 'file')} only (${c.findingsHidden} elsewhere not shown); the score is for the whole repository.`);
  }
  if (report.baseline) {
    const b = report.baseline;
    out.push(`Baseline: ${b.hidden} known ${b.hidden === 1 ? 'finding' : 'findings'} hidden, ${b.fixed} fixed since it was recorded.`);
  }
  return out.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
}

function fixFirst(report: Report, options: HtmlOptions): string {
  if (report.fixFirst.length === 0) return '';
  const rows = report.fixFirst.map((f) => {
    const rule = options.ruleOf(f.ruleId);
    const what = fixFirstScope(report, f, rule);
    return `<tr><td class="gain">+${f.gain}</td><td>${ruleLink(f.ruleId, options)}</td><td>${escapeHtml(what)}</td></tr>`;
  });
  return (
    '<section class="fix-first" aria-labelledby="fix-first-title"><h2 id="fix-first-title">Fix these first</h2>' +
    '<table><thead><tr><th scope="col">score gain</th><th scope="col">rule</th><th scope="col">findings</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></section>`
  );
}

/** The finding's line and a few around it; the finding's line marked and its columns highlighted. */
export function codeFrame(source: string, f: Finding): string {
  const lines = source.split(/\r?\n|\r/);
  if (f.line < 1 || f.line > lines.length) return '';
  const first = Math.max(1, f.line - FRAME_CONTEXT);
  const last = Math.min(lines.length, f.line + FRAME_CONTEXT);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = lines[n - 1] ?? '';
    const gutter = `<span class="ln" aria-hidden="true">${n === f.line ? '&gt;' : ' '} ${String(n).padStart(width)} │</span> `;
    if (n !== f.line) {
      out.push(`<span class="line" data-line="${n}">${gutter}${escapeHtml(text)}</span>`);
      continue;
    }
    const start = Math.min(Math.max(f.column - 1, 0), text.length);
    const end = f.endLine === f.line ? Math.min(Math.max(f.endColumn - 1, start), text.length) : text.length;
    const code = end > start ? `${escapeHtml(text.slice(0, start))}<mark>${escapeHtml(text.slice(start, end))}</mark>${escapeHtml(text.slice(end))}` : escapeHtml(text);
    out.push(`<span class="line marked" data-line="${n}">${gutter}${code}</span>`);
  }
  return `<pre class="frame" aria-label="code around line ${f.line}"><code>${out.join('')}</code></pre>`;
}

function findingHtml(f: Finding, index: number, source: string | undefined, options: HtmlOptions): string {
  const rule = options.ruleOf(f.ruleId);
  const frame = source === undefined ? '' : codeFrame(source, f);
  const fix = rule ? `<p class="fix"><strong>Fix:</strong> ${inlineHtml(rule.docs.fix)}</p>` : '';
  return (
    `<li class="finding" id="finding-${index + 1}" data-severity="${escapeHtml(f.severity)}" data-category="${escapeHtml(f.category)}" data-place="${escapeHtml(place(f))}">` +
    `<div class="head"><span class="sev sev-${escapeHtml(f.severity)}">${escapeHtml(f.severity)}</span> ` +
    `<a class="place" href="#finding-${index + 1}">${escapeHtml(place(f))}</a> ` +
    `<span class="meta">${ruleLink(f.ruleId, options)} · ${escapeHtml(f.category)}</span></div>` +
    `<p class="message">${inlineHtml(f.message)}</p>${frame}${fix}</li>`
  );
}

function findingsSection(report: Report, options: HtmlOptions): string {
  const total = report.findings.length;
  const head = `<h2 id="findings-title">Findings</h2>`;
  if (total === 0) return `<section class="findings" aria-labelledby="findings-title">${head}<p class="empty">No findings.</p></section>`;
  const byFile = new Map<string, Array<{ f: Finding; i: number }>>();
  report.findings.forEach((f, i) => {
    const own = byFile.get(f.file);
    if (own) own.push({ f, i });
    else byFile.set(f.file, [{ f, i }]);
  });
  const groups = [...byFile].map(([file, items]) => {
    const source = options.source?.(file);
    return (
      `<section class="file" data-file="${escapeHtml(file)}"><h3>${escapeHtml(file)} <span class="count">${plural(items.length, 'finding')}</span></h3>` +
      `<ol class="finding-list">${items.map(({ f, i }) => findingHtml(f, i, source, options)).join('')}</ol></section>`
    );
  });
  return `<section class="findings" aria-labelledby="findings-title">${head}${filters(report)}<p id="shown" aria-live="polite">${plural(total, 'finding')}</p>${groups.join('')}</section>`;
}

function checkbox(name: string, value: string, count: number): string {
  return `<label class="${name}-${value}"><input type="checkbox" name="${name}" value="${value}"${count > 0 ? ' checked' : ' disabled'}> ${value} <span class="count">${count}</span></label>`;
}

// Hidden until the script runs: without script (a mail client, a strict viewer) the controls
// would do nothing, and every finding is shown anyway.
function filters(report: Report): string {
  const bySeverity = (s: Severity) => report.findings.filter((f) => f.severity === s).length;
  const byCategory = (c: Category) => report.findings.filter((f) => f.category === c).length;
  return (
    '<form id="filters" class="filters" hidden aria-label="Filter findings">' +
    `<fieldset><legend>Severity</legend>${SEVERITIES.map((s) => checkbox('severity', s, bySeverity(s))).join('')}</fieldset>` +
    `<fieldset><legend>Category</legend>${CATEGORIES.map((c) => checkbox('category', c, byCategory(c))).join('')}</fieldset>` +
    '</form>'
  );
}

function errorsSection(report: Report): string {
  if (report.errors.length === 0) return '';
  const rows = report.errors.map((e) => `<tr><td><code>${escapeHtml(e.file)}</code></td><td>${escapeHtml(e.message)}</td></tr>`);
  return (
    `<section class="errors" aria-labelledby="errors-title"><h2 id="errors-title">Scan errors (${report.errors.length})</h2>` +
    '<p>These files could not be analysed; the scan went on without them.</p>' +
    `<table><thead><tr><th scope="col">file</th><th scope="col">problem</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`
  );
}

const SCRIPT = `(() => {
  const form = document.getElementById('filters');
  const status = document.getElementById('shown');
  if (!form || !status) return;
  form.hidden = false;
  const findings = Array.from(document.querySelectorAll('.finding'));
  const files = Array.from(document.querySelectorAll('section.file'));
  const checked = (name) => new Set(Array.from(form.querySelectorAll('input[name="' + name + '"]:checked'), (i) => i.value));
  const update = () => {
    const severities = checked('severity');
    const categories = checked('category');
    let shown = 0;
    for (const f of findings) {
      f.hidden = !(severities.has(f.dataset.severity) && categories.has(f.dataset.category));
      if (!f.hidden) shown++;
    }
    for (const file of files) file.hidden = !file.querySelector('.finding:not([hidden])');
    status.textContent = 'Showing ' + shown + ' of ' + findings.length + ' findings';
  };
  form.addEventListener('change', update);
  update();
})();`;

// script-src by hash, not 'unsafe-inline': even markup that slipped past escaping could not run.
const SCRIPT_HASH = `sha256-${createHash('sha256').update(SCRIPT).digest('base64')}`;

export const HTML_CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src '${SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`;

const STYLE = `
:root { color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --panel: #f6f8fa; --border: #d1d9e0; --link: #0550ae;
  --code-bg: #eef1f4; --frame-bg: #f6f8fa; --marked-bg: #fff5cc; --mark: #ffd8a8; --track: #e1e6eb;
  --good: #1a7f37; --warn: #9a6700; --bad: #cf222e; --none: #8c959f;
  --critical-bg: #a40e26; --high-bg: #bc4c00; --medium-bg: #7d5e00; --low-bg: #0a5cb8; --badge-fg: #ffffff; }
@media (prefers-color-scheme: dark) { :root {
  --bg: #0d1117; --fg: #e6edf3; --muted: #9ea7b3; --panel: #161b22; --border: #3d444d; --link: #6cb6ff;
  --code-bg: #262c36; --frame-bg: #151b23; --marked-bg: #3a2e0a; --mark: #6e4a10; --track: #2f3742;
  --good: #3fb950; --warn: #d29922; --bad: #f85149; --none: #656c76;
  --critical-bg: #ff7b72; --high-bg: #ffa657; --medium-bg: #e3b341; --low-bg: #79c0ff; --badge-fg: #0d1117; } }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { background: var(--bg); }
body { margin: 0 auto; max-width: 1120px; padding: 24px 20px 48px; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
a { color: var(--link); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
:not(pre) > code { background: var(--code-bg); padding: 1px 4px; border-radius: 4px; overflow-wrap: anywhere; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 12px; } h3 { font-size: 15px; margin: 0; }
.sub, .note, .count, .detail, footer { color: var(--muted); }
.overview { display: flex; flex-wrap: wrap; gap: 24px 40px; align-items: center; margin-top: 16px; padding: 20px;
  background: var(--panel); border: 1px solid var(--border); border-radius: 8px; }
.gauge .track { fill: none; stroke: var(--track); stroke-width: 12; }
.gauge .arc { fill: none; stroke-width: 12; stroke-linecap: round; }
.gauge .value { font-size: 34px; font-weight: 700; fill: var(--fg); dominant-baseline: middle; }
.gauge .grade { font-size: 13px; fill: var(--muted); }
.good .arc, .good .fill { stroke: var(--good); background: var(--good); }
.warn .arc, .warn .fill { stroke: var(--warn); background: var(--warn); }
.bad .arc, .bad .fill { stroke: var(--bad); background: var(--bad); }
.totals { margin: 0; } .totals p { margin: 2px 0; }
.categories { flex: 1 1 440px; border-collapse: collapse; }
.categories caption { text-align: left; font-weight: 600; padding-bottom: 6px; }
.categories th, .categories td { padding: 4px 10px 4px 0; text-align: left; font-weight: normal; }
.categories .bar-cell { width: 45%; }
.bar { height: 10px; border-radius: 5px; background: var(--track); overflow: hidden; }
.bar .fill { height: 100%; min-width: 4px; }
.categories .none .bar { background: transparent; border: 1px dashed var(--border); }
.categories .score { text-align: right; font-variant-numeric: tabular-nums; font-weight: 700; min-width: 3ch; }
.categories .good .score { color: var(--good); } .categories .warn .score { color: var(--warn); } .categories .bad .score { color: var(--bad); }
.categories .none th, .categories .none .score { color: var(--muted); font-weight: normal; }
.categories .detail { white-space: nowrap; }
.bar { min-width: 64px; }
.fix-first a.rule { white-space: nowrap; }
@media (max-width: 640px) { .categories .detail { white-space: normal; } .categories .bar-cell { width: 30%; } }
table { border-collapse: collapse; }
.fix-first td, .fix-first th, .errors td, .errors th { padding: 6px 16px 6px 0; text-align: left; border-bottom: 1px solid var(--border); vertical-align: top; }
.fix-first .gain { color: var(--good); font-weight: 600; font-variant-numeric: tabular-nums; }
.filters { display: flex; flex-wrap: wrap; gap: 12px 24px; margin-bottom: 8px; }
.filters fieldset { border: 1px solid var(--border); border-radius: 8px; padding: 6px 12px 8px; margin: 0; }
.filters legend { padding: 0 4px; color: var(--muted); font-size: 13px; }
.filters label { margin-right: 14px; white-space: nowrap; }
.filters label:has(input:disabled) { color: var(--muted); }
section.file { margin: 16px 0 24px; }
section.file h3 { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; padding-bottom: 6px; border-bottom: 1px solid var(--border); overflow-wrap: anywhere; }
section.file h3 .count { font-family: system-ui, sans-serif; font-weight: normal; font-size: 13px; margin-left: 8px; }
.finding-list { list-style: none; padding: 0; margin: 0; }
.finding { padding: 12px 0 4px; border-bottom: 1px solid var(--border); }
.finding .head { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; }
.finding .place { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; overflow-wrap: anywhere; }
.finding .meta { color: var(--muted); font-size: 13px; }
.finding .message { margin: 6px 0; }
.finding .fix { margin: 6px 0 8px; color: var(--muted); }
.finding .fix strong { color: var(--fg); }
.sev { display: inline-block; min-width: 64px; text-align: center; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 700; color: var(--badge-fg); }
.sev-critical { background: var(--critical-bg); } .sev-high { background: var(--high-bg); }
.sev-medium { background: var(--medium-bg); } .sev-low { background: var(--low-bg); }
.frame { margin: 6px 0; padding: 8px 0; background: var(--frame-bg); border: 1px solid var(--border); border-radius: 6px; overflow-x: auto; tab-size: 4; }
.frame .line { display: block; padding: 0 12px; white-space: pre; }
.frame .ln { color: var(--muted); user-select: none; }
.frame .marked { background: var(--marked-bg); }
.frame .marked .ln { color: var(--fg); font-weight: 700; }
.frame mark { background: var(--mark); color: inherit; border-radius: 2px; }
footer { margin-top: 40px; font-size: 13px; }
`;

export function renderHtml(report: Report, options: HtmlOptions): string {
  const { overall, grade } = report.score;
  const title = overall === null ? 'prodcheck report: nothing to score' : `prodcheck report: ${overall}/100 (${grade})`;
  const { bySeverity } = report.summary;
  const counts = SEVERITIES.filter((s) => bySeverity[s] > 0).map((s) => `${bySeverity[s]} ${s}`);
  const findings = report.summary.findings === 0 ? 'no findings' : `${plural(report.summary.findings, 'finding')} (${counts.join(', ')})`;
  const scoreLine = overall === null ? 'Nothing to score: no applicable checks.' : `Score <strong class="overall">${overall}/100</strong>, grade <strong class="grade">${grade}</strong>`;
  const generated = options.generatedAt === undefined ? '' : ` · generated ${escapeHtml(options.generatedAt)}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<header><h1>prodcheck report</h1><p class="sub">prodcheck v${escapeHtml(report.tool.version)} · ${plural(report.summary.files, 'file')} scanned</p></header>`,
    '<main>',
    `<section class="overview" aria-label="Score">${gauge(report)}<div class="totals"><p>${scoreLine}</p><p>${escapeHtml(findings)}</p>` +
      `${report.errors.length > 0 ? `<p><a href="#errors-title">${plural(report.errors.length, 'scan error')}</a></p>` : ''}</div>${categoryRows(report)}</section>`,
    notes(report),
    fixFirst(report, options),
    findingsSection(report, options),
    errorsSection(report),
    '</main>',
    `<footer>prodcheck v${escapeHtml(report.tool.version)}${generated}</footer>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
