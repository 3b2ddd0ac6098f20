// SARIF 2.1.0 for GitHub code scanning: one run whose driver describes every rule (docs, default
// level, tags, `security-severity` for security rules) and one result per finding, located by a
// relative URI under %SRCROOT%. Code scanning keeps an alert across commits by
// `partialFingerprints.primaryLocationLineHash`; its own value hashes the lines around the finding
// and breaks when code above moves, so ours (rule, file, enclosing symbol, code) is given instead.
// Scan errors become tool notifications; the score rides along in the run's properties.
import { DOCS_BASE_URL } from '../core/rule.js';
import type { AnyRule, Finding, Report, Severity } from '../core/types.js';
import { docsUrl } from './rule-docs.js';

export type SarifLevel = 'error' | 'warning' | 'note';

export interface SarifOptions {
  /** Every registered rule (the registry of rules/index.ts): the driver lists them all. */
  rules: readonly AnyRule[];
  /**
   * The scanned directory relative to the repository root (POSIX, e.g. `services/orders`), when
   * prodcheck scans a subdirectory: code scanning resolves result paths from the repository root.
   */
  uriPrefix?: string;
  /**
   * Told apart from other prodcheck analyses of the same repository (one per scanned directory of
   * a monorepo): `runs[0].automationDetails.id` becomes `prodcheck/<category>/`. An id in the
   * file takes precedence over the upload action's `category` input.
   */
  category?: string;
}

export const SARIF_SCHEMA_URL = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json';
const SRCROOT = '%SRCROOT%';

const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.0', high: '7.0', medium: '5.0', low: '3.0' };

export function sarifLevel(severity: Severity): SarifLevel {
  if (severity === 'critical' || severity === 'high') return 'error';
  return severity === 'medium' ? 'warning' : 'note';
}

/** `require-http-timeout` → `RequireHttpTimeout` (SARIF's `reportingDescriptor.name`). */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** A report path as a URI reference: each segment percent-encoded, so spaces and `#` survive. */
export function artifactUri(file: string, prefix = ''): string {
  const path = prefix.replace(/^\.?\/+|\/+$/g, '');
  return [...(path ? path.split('/') : []), ...file.split('/')].map((s) => encodeURIComponent(s)).join('/');
}

function ruleDescriptor(rule: AnyRule) {
  const url = docsUrl(rule.id);
  const tags = [rule.category, 'production-readiness', ...(rule.cwe ?? []).map((n) => `external/cwe/cwe-${n}`)];
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.docs.description },
    fullDescription: { text: rule.docs.why },
    help: {
      text: `${rule.docs.fix}\n\nDocumentation: ${url}`,
      markdown: `${rule.docs.fix}\n\n[Documentation of \`${rule.id}\`](${url})`,
    },
    helpUri: url,
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    properties: {
      tags,
      precision: rule.recommended ? 'high' : 'medium',
      ...(rule.category === 'security' ? { 'security-severity': SECURITY_SEVERITY[rule.severity] } : {}),
    },
  };
}

function region(f: Finding) {
  // A zero-width place (a project finding pointing at a line) stands for its whole line, and a
  // finding without a line for the first: code scanning needs a region to show a result.
  if (f.line < 1) return { startLine: 1 };
  if (f.endLine < f.line || (f.endLine === f.line && f.endColumn <= f.column)) return { startLine: f.line };
  return { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn };
}

function artifactLocation(file: string, prefix: string | undefined) {
  return { uri: artifactUri(file, prefix), uriBaseId: SRCROOT };
}

function result(f: Finding, ruleIndex: Map<string, number>, prefix: string | undefined) {
  const index = ruleIndex.get(f.ruleId);
  return {
    ruleId: f.ruleId,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: sarifLevel(f.severity),
    message: { text: f.message },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(f.file, prefix), region: region(f) } }],
    // GitHub's own values read `<hash>:<n>`, n counting identical hashes in the file; ours are
    // already unique within a file.
    partialFingerprints: { primaryLocationLineHash: `${f.fingerprint}:1` },
    // A data-flow finding's steps, from the request input to the sink.
    ...(f.trace && f.trace.length > 0
      ? {
          codeFlows: [
            {
              threadFlows: [
                {
                  locations: f.trace.map((s) => ({
                    location: { physicalLocation: { artifactLocation: artifactLocation(s.file, prefix), region: { startLine: s.line } }, message: { text: s.what } },
                  })),
                },
              ],
            },
          ],
        }
      : {}),
  };
}

/** The SARIF log object. */
export function buildSarif(report: Report, options: SarifOptions) {
  const rules = [...options.rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const notifications = report.errors.map((e) => ({
    level: 'warning' as const,
    message: { text: e.file === '.' ? e.message : `${e.file}: ${e.message}` },
    ...(e.file === '.' ? {} : { locations: [{ physicalLocation: { artifactLocation: artifactLocation(e.file, options.uriPrefix) } }] }),
  }));
  const category = options.category?.replace(/^\/+|\/+$/g, '');
  return {
    $schema: SARIF_SCHEMA_URL,
    version: '2.1.0' as const,
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: `${DOCS_BASE_URL}README.md`,
            rules: rules.map(ruleDescriptor),
          },
        },
        automationDetails: { id: category ? `prodcheck/${category}/` : 'prodcheck/' },
        originalUriBaseIds: { [SRCROOT]: { description: { text: 'The root of the scanned project.' } } },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        columnKind: 'utf16CodeUnits' as const,
        results: report.findings.map((f) => result(f, ruleIndex, options.uriPrefix)),
        properties: { score: report.score },
      },
    ],
  };
}

export function renderSarif(report: Report, options: SarifOptions): string {
  return `${JSON.stringify(buildSarif(report, options), null, 2)}\n`;
}
