// Rule factories: they only give a rule module its types, so that `create` sees its options.
import type { FileRule, ProjectRule } from './types.js';

export function defineFileRule<Options extends Record<string, unknown>>(rule: Omit<FileRule<Options>, 'scope'>): FileRule<Options> {
  return { ...rule, scope: 'file' };
}

export function defineProjectRule<Options extends Record<string, unknown>>(rule: Omit<ProjectRule<Options>, 'scope'>): ProjectRule<Options> {
  return { ...rule, scope: 'project' };
}

/** The docs page of a rule, relative to the repository root (ESLint's `meta.docs.url` builds on it). */
export function docsPath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}

export const DOCS_BASE_URL = 'https://github.com/prodcheck/prodcheck/blob/main/';
