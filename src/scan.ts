// The pipe, end to end: discover → parse → project facts → rules → findings → score.
// Every stage is a function of the previous one's output; nothing reaches back.
import { statSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import picomatch from 'picomatch';
import { getRule, rules as registry } from '../rules/index.js';
import { UsageError } from './config/errors.js';
import { loadConfig } from './config/load.js';
import type { ResolvedConfig, RuleSetting } from './config/types.js';
import { readSources, type FileStamp } from './core/discover.js';
import { checkFile, merge, type ActiveRule } from './core/engine.js';
import { countBySeverity } from './core/findings.js';
import { fingerprints } from './core/fingerprint.js';
import { redactSources } from './core/secrets.js';
import { parseText } from './core/parse.js';
import { buildTypedProgram, readTypesConfig } from './core/type-info.js';
import type { ts } from 'ts-morph';
import type { AnyRule, FileInfo, FileRule, Finding, RawFinding, Report, ReportError, RuleSummary, Severity } from './core/types.js';
import { buildProjectFacts } from './project/facts.js';
import type { WorkspacePackage } from './project/workspaces.js';
import { scorePackages, scoreReport } from './score/score.js';
import { VERSION } from './version.js';

export interface ScanOptions {
  /** The directory to scan. */
  root: string;
  /** The configuration; when omitted, it is loaded from the root (prodcheck.config.json or package.json). */
  config?: ResolvedConfig;
  /**
   * Use the TypeScript type checker where rules can (slower; needs a tsconfig.json at the root and
   * the project's installed dependencies): one program from the root's tsconfig.json.
   */
  types?: boolean;
  /** Worker threads for parsing and checking (default 1). */
  jobs?: number;
  onProgress?: (progress: { done: number; total: number }) => void;
}

export interface ScanResult {
  report: Report;
  /** The text of a scanned file by its report path, for code frames. */
  source(relPath: string): string | undefined;
  /** Every discovered source file (POSIX, relative, sorted) with what it was when read: the cache's record of the inputs. */
  stamps: ReadonlyMap<string, FileStamp | null>;
  /** Secret ranges masked in `source` (see ../core/secrets.ts `redactSources`), for a cached report's code frames. */
  redactions: ReadonlyArray<{ file: string; start: number; end: number }>;
}

interface Enabled {
  rule: AnyRule;
  severity: Severity;
  options: Record<string, unknown>;
}

function applySetting(rule: AnyRule, setting: RuleSetting | undefined, base: Enabled | null): Enabled | null {
  if (setting === undefined) return base;
  if (setting === 'off') return null;
  return { rule, severity: setting.severity, options: merge(rule.defaultOptions as Record<string, unknown>, setting.options) };
}

/** The rules enabled for one file: defaults, then the config's rules, then matching overrides. */
function rulesFor(relPath: string | null, config: ResolvedConfig, overrideMatchers: Array<(p: string) => boolean>): Enabled[] {
  const out: Enabled[] = [];
  for (const rule of registry) {
    let enabled: Enabled | null = { rule, severity: rule.severity, options: rule.defaultOptions as Record<string, unknown> };
    enabled = applySetting(rule, config.rules[rule.id], enabled);
    if (relPath !== null) {
      config.overrides.forEach((o: ResolvedConfig['overrides'][number], i: number) => {
        if (overrideMatchers[i]?.(relPath)) {
          const base = enabled ?? { rule, severity: rule.severity, options: rule.defaultOptions as Record<string, unknown> };
          enabled = o.rules[rule.id] === undefined ? enabled : applySetting(rule, o.rules[rule.id], base);
        }
      });
    }
    if (enabled) out.push(enabled);
  }
  return out;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function scanWithSources(options: ScanOptions): Promise<ScanResult> {
  const root = resolve(options.root);
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    throw new UsageError(`path not found: ${options.root}`);
  }
  if (!isDir) throw new UsageError(`not a directory: ${options.root} (prodcheck scans a project directory)`);
  const config = options.config ?? loadConfig({ root });
  const overrideMatchers = config.overrides.map((o) => picomatch(o.files, { dot: true }));
  // Read before the parse, so that a missing or broken tsconfig.json fails fast.
  const typesConfig = options.types ? readTypesConfig(root) : undefined;

  const read = readSources(root, config.ignores, (done, n) => {
    options.onProgress?.({ done: Math.floor(done / 4), total: n });
  });
  const { relPaths, sources } = read;
  const errors: ReportError[] = [...read.errors];
  const parsed: Array<{ path: string; relPath: string; sourceFile: ts.SourceFile; text: string }> = [];
  let done = relPaths.length / 4;
  for (const [relPath, text] of sources) {
    const path = join(root, relPath);
    const result = parseText(path, text);
    if (result.syntaxError) errors.push({ file: relPath, message: `syntax error at ${result.syntaxError}` });
    else parsed.push({ path, relPath, sourceFile: result.sourceFile, text: result.text });
    done += 0.25;
    options.onProgress?.({ done: Math.floor(done), total: relPaths.length });
  }
  done = relPaths.length / 2;

  const typed = typesConfig && buildTypedProgram(typesConfig, new Map(parsed.map((p) => [p.path.replace(/\\/g, '/'), p.sourceFile])));
  for (const problem of typesConfig?.problems ?? []) errors.push({ file: 'tsconfig.json', message: problem });

  const facts = buildProjectFacts({ root, files: parsed, ignores: config.ignores });
  errors.push(...facts.errors);
  const knownIds = new Set(registry.map((r) => r.id));
  const raw: Array<{ finding: RawFinding; file: string; severity: Severity }> = [];
  const sites = new Map<string, number>();
  /** Sites per package path, for the packages' own scores in a monorepo. */
  const packageSites = new Map<string, Map<string, number>>();
  const addSites = (ruleId: string, n: number, pkg: WorkspacePackage) => {
    sites.set(ruleId, (sites.get(ruleId) ?? 0) + n);
    const own = packageSites.get(pkg.path) ?? new Map<string, number>();
    own.set(ruleId, (own.get(ruleId) ?? 0) + n);
    packageSites.set(pkg.path, own);
  };

  for (const p of parsed) {
    const enabled = rulesFor(p.relPath, config, overrideMatchers);
    const fileRules: ActiveRule[] = enabled.filter((e): e is Enabled & { rule: FileRule<Record<string, unknown>> } => e.rule.scope === 'file') as ActiveRule[];
    const info: FileInfo = { path: p.path, relPath: p.relPath, sourceFile: p.sourceFile, text: p.text, roles: facts.roles(p.path) };
    // In a monorepo each file is checked with its own package's facts (dependencies, entry points).
    const pkg = facts.packageOf(p.path);
    if (!packageSites.has(pkg.path)) packageSites.set(pkg.path, new Map());
    const result = checkFile(info, facts.packageView(pkg), fileRules, knownIds, typed?.forFile(p.sourceFile));
    const severityOf = new Map(fileRules.map((r) => [r.rule.id, r.severity]));
    for (const f of result.findings) raw.push({ finding: f, file: p.relPath, severity: severityOf.get(f.ruleId) ?? 'low' });
    for (const [id, n] of result.sites) addSites(id, n, pkg);
    for (const problem of result.problems) errors.push({ file: p.relPath, message: problem });
    done += 0.5;
    options.onProgress?.({ done: Math.floor(done), total: relPaths.length });
  }

  // Project rules run once per package (service rules judge each workspace package), or once for
  // the repository when they say so or there are no workspaces.
  const projectEnabled = rulesFor(null, config, overrideMatchers).filter((e) => e.rule.scope === 'project');
  const rootPackage = facts.packages[0] as WorkspacePackage;
  for (const e of projectEnabled) {
    if (e.rule.scope !== 'project') continue;
    const rule = e.rule;
    const targets = rule.repository || facts.packages.length === 1 ? [rootPackage] : facts.packages;
    for (const pkg of targets) {
      const view = rule.repository ? facts : facts.packageView(pkg);
      try {
        rule.check({
          facts: view,
          options: e.options,
          countSite: (n = 1) => addSites(rule.id, n, pkg),
          report: (d) => {
            const template = rule.messages[d.messageId] ?? d.messageId;
            const message = template.replace(/\{\{\s*(\w+)\s*\}\}/g, (all, k: string) => (d.data && k in d.data ? String(d.data[k]) : all));
            const line = d.line ?? 1;
            const column = d.column ?? 1;
            // The rule names the file from its package's root; the report names it from the repository's.
            const file = view === facts || pkg.path === '' ? d.file : posix.join(pkg.path, d.file);
            raw.push({
              file,
              severity: e.severity,
              finding: { ruleId: rule.id, messageId: d.messageId, message, start: 0, end: 0, line, column, endLine: line, endColumn: column },
            });
          },
        });
      } catch (err) {
        errors.push({ file: pkg.path || '.', message: `rule ${rule.id} failed: ${(err as Error).message}` });
      }
    }
  }

  raw.sort(
    (a, b) =>
      compareStrings(a.file, b.file) ||
      a.finding.line - b.finding.line ||
      a.finding.column - b.finding.column ||
      compareStrings(a.finding.ruleId, b.finding.ruleId) ||
      compareStrings(a.finding.message, b.finding.message),
  );
  // A secret a rule found reaches no output: code frames and fingerprints read a masked copy.
  const redactions = raw.filter(({ finding }) => getRule(finding.ruleId)?.reportsSecrets).map(({ file, finding }) => ({ file, start: finding.start, end: finding.end }));
  const shown = redactSources(sources, redactions);
  const prints = fingerprints(
    raw.map(({ finding, file }) => ({
      ruleId: finding.ruleId,
      file,
      symbol: finding.symbol ?? '',
      // A project finding has no range: its message (which names the value involved) stands for its code.
      code: finding.end > finding.start ? (shown.get(file)?.slice(finding.start, finding.end) ?? finding.message) : finding.message,
    })),
  );
  const findings: Finding[] = raw.map(({ finding, file, severity }, i) => {
    const rule = getRule(finding.ruleId);
    const cwe = rule?.cwe?.[0];
    return {
      ruleId: finding.ruleId,
      category: rule?.category ?? 'resilience',
      severity,
      file,
      line: finding.line,
      column: finding.column,
      endLine: finding.endLine,
      endColumn: finding.endColumn,
      message: finding.message,
      fingerprint: prints[i] ?? '',
      ...(cwe === undefined ? {} : { cwe: `CWE-${cwe}` }),
    };
  });

  const violations = new Map<string, number>();
  for (const f of findings) violations.set(f.ruleId, (violations.get(f.ruleId) ?? 0) + 1);
  const ruleSummaries: RuleSummary[] = rulesFor(null, config, [])
    .map(({ rule, severity }) => {
      const v = violations.get(rule.id) ?? 0;
      return { id: rule.id, category: rule.category, severity, sites: Math.max(sites.get(rule.id) ?? 0, v), violations: v };
    })
    .sort((a, b) => compareStrings(a.id, b.id));
  // Findings of a rule turned on only by an override still count.
  for (const [id, v] of violations) {
    if (ruleSummaries.some((r) => r.id === id)) continue;
    const rule = getRule(id);
    if (rule) ruleSummaries.push({ id, category: rule.category, severity: rule.severity, sites: Math.max(sites.get(id) ?? 0, v), violations: v });
  }
  ruleSummaries.sort((a, b) => compareStrings(a.id, b.id));

  errors.sort((a, b) => compareStrings(a.file, b.file) || compareStrings(a.message, b.message));
  const bySeverity = countBySeverity(findings);
  const { score, fixFirst } = scoreReport(ruleSummaries, findings);
  const packages = facts.packages.length > 1 ? scorePackages(facts.packages, packageSites, findings, ruleSummaries, (file) => facts.packageOf(join(root, file))) : undefined;
  const report: Report = {
    schemaVersion: 1,
    tool: { name: 'prodcheck', version: VERSION },
    score,
    summary: { files: relPaths.length, findings: findings.length, bySeverity },
    rules: ruleSummaries,
    findings,
    errors,
    fixFirst,
    ...(packages ? { packages } : {}),
  };
  return { report, source: (relPath) => shown.get(relPath), stamps: read.stamps, redactions };
}

export async function scan(options: ScanOptions): Promise<Report> {
  return (await scanWithSources(options)).report;
}
