// The SARIF reporter: the example project's log checked against the official SARIF 2.1.0 JSON
// schema, the exact driver rule and result GitHub code scanning reads, absolute help URIs,
// notifications for scan errors, and byte-identical output across runs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { getRule, rules } from '../../rules/index.js';
import type { AnyRule, Report } from '../../src/core/types.js';
import { artifactUri, buildSarif, pascalCase, renderSarif, sarifLevel } from '../../src/report/sarif.js';
import { scan } from '../../src/scan.js';
import { FIXTURES, onlyRules, REPORTER_RULES } from '../support/fixtures.js';
import { findingMaker, reportOf } from '../support/reports.js';

// ajv-formats is CommonJS; under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * The SARIF 2.1.0 schema as Microsoft ships it (@microsoft/jest-sarif, `sarif-2.1.0-rtm.5.json`,
 * the content of the OASIS standard's schema). It is written in draft-04 and uses only keywords
 * that mean the same in draft-07 (no boolean `exclusiveMinimum`), so only its header is moved to
 * draft-07 for ajv 8; `uri`, `uri-reference` and `date-time` formats are checked by ajv-formats.
 */
function sarifValidator(): ValidateFunction {
  const path = createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const { id, $schema, ...schema } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  expect($schema).toBe('http://json-schema.org/draft-04/schema#');
  // Draft-04 patterns are not unicode regexps (rtm.5's language tag pattern has a lone `]`).
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile({ ...schema, $id: String(id), $schema: 'http://json-schema.org/draft-07/schema#' });
}

let compiled: ValidateFunction | undefined;
function validate(log: unknown): string[] {
  const check = (compiled ??= sarifValidator());
  return check(log) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe('SARIF of the example project fixtures/projects/orders-service', () => {
  let report: Report;
  let text: string;
  let log: ReturnType<typeof buildSarif>;
  beforeAll(async () => {
    report = await scan({ root: join(FIXTURES, 'projects', 'orders-service'), config: onlyRules(REPORTER_RULES) });
    text = renderSarif(report, { rules });
    log = JSON.parse(text) as ReturnType<typeof buildSarif>;
  });

  it('passes the official SARIF 2.1.0 JSON schema', () => {
    expect(validate(log)).toEqual([]);
  });

  it('fails the schema check where an upload would fail: a relative help URI, a misnamed run property', () => {
    const broken = structuredClone(log) as unknown as { runs: Array<Record<string, unknown> & { tool: { driver: { rules: Array<{ helpUri: string }> } } }> };
    const run = broken.runs[0]!;
    run.tool.driver.rules[0]!.helpUri = 'docs/rules/async-handler-errors.md';
    run.runAutomationDetails = run.automationDetails;
    expect(validate(broken)).toEqual(['/runs/0 must NOT have additional properties', '/runs/0/tool/driver/rules/0/helpUri must match format "uri"']);
  });

  it('is one run of prodcheck that lists every registered rule, sorted by id', () => {
    expect(log.$schema).toBe('https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect({ ...run.tool.driver, rules: run.tool.driver.rules.map((r) => r.id) }).toEqual({
      name: 'prodcheck',
      version: report.tool.version,
      semanticVersion: report.tool.version,
      informationUri: 'https://github.com/prodcheck/prodcheck/blob/main/README.md',
      rules: rules.map((r) => r.id).sort(),
    });
    expect(run.automationDetails).toEqual({ id: 'prodcheck/' });
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { description: { text: 'The root of the scanned project.' } } });
    expect(run.invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.properties).toEqual({ score: report.score });
  });

  it('describes a rule with its docs, default level, tags and precision', () => {
    const rule = getRule('require-http-timeout')!;
    const url = 'https://github.com/prodcheck/prodcheck/blob/main/docs/rules/require-http-timeout.md';
    expect(log.runs[0]!.tool.driver.rules.find((r) => r.id === 'require-http-timeout')).toEqual({
      id: 'require-http-timeout',
      name: 'RequireHttpTimeout',
      shortDescription: { text: 'Require a timeout (or abort signal) on every outbound HTTP call.' },
      fullDescription: { text: rule.docs.why },
      help: {
        text: `${rule.docs.fix}\n\nDocumentation: ${url}`,
        markdown: `${rule.docs.fix}\n\n[Documentation of \`require-http-timeout\`](${url})`,
      },
      helpUri: url,
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['resilience', 'production-readiness'], precision: 'high' },
    });
    expect(rule.docs.why.startsWith('axios, got, superagent, needle and node:http wait for a response forever')).toBe(true);
  });

  it('gives every rule an absolute https help URI', () => {
    for (const r of log.runs[0]!.tool.driver.rules) {
      const url = new URL(r.helpUri);
      expect(url.protocol).toBe('https:');
      expect(url.href).toBe(r.helpUri);
      expect(r.helpUri).toBe(`https://github.com/prodcheck/prodcheck/blob/main/docs/rules/${r.id}.md`);
    }
  });

  it('reports one result per finding, located under %SRCROOT% with our fingerprint', () => {
    const results = log.runs[0]!.results;
    expect(results).toHaveLength(report.findings.length);
    const finding = report.findings.find((f) => f.ruleId === 'require-http-timeout' && f.file === 'src/services/inventory.service.ts')!;
    expect(results.find((r) => r.locations[0]!.physicalLocation.artifactLocation.uri === 'src/services/inventory.service.ts')).toEqual({
      ruleId: 'require-http-timeout',
      ruleIndex: log.runs[0]!.tool.driver.rules.findIndex((r) => r.id === 'require-http-timeout'),
      level: 'error',
      message: { text: '`axios.get` has no timeout: pass `{ timeout }` or create the client with one' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'src/services/inventory.service.ts', uriBaseId: '%SRCROOT%' },
            region: { startLine: 14, startColumn: 26, endLine: 14, endColumn: 52 },
          },
        },
      ],
      partialFingerprints: { primaryLocationLineHash: '6e8053e0314ad9de:1' },
    });
    expect(finding.fingerprint).toBe('6e8053e0314ad9de');
    expect(results.map((r) => `${r.ruleId} ${r.level} ${log.runs[0]!.tool.driver.rules[r.ruleIndex!]!.id}`)).toEqual(
      report.findings.map((f) => `${f.ruleId} ${sarifLevel(f.severity)} ${f.ruleId}`),
    );
    expect(results.map((r) => r.partialFingerprints.primaryLocationLineHash)).toEqual(report.findings.map((f) => `${f.fingerprint}:1`));
  });

  it('is byte-identical across two runs', async () => {
    const again = renderSarif(await scan({ root: join(FIXTURES, 'projects', 'orders-service'), config: onlyRules(REPORTER_RULES) }), { rules });
    expect(again).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
  });
});

