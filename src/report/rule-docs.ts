// A rule's documentation, rendered from the rule module itself: the Markdown page under
// docs/rules/, the README's rule table, and `prodcheck explain` in the terminal. The module is the
// single source, so the three cannot drift (a test regenerates the files and compares).
import { createColors } from 'picocolors';
import { DOCS_BASE_URL, docsPath } from '../core/rule.js';
import type { AnyRule } from '../core/types.js';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE_URL}${docsPath(ruleId)}`;
}

function language(filename: string | undefined): string {
  const name = filename ?? '';
  if (/(^|\/)(?:Dockerfile|Containerfile)(?:\.[\w.-]+)?$|\.[Dd]ockerfile$/.test(name)) return 'dockerfile';
  if (/\.json$/.test(name)) return 'json';
  if (/\.ya?ml$/.test(name)) return 'yaml';
  return /\.(?:[cm]?js|jsx)$/.test(name) ? 'js' : 'ts';
}

function optionsSection(rule: AnyRule): string[] {
  const schema = rule.optionsSchema as { properties?: Record<string, { description?: string }> } | undefined;
  const names = Object.keys(schema?.properties ?? {});
  if (names.length === 0) return ['## Options', '', 'This rule has no options.', ''];
  const lines = ['## Options', '', '| option | default | meaning |', '|---|---|---|'];
  for (const name of names) {
    const def = JSON.stringify((rule.defaultOptions as Record<string, unknown>)[name]);
    lines.push(`| \`${name}\` | \`${def}\` | ${schema?.properties?.[name]?.description ?? ''} |`);
  }
  lines.push('');
  return lines;
}

/** The Markdown page `docs/rules/<id>.md`. */
export function renderRuleMarkdown(rule: AnyRule): string {
  const lines = [
    `# ${rule.id}`,
    '',
    rule.docs.description,
    '',
    `- category: \`${rule.category}\``,
    `- default severity: \`${rule.severity}\``,
    `- scope: ${rule.scope === 'file' ? '`file` (CLI and ESLint plugin)' : '`project` (CLI only)'}`,
    `- sites counted for the score: ${rule.docs.sites}`,
    `- in the ESLint plugin's \`recommended\` config: ${rule.scope === 'file' && rule.recommended ? 'yes' : 'no'}`,
    '',
    '## Why',
    '',
    rule.docs.why,
    '',
    '## How to fix',
    '',
    rule.docs.fix,
    '',
    '## Examples',
    '',
  ];
  for (const [kind, mark] of [
    ['invalid', '❌'],
    ['valid', '✅'],
  ] as const) {
    for (const example of rule.docs.examples[kind]) {
      lines.push(`${mark} \`${example.filename ?? 'example.ts'}\``, '', `\`\`\`${language(example.filename)}`, example.code.trimEnd(), '```', '');
    }
  }
  lines.push(...optionsSection(rule));
  lines.push(
    '## Turning it off',
    '',
    'For one line: `// prodcheck-disable-next-line ' + rule.id + ' -- reason`. For the project, in `prodcheck.config.json`:',
    '',
    '```json',
    `{ "rules": { "${rule.id}": "off" } }`,
    '```',
    '',
  );
  return lines.join('\n');
}

/** The README's table of rules. */
export function renderRuleTable(rules: readonly AnyRule[]): string {
  const sorted = [...rules].sort((a, b) => a.category.localeCompare(b.category) || a.id.localeCompare(b.id));
  const lines = ['| rule | category | severity | scope | in ESLint `recommended` | what it catches |', '|---|---|---|---|---|---|'];
  for (const r of sorted) {
    const eslint = r.scope === 'file' ? (r.recommended ? 'yes' : 'no') : 'CLI only';
    lines.push(`| [\`${r.id}\`](${docsPath(r.id)}) | ${r.category} | ${r.severity} | ${r.scope} | ${eslint} | ${r.docs.description.replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n');
}

/** The README's list of the rules the ESLint plugin shows, by config, and of the CLI-only (project) rules. */
export function renderEditorRules(rules: readonly AnyRule[]): string {
  const sorted = [...rules].sort((a, b) => a.id.localeCompare(b.id));
  const file = sorted.filter((r) => r.scope === 'file');
  const project = sorted.filter((r) => r.scope === 'project');
  const level = (r: AnyRule) => (r.severity === 'critical' || r.severity === 'high' ? 'error' : 'warn');
  const link = (r: AnyRule) => `[\`${r.id}\`](${docsPath(r.id)})`;
  const lines = [
    `The editor shows the ${file.length} file rules, as \`prodcheck/<id>\`:`,
    '',
    '| rule | `configs.recommended` | `configs.strict` |',
    '|---|---|---|',
    ...file.map((r) => `| ${link(r)} | ${r.recommended ? level(r) : '–'} | ${level(r)} |`),
    '',
    `CLI only (project scope: decided from the whole repository, never shown in the editor): ${project.map(link).join(', ') || 'none'}.`,
  ];
  return lines.join('\n');
}

/** `prodcheck explain <id>`. */
export function renderExplain(rule: AnyRule, color: boolean): string {
  const c = createColors(color);
  const out = [
    `${c.bold(rule.id)}  ${c.dim(`${rule.category} · ${rule.severity} · ${rule.scope}`)}`,
    '',
    rule.docs.description,
    '',
    c.bold('Why'),
    rule.docs.why,
    '',
    c.bold('How to fix'),
    rule.docs.fix,
    '',
  ];
  for (const [kind, mark] of [
    ['invalid', c.red('✗ flagged')],
    ['valid', c.green('✓ not flagged')],
  ] as const) {
    for (const example of rule.docs.examples[kind]) {
      out.push(`${mark}  ${c.dim(example.filename ?? 'example.ts')}`, ...example.code.trimEnd().split('\n').map((l) => `    ${l}`), '');
    }
  }
  out.push(`Docs: ${docsUrl(rule.id)}`);
  return `${out.join('\n')}\n`;
}
