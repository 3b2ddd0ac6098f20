// The shapes every stage of the pipe agrees on: rules, findings, facts and the report.
// Nothing here computes; each stage imports the types it consumes and produces.
import type { ts } from 'ts-morph';
import type { ProjectFacts } from '../project/facts.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export type Category =
  | 'resilience'
  | 'scalability'
  | 'observability'
  | 'security'
  | 'architecture'
  | 'operations';
export const CATEGORIES: readonly Category[] = [
  'resilience',
  'scalability',
  'observability',
  'security',
  'architecture',
  'operations',
];

/** What a file is for; a file can have several roles (a test of a CLI script). */
export type FileRole = 'server' | 'test' | 'cli' | 'browser' | 'config';

export interface DocExample {
  /** Code shown in the docs; every example is run through the rule by a test. */
  code: string;
  /** File name the example is checked as (decides TS/JS and the file's role). Default `example.ts`. */
  filename?: string;
}

export interface RuleDocs {
  /** One line: what the rule catches. */
  description: string;
  /** A paragraph: the production failure it prevents. */
  why: string;
  /** How to fix a finding. */
  fix: string;
  /** Each invalid example yields at least one finding; each valid example yields none. */
  examples: { invalid: DocExample[]; valid: DocExample[] };
  /** What the rule counts as a checked place, for "3 of 40 …" (plural noun phrase). */
  sites: string;
}

/** A replacement of the text between two offsets of the file. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface Suggestion {
  messageId: string;
  data?: Record<string, string | number>;
  edits: TextEdit[];
}

/** One step of a data flow (the injection rules): where, and what happens to the value. */
export interface TraceStep {
  /** POSIX path relative to the scanned root. */
  file: string;
  line: number;
  what: string;
}

export interface ReportDescriptor {
  /** The node the finding points at (start after trivia, end of node). */
  node?: ts.Node;
  /** Or an explicit range of offsets. */
  range?: { start: number; end: number };
  messageId: string;
  data?: Record<string, string | number>;
  fix?: TextEdit[];
  suggest?: Suggestion[];
  /** A data-flow rule's steps from the source to the sink. */
  trace?: TraceStep[];
}

/** A finding as a rule produced it, before suppressions, scoring and formatting. */
export interface RawFinding {
  ruleId: string;
  messageId: string;
  data?: Record<string, string | number>;
  message: string;
  /** Offsets into the file's text (BOM removed). */
  start: number;
  end: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The enclosing symbol (`OrdersService.create`, `createOrder`; '' at module level), for the fingerprint. */
  symbol?: string;
  fix?: TextEdit[];
  suggest?: Array<Suggestion & { message: string }>;
  trace?: TraceStep[];
}

/** The node kinds a rule can subscribe to, and the node type its listener receives. */
export interface NodeKinds {
  SourceFile: ts.SourceFile;
  CallExpression: ts.CallExpression;
  NewExpression: ts.NewExpression;
  ExpressionStatement: ts.ExpressionStatement;
  PropertyAccessExpression: ts.PropertyAccessExpression;
  ElementAccessExpression: ts.ElementAccessExpression;
  BinaryExpression: ts.BinaryExpression;
  Identifier: ts.Identifier;
  VariableDeclaration: ts.VariableDeclaration;
  FunctionDeclaration: ts.FunctionDeclaration;
  FunctionExpression: ts.FunctionExpression;
  ArrowFunction: ts.ArrowFunction;
  MethodDeclaration: ts.MethodDeclaration;
  ClassDeclaration: ts.ClassDeclaration;
  ImportDeclaration: ts.ImportDeclaration;
  CatchClause: ts.CatchClause;
  TryStatement: ts.TryStatement;
  AwaitExpression: ts.AwaitExpression;
  ReturnStatement: ts.ReturnStatement;
  ObjectLiteralExpression: ts.ObjectLiteralExpression;
  PropertyAssignment: ts.PropertyAssignment;
  TemplateExpression: ts.TemplateExpression;
  StringLiteral: ts.StringLiteral;
  NoSubstitutionTemplateLiteral: ts.NoSubstitutionTemplateLiteral;
  PropertyDeclaration: ts.PropertyDeclaration;
  Decorator: ts.Decorator;
  ThrowStatement: ts.ThrowStatement;
  PrefixUnaryExpression: ts.PrefixUnaryExpression;
  PostfixUnaryExpression: ts.PostfixUnaryExpression;
  DeleteExpression: ts.DeleteExpression;
}
export type NodeKindName = keyof NodeKinds;

export type Listeners = {
  [K in NodeKindName]?: (node: NodeKinds[K]) => void;
} & {
  [K in NodeKindName as `${K}:exit`]?: (node: NodeKinds[K]) => void;
};

/** JSON schema (draft-04 subset that ESLint accepts) for a rule's options object. */
export type OptionsSchema = Record<string, unknown>;

interface RuleBase<Options> {
  id: string;
  category: Category;
  severity: Severity;
  docs: RuleDocs;
  /** Message templates; `{{name}}` is replaced with `data.name`. */
  messages: Record<string, string>;
  /** Options with their defaults; a user's options are merged over these. */
  defaultOptions: Options;
  /** JSON schema of the options object. */
  optionsSchema?: OptionsSchema;
  /** The rule can offer automatic fixes (only behaviour-preserving ones). */
  fixable?: boolean;
  /** The rule offers suggestions (edits a person applies knowingly). */
  hasSuggestions?: boolean;
  /** High-confidence rules are in the ESLint plugin's `recommended` config. */
  recommended: boolean;
  /** CWE ids of the weakness the rule catches (SARIF tags `external/cwe/cwe-<n>`). */
  cwe?: readonly number[];
  /**
   * A project rule judged once for the whole repository (lockfile, CI, committed files), not per
   * workspace package of a monorepo.
   */
  repository?: boolean;
  /**
   * The rule's findings point at secrets: the scan masks the text of their ranges (src/core/secrets.ts)
   * in the source it hands to reporters for code frames and in fingerprints, so no output quotes them.
   */
  reportsSecrets?: boolean;
}

