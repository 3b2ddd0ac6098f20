// GitHub Actions workflow commands: one `::error|warning|notice` annotation per finding, which the
// runner shows on the pull request's diff. The runner keeps at most 10 annotations of each level
// per step and 50 per job and silently drops the rest, so findings are ranked (changed lines
// first, then severity) and emitted within that budget; a plain closing line says what was left out.
import type { Finding, Report, Severity } from '../core/types.js';
import type { ChangedLines } from './changed.js';
import { rankFindings } from './ranking.js';
import { plural } from './wording.js';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface GithubOptions {
  /** Lines the pull request changed; their findings are annotated first. */
  changed?: ChangedLines;
  /** Annotations of one level the runner shows per step. */
  perLevel?: number;
  /** Annotations the runner shows per job. */
  perJob?: number;
}

export function annotationLevel(severity: Severity): AnnotationLevel {
  if (severity === 'critical' || severity === 'high') return 'error';
  if (severity === 'medium') return 'warning';
  return 'notice';
}

// The runner (actions/runner ActionCommand.cs) unescapes `%25` last, so `%` must be escaped first.
/** A command's message, after the second `::`. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value: `:` would end the property list and `,` would start the next property. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(level: AnnotationLevel, properties: Array<[string, string | number]>, message: string): string {
  const props = properties.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
  return `::${level}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

/** The annotation of one finding. */
export function annotation(f: Finding): string {
  const props: Array<[string, string | number]> = [['file', f.file]];
  if (f.line > 0) {
    props.push(['line', f.line], ['endLine', Math.max(f.endLine, f.line)]);
    // The runner accepts columns only on a single-line range.
    if (f.endLine <= f.line) props.push(['col', f.column], ['endColumn', f.endColumn]);
  }
  props.push(['title', `prodcheck ${f.ruleId} (${f.severity})`]);
  return command(annotationLevel(f.severity), props, f.message);
}


export function renderGithub(report: Report, options: GithubOptions = {}): string {
  const perLevel = options.perLevel ?? 10;
  const perJob = options.perJob ?? 50;
  const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  let total = 0;
  const lines: string[] = [];

  const { overall, grade } = report.score;
  const findings = plural(report.findings.length, 'finding');
  const scoreText = overall === null ? 'nothing to score (no applicable checks)' : `score ${overall}/100 (${grade})`;
  // The score notice goes first so it is never the annotation the runner drops; it takes a slot.
  if (perLevel > 0 && perJob > 0) {
    lines.push(command('notice', [['title', 'prodcheck']], `${scoreText}, ${findings}`));
    used.notice++;
    total++;
  }

  let leftOut = 0;
  for (const { finding } of rankFindings(report.findings, options.changed)) {
    const level = annotationLevel(finding.severity);
    if (used[level] >= perLevel || total >= perJob) {
      leftOut++;
      continue;
    }
    lines.push(annotation(finding));
    used[level]++;
    total++;
  }

  const annotated = report.findings.length - leftOut;
  let summary = `prodcheck: ${scoreText}, ${findings}`;
  if (report.findings.length > 0) summary += `, ${annotated} annotated`;
  if (leftOut > 0) {
    summary += `, ${leftOut} left out (the runner shows at most ${perLevel} annotations per level in a step and ${perJob} in a job); full report: --format json`;
  }
  lines.push(summary);
  return `${lines.join('\n')}\n`;
}
