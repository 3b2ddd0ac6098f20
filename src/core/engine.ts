// Running file rules on one parsed file: a single walk of the AST dispatches each node kind to
// the rules that subscribed to it, findings are located, suppressed by inline comments, and sites
// counted. The CLI's scan and the ESLint adapter both come through here.
import { failureMessage } from '../config/errors.js';
import { ts } from './typescript.js';
import { buildProjectFacts, type ProjectFacts } from '../project/facts.js';
import { enclosingSymbol } from './fingerprint.js';
import { createHelpers } from './helpers.js';
import { nodeOrder, parseText } from './parse.js';
import { parseSuppressions } from './suppressions.js';
import type { FileInfo, FileRule, Listeners, NodeKindName, RawFinding, ReportDescriptor, RuleContext, Severity, TypeInfo } from './types.js';

export interface ActiveRule {
  rule: FileRule<Record<string, unknown>>;
  severity: Severity;
  options: Record<string, unknown>;
}

export interface FileCheckResult {
  findings: RawFinding[];
  /** Rule id → sites counted in this file. */
  sites: Map<string, number>;
  /** Problems that are not findings: unknown ids in suppressions, a rule that crashed. */
  problems: string[];
}

export function formatMessage(template: string, data: Record<string, string | number> | undefined): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (all, key: string) => (data && key in data ? String(data[key]) : all));
}

type Handler = (node: ts.Node) => void;

/** A rule's listener in the dispatch table, with its rule's state (a rule that threw is not called again in this file). */
interface Listener {
  fn: Handler;
  rule: { id: string; crashed: boolean };
}

const kindCache = new Map<string, { kind: ts.SyntaxKind; exit: boolean }>();
function listenerKind(key: string): { kind: ts.SyntaxKind; exit: boolean } {
  let hit = kindCache.get(key);
  if (!hit) {
    const exit = key.endsWith(':exit');
    const name = (exit ? key.slice(0, -5) : key) as NodeKindName;
    const kind = (ts.SyntaxKind as unknown as Record<string, ts.SyntaxKind>)[name];
    if (kind === undefined) throw new Error(`unknown node kind in a rule listener: ${key}`);
    hit = { kind, exit };
    kindCache.set(key, hit);
  }
  return hit;
}

export function merge<T>(options: T, overrides: Record<string, unknown> | undefined): T {
  return overrides ? { ...options, ...overrides } : options;
}

export function checkFile(file: FileInfo, project: ProjectFacts, rules: readonly ActiveRule[], knownRuleIds: ReadonlySet<string>, types?: TypeInfo): FileCheckResult {
  const { sourceFile: sf } = file;
  const findings: RawFinding[] = [];
  const sites = new Map<string, number>();
  const problems: string[] = [];
  const helpers = createHelpers(file.path, project, file.resolutions);
  const enter: Listener[][] = [];
  const exit: Listener[][] = [];

  for (const active of rules) {
    const { rule } = active;
    const ruleId = rule.id;
    const context: RuleContext<Record<string, unknown>> = {
      ruleId,
      options: active.options,
      file,
      project,
      helpers,
      ...(types ? { types } : {}),
      report(d: ReportDescriptor) {
        findings.push(locate(sf, ruleId, rule.messages, d));
      },
      countSite() {
        sites.set(ruleId, (sites.get(ruleId) ?? 0) + 1);
      },
    };
    let listeners: Listeners;
    try {
      listeners = rule.create(context);
    } catch (err) {
      problems.push(`rule ${ruleId} failed: ${failureMessage(err)}`);
      continue;
    }
    const state = { id: ruleId, crashed: false };
    for (const [key, fn] of Object.entries(listeners)) {
      if (typeof fn !== 'function') continue;
      const { kind, exit: isExit } = listenerKind(key);
      const table = isExit ? exit : enter;
      (table[kind] ??= []).push({ fn: fn as Handler, rule: state });
    }
  }

  const call = (listeners: Listener[], node: ts.Node): void => {
    for (const { fn, rule } of listeners) {
      if (rule.crashed) continue;
      try {
        fn(node);
      } catch (err) {
        rule.crashed = true;
        const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
        problems.push(`rule ${rule.id} failed at ${line + 1}:${character + 1}: ${failureMessage(err)}`);
      }
    }
  };
  // Every node, parents first (as a recursive walk would call them): a node's exit listeners run
  // when the walk reaches the next node that is not below it (depth no greater than its own), inner
  // nodes first. Only nodes of a kind with exit listeners wait for that (rules listen to the exit of
  // a few kinds, `SourceFile` mostly). No rule listens in this file (a test file, say, which every
  // file rule leaves alone): no walk.
  if (enter.length > 0 || exit.length > 0) {
    const { nodes, depths } = nodeOrder(sf);
    const open: ts.Node[] = [];
    const openDepths: number[] = [];
    const closeTo = (depth: number) => {
      while (openDepths.length > 0 && (openDepths[openDepths.length - 1] as number) >= depth) {
        openDepths.pop();
        const node = open.pop() as ts.Node;
        call(exit[node.kind] as Listener[], node);
      }
    };
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as ts.Node;
      if (openDepths.length > 0 && (openDepths[openDepths.length - 1] as number) >= (depths[i] as number)) closeTo(depths[i] as number);
      if (exit[node.kind]) {
        open.push(node);
        openDepths.push(depths[i] as number);
      }
      const onEnter = enter[node.kind];
      if (onEnter) call(onEnter, node);
    }
    closeTo(0);
  }

  const suppressions = parseSuppressions(sf, knownRuleIds);
  problems.push(...suppressions.problems);
  const kept = findings.filter((f) => !suppressions.isSuppressed(f.ruleId, f.line));
  // A rule's violations never exceed its sites: a finding on an uncounted place counts as one.
  return { findings: kept, sites, problems };
}