export interface FileRule<Options = Record<string, unknown>> extends RuleBase<Options> {
  scope: 'file';
  create(context: RuleContext<Options>): Listeners;
}

export interface ProjectRuleContext<Options> {
  facts: ProjectFacts;
  options: Options;
  report(d: { file: string; line?: number; column?: number; messageId: string; data?: Record<string, string | number> }): void;
  countSite(n?: number): void;
}

export interface ProjectRule<Options = Record<string, unknown>> extends RuleBase<Options> {
  scope: 'project';
  check(context: ProjectRuleContext<Options>): void;
}

// Rules are stored heterogeneously; options are validated against the schema at config load.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = FileRule<any> | ProjectRule<any>;

/** What a rule learns about the file it checks. */
export interface FileInfo {
  /** Absolute path. */
  path: string;
  /** POSIX path relative to the scanned root. */
  relPath: string;
  sourceFile: ts.SourceFile;
  text: string;
  roles: ReadonlySet<FileRole>;
  /**
   * The file's import specifiers as its module facts resolved them (a scan's files; not the ESLint
   * plugin's, whose text may be newer than its facts): the helpers take these rather than ask the
   * project facts, and a scan checks a file again whenever its module facts are built again.
   */
  resolutions?: ReadonlyMap<string, string | null>;
}

/** Where a name or a member chain comes from, as far as one file can tell. */
export type Reference =
  /** A module's export: `axios.get` → { module: 'axios', path: ['get'] } (default and namespace imports are the module itself). */
  | { kind: 'module'; module: string; path: string[]; resolved: string | null }
  /** A global: `fetch(...)`, `process.on` → { name: 'process', path: ['on'] }. */
  | { kind: 'global'; name: string; path: string[] }
  /** A local declaration (variable, parameter, function, class) and the members read from it. */
  | { kind: 'local'; declaration: ts.Declaration; name: string; path: string[] };

/** What the TypeScript checker knows about a file (`--types`, see src/core/type-info.ts). */
export interface TypeInfo {
  /** The call's value is a promise or another thenable: true; known not to be one: false; its type is `any` or unknown: undefined. */
  returnsPromise(call: ts.CallExpression | ts.NewExpression): boolean | undefined;
}

export interface RuleContext<Options = Record<string, unknown>> {
  readonly ruleId: string;
  readonly options: Options;
  readonly file: FileInfo;
  readonly project: ProjectFacts;
  readonly helpers: import('./helpers.js').Helpers;
  /** Set only with `--types`, and only for files the tsconfig's program contains; otherwise rules use what they know without types. */
  readonly types?: TypeInfo;
  report(descriptor: ReportDescriptor): void;
  /** Count one checked place for the score's denominator ("3 of 40 calls"). */
  countSite(node?: ts.Node): void;
}

/** A finding in the report (JSON schema 1). */
export interface Finding {
  ruleId: string;
  category: Category;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  fingerprint: string;
  /** The weakness the rule catches, for security rules that declare one (`CWE-798`; additive to schema 1). */
  cwe?: string;
  /** A data-flow finding's steps from the request input to the sink (additive to schema 1). */
  trace?: TraceStep[];
}

export interface ReportError {
  file: string;
  message: string;
}

export interface RuleSummary {
  id: string;
  category: Category;
  severity: Severity;
  sites: number;
  violations: number;
}

export interface CategoryScore {
  score: number | null;
  findings: number;
}

export interface FixFirst {
  ruleId: string;
  findings: number;
  /** Points the overall score would gain if every finding of the rule were fixed. */
  gain: number;
}

export interface PackageScore {
  /** The package's name from its package.json (its path when it has none). */
  name: string;
  /** POSIX path from the repository root ('' for the root package). */
  path: string;
  score: number | null;
}

export interface Report {
  schemaVersion: 1;
  tool: { name: 'prodcheck'; version: string };
  score: {
    overall: number | null;
    grade: 'A' | 'B' | 'C' | 'D' | 'F' | null;
    categories: Record<Category, CategoryScore>;
  };
  summary: { files: number; findings: number; bySeverity: Record<Severity, number> };
  rules: RuleSummary[];
  findings: Finding[];
  errors: ReportError[];
  /** The few rules whose fixing raises the overall score most (additive to schema 1). */
  fixFirst: FixFirst[];
  /**
   * Set by the changed-lines filter (`--changed-since`; additive to schema 1): `findings` and
   * `summary` are restricted to changed lines, `score`, `rules` and `fixFirst` stay whole-repository.
   */
  changed?: { files: number; lines: number; findingsHidden: number };
  /** Set by the baseline filter (`--baseline`; additive to schema 1): findings hidden, and baseline entries fixed since. */
  baseline?: { hidden: number; fixed: number };
  /** A monorepo's packages, each scored on its own findings and sites (additive to schema 1; absent without workspaces). */
  packages?: PackageScore[];
}