describe('SARIF details', () => {
  const finding = findingMaker({ ruleId: 'no-console-log', category: 'observability', severity: 'medium', column: 3, endColumn: 20, message: '`console.log` in server code' });

  it('maps severities to levels', () => {
    expect((['critical', 'high', 'medium', 'low'] as const).map(sarifLevel)).toEqual(['error', 'error', 'warning', 'note']);
    expect(pascalCase('no-in-memory-session')).toBe('NoInMemorySession');
  });

  it('adds security-severity to security rules and CWE tags where a rule declares them', () => {
    const base = getRule('no-console-log')!;
    const secret: AnyRule = { ...base, id: 'no-hardcoded-secret', category: 'security', severity: 'critical', recommended: false, cwe: [798] };
    const lowSecurity: AnyRule = { ...base, id: 'prefer-helmet', category: 'security', severity: 'low' };
    const log = buildSarif(reportOf([], { overall: 100, grade: 'A' }, 1), { rules: [secret, lowSecurity, base] });
    expect(log.runs[0]!.tool.driver.rules.map((r) => [r.id, r.defaultConfiguration.level, r.properties])).toEqual([
      ['no-console-log', 'warning', { tags: ['observability', 'production-readiness'], precision: 'high' }],
      ['no-hardcoded-secret', 'error', { tags: ['security', 'production-readiness', 'external/cwe/cwe-798'], precision: 'medium', 'security-severity': '9.0' }],
      ['prefer-helmet', 'note', { tags: ['security', 'production-readiness'], precision: 'high', 'security-severity': '3.0' }],
    ]);
    expect(validate(log)).toEqual([]);
  });

  it('turns scan errors into warning notifications and keeps the run successful', () => {
    const report = reportOf([], { overall: 100, grade: 'A' }, 2);
    report.errors = [
      { file: '.', message: 'rule require-dockerfile failed: boom' },
      { file: 'src/broken.ts', message: 'syntax error at 1:14 Variable declaration expected.' },
    ];
    const log = buildSarif(report, { rules });
    expect(log.runs[0]!.invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          { level: 'warning', message: { text: 'rule require-dockerfile failed: boom' } },
          {
            level: 'warning',
            message: { text: 'src/broken.ts: syntax error at 1:14 Variable declaration expected.' },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'src/broken.ts', uriBaseId: '%SRCROOT%' } } }],
          },
        ],
      },
    ]);
    expect(validate(log)).toEqual([]);
  });

  it('encodes paths as URI references, prefixes a scanned subdirectory, and names the category', () => {
    const report = reportOf(
      [finding({ file: 'src/my jobs/#1.ts', line: 4 }), finding({ file: 'package.json', line: 7, column: 1, endColumn: 1 }), finding({ file: 'Dockerfile', line: 0, column: 0, endColumn: 0 })],
      { overall: 90, grade: 'A' },
      3,
    );
    const log = buildSarif(report, { rules, uriPrefix: 'services/orders/', category: 'orders' });
    expect(log.runs[0]!.automationDetails).toEqual({ id: 'prodcheck/orders/' });
    expect(log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation)).toEqual([
      { artifactLocation: { uri: 'services/orders/src/my%20jobs/%231.ts', uriBaseId: '%SRCROOT%' }, region: { startLine: 4, startColumn: 3, endLine: 4, endColumn: 20 } },
      // A project finding's zero-width place stands for its whole line; without a line, the first.
      { artifactLocation: { uri: 'services/orders/package.json', uriBaseId: '%SRCROOT%' }, region: { startLine: 7 } },
      { artifactLocation: { uri: 'services/orders/Dockerfile', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } },
    ]);
    expect(artifactUri('src/app.ts', './')).toBe('src/app.ts');
    expect(validate(log)).toEqual([]);
  });
});
