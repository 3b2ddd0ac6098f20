// The ESLint plugin: each file-scope prodcheck rule as an ESLint rule. A thin shell: it re-parses
// the file's text with prodcheck's own TypeScript once per lint (shared by every prodcheck rule
// enabled for that file), runs the same engine the CLI runs, and hands the findings to ESLint.
// It therefore works under any ESLint parser (espree, typescript-eslint).
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ESLintUtils, type TSESLint } from '@typescript-eslint/utils';
import { rules as registry } from '../../rules/index.js';
import { checkFile, merge, type ActiveRule } from '../core/engine.js';
import { parseText } from '../core/parse.js';
import { DOCS_BASE_URL, docsPath } from '../core/rule.js';
import type { FileInfo, FileRule, RawFinding, Severity } from '../core/types.js';
import { workspaceRootAbove } from '../project/workspaces.js';
import { projectFactsFor } from './project-cache.js';
import { VERSION } from '../version.js';

type AnyFileRule = FileRule<Record<string, unknown>>;
const fileRules = registry.filter((r): r is AnyFileRule => r.scope === 'file');
const knownIds = new Set(registry.map((r) => r.id));

/**
 * The project a file belongs to: `settings.prodcheck.root`, else the monorepo holding its nearest
 * package.json (a directory above that declares workspaces), else that nearest package.json's
 * directory, else ESLint's cwd when the file is inside it, else the file's own directory.
 */
function projectRoot(filename: string, settingsRoot: unknown, cwd: string): string {
  if (typeof settingsRoot === 'string') return resolve(cwd, settingsRoot);
  for (let dir = dirname(filename); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return workspaceRootAbove(dir) ?? dir;
    if (dirname(dir) === dir) break;
  }
  return filename.startsWith(cwd + sep) ? cwd : dirname(filename);
}

// ---- one engine run per linted file, shared by all prodcheck rules enabled for it ----

interface PendingRun {
  active: ActiveRule[];
  result: Map<string, RawFinding[]> | null;
}
const runs = new WeakMap<object, PendingRun>();

function findingsFor(context: Readonly<TSESLint.RuleContext<string, unknown[]>>, sourceCode: object): Map<string, RawFinding[]> {
  const run = runs.get(sourceCode);
  if (!run) return new Map();
  if (run.result) return run.result;
  const filename = resolve(context.cwd, context.filename);
  const settings = (context.settings as { prodcheck?: { root?: unknown } }).prodcheck;
  const root = projectRoot(filename, settings?.root, context.cwd);
  const parsed = parseText(filename, context.sourceCode.text);
  const result = new Map<string, RawFinding[]>();
  run.result = result;
  if (parsed.problem) return result; // ESLint's own parser accepted it; ours did not, or it is nested too deep to analyse: stay silent.
  const { facts: project, module } = projectFactsFor(root, { path: filename, text: parsed.text, sourceFile: parsed.sourceFile });
  let relPath = relative(root, filename).split(sep).join('/');
  if (relPath.startsWith('..')) relPath = filename.split(sep).join('/');
  const file: FileInfo = { path: filename, relPath, sourceFile: parsed.sourceFile, text: parsed.text, roles: project.rolesOf(filename, relPath, module.roleEvidence) };
  // In a monorepo the file is checked with its own package's facts, as the CLI does.
  for (const f of checkFile(file, project.packageView(project.packageOf(filename)), run.active, knownIds).findings) {
    const list = result.get(f.ruleId) ?? [];
    list.push(f);
    result.set(f.ruleId, list);
  }
  return result;
}

// ---- the ESLint rules ----

const createRule = ESLintUtils.RuleCreator((name) => `${DOCS_BASE_URL}${docsPath(name)}`);

