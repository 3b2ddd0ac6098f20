// The terminal report: score and grade, a line per category, findings grouped by file with a
// code frame and the rule's fix hint, then the fixes that would raise the score most.
// It only formats the finished report; every number comes from the report itself.
import { codeFrameColumns } from '@babel/code-frame';
import { createColors } from 'picocolors';
import type { AnyRule, Category, Finding, Report, Severity } from '../core/types.js';
import { CATEGORIES } from '../core/types.js';
import { fixFirstScope, plural } from './wording.js';

export interface PrettyOptions {
  color: boolean;
  /** Findings only: no code frames, fix hints or "fix these first". */
  quiet?: boolean;
  /** The text of a scanned file, for code frames. */
  source?: (file: string) => string | undefined;
  /** Rule metadata (fix hints, sites wording). */
  ruleOf: (id: string) => AnyRule | undefined;
}

type Colors = ReturnType<typeof createColors>;

function severityLabel(c: Colors, severity: Severity): string {
  const padded = severity.padEnd(8);
  if (severity === 'critical') return c.bold(c.red(padded));
  if (severity === 'high') return c.red(padded);
  if (severity === 'medium') return c.yellow(padded);
  return c.dim(padded);
}

function scoreColor(c: Colors, score: number | null): (s: string) => string {
  if (score === null) return c.dim;
  if (score >= 90) return c.green;
  if (score >= 70) return c.yellow;
  return c.red;
}

function bar(score: number | null, width = 20): string {
  if (score === null) return ' '.repeat(width);
  const filled = Math.round((score / 100) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}


function categoryLines(c: Colors, report: Report): string[] {
  const width = Math.max(...CATEGORIES.map((k) => k.length));
  return CATEGORIES.map((category: Category) => {
    const { score, findings } = report.score.categories[category];
    const color = scoreColor(c, score);
    const value = score === null ? c.dim('n/a') : color(String(score).padStart(3));
    const detail = score === null ? c.dim('no applicable checks') : findings === 0 ? c.dim('no findings') : plural(findings, 'finding');
    return `  ${category.padEnd(width)}  ${value}  ${color(bar(score))}  ${detail}`;
  });
}

/** A monorepo's packages, one line each: score and path. */
function packageLines(c: Colors, report: Report): string[] {
  if (!report.packages) return [];
  const width = Math.max(...report.packages.map((p) => p.name.length));
  return [
    c.bold('packages'),
    ...report.packages.map((p) => {
      const color = scoreColor(c, p.score);
      const value = p.score === null ? c.dim('n/a') : color(String(p.score).padStart(3));
      return `  ${p.name.padEnd(width)}  ${value}  ${c.dim(p.path === '' ? '(repository root)' : p.path)}`;
    }),
    '',
  ];
}

function frame(source: string, f: Finding, color: boolean): string {
  const end = f.endLine === f.line ? { line: f.endLine, column: f.endColumn } : undefined;
  return codeFrameColumns(source, { start: { line: f.line, column: f.column }, ...(end ? { end } : {}) }, { highlightCode: color, linesAbove: 1, linesBelow: 1 })
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

export function renderPretty(report: Report, options: PrettyOptions): string {
  const c = createColors(options.color);
  const out: string[] = [];
  const { overall, grade } = report.score;
  const files = plural(report.summary.files, 'file');
  if (overall === null) {
    out.push(`${c.bold('prodcheck')} ${c.dim(`v${report.tool.version}`)}  ${files}, nothing to score (no applicable checks)`);
  } else {
    const color = scoreColor(c, overall);
    out.push(`${c.bold('prodcheck')} ${c.dim(`v${report.tool.version}`)}  ${files}  score ${c.bold(color(`${overall}/100`))} ${c.bold(color(`(${grade})`))}`);
  }
  out.push('', ...categoryLines(c, report), '', ...packageLines(c, report));
  if (report.changed) {
    out.push(c.dim(`Findings on lines changed in ${plural(report.changed.files, 'file')} only (${report.changed.findingsHidden} elsewhere not shown); the score is for the whole repository.`), '');
  }
  if (report.baseline) {
    out.push(c.dim(`Baseline: ${report.baseline.hidden} known ${report.baseline.hidden === 1 ? 'finding' : 'findings'} hidden, ${report.baseline.fixed} fixed since it was recorded.`), '');
  }

  const byFile = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const own = byFile.get(f.file);
    if (own) own.push(f);
    else byFile.set(f.file, [f]);
  }
  const hinted = new Set<string>();
  for (const [file, findings] of byFile) {
    out.push(c.underline(file));
    const source = options.source?.(file);
    for (const f of findings) {
      out.push(`  ${c.dim(`${f.line}:${f.column}`.padEnd(8))}${severityLabel(c, f.severity)}  ${f.message}  ${c.dim(f.ruleId)}`);
      if (options.quiet) continue;
      if (source !== undefined && f.line > 0) out.push(frame(source, f, options.color));
      const rule = options.ruleOf(f.ruleId);
      if (rule && !hinted.has(f.ruleId)) {
        hinted.add(f.ruleId);
        out.push(`    ${c.cyan('fix:')} ${rule.docs.fix}`);
      }
    }
    out.push('');
  }

  if (report.errors.length > 0) {
    out.push(c.bold(`${plural(report.errors.length, 'file problem')} (the scan went on):`));
    for (const e of report.errors) out.push(`  ${e.file}  ${c.dim(e.message)}`);
    out.push('');
  }

  const { bySeverity } = report.summary;
  const counts = (['critical', 'high', 'medium', 'low'] as const).filter((s) => bySeverity[s] > 0).map((s) => `${bySeverity[s]} ${s}`);
  out.push(report.findings.length === 0 ? c.green('No findings.') : `${c.bold(plural(report.findings.length, 'finding'))} (${counts.join(', ')})`);

  if (!options.quiet && report.fixFirst.length > 0) {
    out.push('', c.bold('Fix these first:'));
    for (const f of report.fixFirst) {
      const rule = options.ruleOf(f.ruleId);
      const what = fixFirstScope(report, f, rule);
      out.push(`  ${c.green(`+${f.gain}`.padEnd(6))} ${f.ruleId}  ${c.dim(what)}`);
    }
  }
  return `${out.join('\n')}\n`;
}