function locate(sf: ts.SourceFile, ruleId: string, messages: Record<string, string>, d: ReportDescriptor): RawFinding {
  const start = d.node ? d.node.getStart(sf) : (d.range?.start ?? 0);
  const end = d.node ? d.node.end : (d.range?.end ?? start);
  const s = sf.getLineAndCharacterOfPosition(start);
  const e = sf.getLineAndCharacterOfPosition(end);
  const template = messages[d.messageId];
  if (template === undefined) throw new Error(`rule ${ruleId} reported unknown messageId "${d.messageId}"`);
  const finding: RawFinding = {
    ruleId,
    messageId: d.messageId,
    message: formatMessage(template, d.data),
    start,
    end,
    line: s.line + 1,
    column: s.character + 1,
    endLine: e.line + 1,
    endColumn: e.character + 1,
    symbol: enclosingSymbol(sf, d.node ?? start),
  };
  if (d.data) finding.data = d.data;
  if (d.fix) finding.fix = d.fix;
  if (d.trace) finding.trace = d.trace;
  if (d.suggest) {
    finding.suggest = d.suggest.map((sg) => {
      const t = messages[sg.messageId];
      if (t === undefined) throw new Error(`rule ${ruleId} suggested unknown messageId "${sg.messageId}"`);
      return { ...sg, message: formatMessage(t, sg.data) };
    });
  }
  return finding;
}

/**
 * Runs file rules on one in-memory file, with its own one-file project facts and default
 * options. For docs examples and quick checks; scans go through `scan()`.
 */
export function lintText(input: { text: string; filename: string; rules: readonly FileRule<Record<string, unknown>>[]; root?: string }): RawFinding[] {
  const root = input.root ?? '/virtual';
  const path = `${root}/${input.filename}`;
  const parsed = parseText(path, input.text);
  if (parsed.problem) throw new Error(`${input.filename}: ${parsed.problem}`);
  const project = buildProjectFacts({ root, files: [{ path, relPath: input.filename, sourceFile: parsed.sourceFile }], readDisk: false });
  const file: FileInfo = { path, relPath: input.filename, sourceFile: parsed.sourceFile, text: parsed.text, roles: project.roles(path) };
  const active = input.rules.map((rule) => ({ rule, severity: rule.severity, options: rule.defaultOptions }));
  return checkFile(file, project, active, new Set(input.rules.map((r) => r.id))).findings;
}