/** A prodcheck file rule as an ESLint rule (exported for tests). */
export function toEslintRule(rule: AnyFileRule): TSESLint.RuleModule<string, [Record<string, unknown>]> {
  return createRule<[Record<string, unknown>], string>({
    name: rule.id,
    meta: {
      type: rule.category === 'security' || rule.severity === 'critical' || rule.severity === 'high' ? 'problem' : 'suggestion',
      docs: { description: rule.docs.description },
      messages: rule.messages,
      schema: [(rule.optionsSchema ?? { type: 'object', properties: {}, additionalProperties: false }) as never],
      ...(rule.fixable ? { fixable: 'code' as const } : {}),
      ...(rule.hasSuggestions ? { hasSuggestions: true } : {}),
      defaultOptions: [rule.defaultOptions],
    },
    create(context) {
      const sourceCode = context.sourceCode;
      let run = runs.get(sourceCode);
      if (!run) {
        run = { active: [], result: null };
        runs.set(sourceCode, run);
      }
      const options = merge(rule.defaultOptions, (context.options[0] ?? undefined) as Record<string, unknown> | undefined);
      run.active.push({ rule, severity: rule.severity, options });
      return {
        'Program:exit'() {
          const findings = findingsFor(context as never, sourceCode).get(rule.id) ?? [];
          for (const f of findings) {
            context.report({
              loc: { start: { line: f.line, column: f.column - 1 }, end: { line: f.endLine, column: f.endColumn - 1 } },
              messageId: f.messageId,
              ...(f.data ? { data: f.data } : {}),
              ...(f.fix ? { fix: (fixer) => f.fix!.map((e) => fixer.replaceTextRange([e.start, e.end], e.text)) } : {}),
              ...(f.suggest
                ? {
                    suggest: f.suggest.map((s) => ({
                      messageId: s.messageId,
                      ...(s.data ? { data: s.data } : {}),
                      fix: (fixer: TSESLint.RuleFixer) => s.edits.map((e) => fixer.replaceTextRange([e.start, e.end], e.text)),
                    })),
                  }
                : {}),
            });
          }
        },
      };
    },
  });
}

const eslintRules: Record<string, TSESLint.RuleModule<string, [Record<string, unknown>]>> = {};
for (const rule of fileRules) eslintRules[rule.id] = toEslintRule(rule);

function eslintLevel(severity: Severity): 'error' | 'warn' {
  return severity === 'critical' || severity === 'high' ? 'error' : 'warn';
}

type RuleLevel = 'error' | 'warn';
/** A flat config object, as ESLint 9 and 10 take it. */
export interface PluginConfig {
  name: string;
  plugins: { prodcheck: ProdcheckPlugin };
  rules: Record<string, RuleLevel>;
}
/**
 * A rule as the published types show it: intentionally wide (like typescript-eslint's "compatible"
 * types), so that the plugin is assignable to ESLint 9's and ESLint 10's own `ESLint.Plugin` and its
 * configs to their `Linter.Config` in a typed eslint.config.ts, whichever major is installed.
 */
export interface CompatibleRule {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  meta?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  create(context: any): any;
}
export interface ProdcheckPlugin {
  meta: { name: string; version: string; namespace: string };
  rules: Record<string, CompatibleRule>;
  configs: { recommended: PluginConfig; strict: PluginConfig };
}

// Like eslint-plugin-n's flat configs, these carry no `files`: they apply to every file the user's
// config lints (.js/.mjs/.cjs by default, .ts once a block with `files: ['**/*.ts']` sets a parser).
// Unlike n's (Node globals, sourceType) and typescript-eslint's `base` (its parser), they carry no
// `languageOptions`: the rules parse the text with prodcheck's own TypeScript and read neither
// ESLint's globals nor its scope analysis. (typescript-eslint's `files` globs are only on the block
// that switches off core rules for TypeScript files.)
function flatConfig(name: string, chosen: readonly AnyFileRule[]): PluginConfig {
  return {
    name: `prodcheck/${name}`,
    plugins: { prodcheck: plugin },
    rules: Object.fromEntries(chosen.map((r) => [`prodcheck/${r.id}`, eslintLevel(r.severity)])),
  };
}

const plugin = {
  meta: { name: 'prodcheck', version: VERSION, namespace: 'prodcheck' },
  rules: eslintRules,
  configs: {},
} as ProdcheckPlugin;

/** `recommended`: the high-confidence file rules; `strict`: every file rule. critical/high → error, else warn. */
plugin.configs = {
  recommended: flatConfig('recommended', fileRules.filter((r) => r.recommended)),
  strict: flatConfig('strict', fileRules),
};

/** The ids of the rules the editor shows (file scope); project-scope rules are CLI-only. */
export const eslintRuleIds: readonly string[] = fileRules.map((r) => r.id);

export default plugin;
