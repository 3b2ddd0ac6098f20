// Monorepos: workspace packages from npm/yarn `workspaces` and pnpm-workspace.yaml, imports between
// them, each package's own dependencies and entry points, and a score per package.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/types.js';
import { scan } from '../../src/scan.js';
import { findWorkspaces, packageOfFile, type WorkspacePackage } from '../../src/project/workspaces.js';
import { buildProjectFacts } from '../../src/project/facts.js';
import { loadSources } from '../../src/core/discover.js';
import { rules } from '../../rules/index.js';
import { FIXTURES, writeProject } from '../support/fixtures.js';

const SHOP = join(FIXTURES, 'projects', 'shop-monorepo');

function only(...ids: string[]): ResolvedConfig {
  const off: ResolvedConfig['rules'] = {};
  for (const r of rules) if (!ids.includes(r.id)) off[r.id] = 'off';
  return { rules: off, ignores: [], overrides: [], thresholds: { minScore: null, failOn: null }, source: null };
}

describe('workspaces', () => {
  it('puts a file in the workspace package with the longest directory holding it, else in the root', () => {
    const pkg = (path: string, name = path): WorkspacePackage => ({ name, dir: path === '' ? '/repo' : `/repo/${path}`, path, packageJson: null });
    const packages = [pkg('', 'root'), pkg('packages/orders'), pkg('packages/orders/plugins/audit'), pkg('packages/orders-admin'), pkg('packages/billing', 'billing'), pkg('packages/billing', 'billing again')];
    const workspaces = { packages, errors: [] };
    const owner = (file: string) => packageOfFile(workspaces, file).name;
    expect(owner('/repo/packages/orders/src/orders.service.ts')).toBe('packages/orders');
    expect(owner('/repo/packages/orders/index.ts')).toBe('packages/orders');
    expect(owner('/repo/packages/orders/plugins/audit/src/audit.ts')).toBe('packages/orders/plugins/audit');
    expect(owner('/repo/packages/orders/plugins/other.ts')).toBe('packages/orders');
    // Not a prefix of another package's directory name.
    expect(owner('/repo/packages/orders-admin/src/admin.controller.ts')).toBe('packages/orders-admin');
    // Two packages in one directory: the first.
    expect(owner('/repo/packages/billing/src/invoice.ts')).toBe('billing');
    expect(owner('/repo/src/server.ts')).toBe('root');
    expect(owner('/repo/packages/README.ts')).toBe('root');
    expect(owner('/elsewhere/file.ts')).toBe('root');
  });

  it('reads npm/yarn workspaces (array and { packages } forms) and pnpm-workspace.yaml, negations included', () => {
    const npm = writeProject({
      'package.json': JSON.stringify({ name: 'root', workspaces: ['packages/*', '!packages/legacy'] }),
      'packages/api/package.json': '{ "name": "@acme/api" }',
      'packages/legacy/package.json': '{ "name": "@acme/legacy" }',
      'packages/docs/README.md': 'no package.json here',
    });
    expect(findWorkspaces(npm).packages.map((p) => `${p.name} ${p.path}`)).toEqual(['root ', '@acme/api packages/api']);
    const yarn = writeProject({
      'package.json': JSON.stringify({ name: 'root', workspaces: { packages: ['apps/*'] } }),
      'apps/web/package.json': '{}',
    });
    expect(findWorkspaces(yarn).packages.map((p) => `${p.name} ${p.path}`)).toEqual(['root ', 'apps/web apps/web']);
    const pnpm = writeProject({
      'package.json': '{ "name": "root" }',
      'pnpm-workspace.yaml': "packages:\n  - 'services/*'\n  - libs/**\n",
      'services/billing/package.json': '{ "name": "billing" }',
      'libs/money/core/package.json': '{ "name": "@acme/money" }',
    });
    expect(findWorkspaces(pnpm).packages.map((p) => `${p.name} ${p.path}`)).toEqual(['root ', '@acme/money libs/money/core', 'billing services/billing']);
    const broken = writeProject({ 'package.json': '{}', 'pnpm-workspace.yaml': 'packages: [a\n' });
    expect(findWorkspaces(broken).errors).toEqual([{ file: 'pnpm-workspace.yaml', message: expect.stringMatching(/^pnpm-workspace\.yaml is not valid YAML: /) }]);
  });

  it("resolves a package's own tsconfig paths for its files, the root's elsewhere", () => {
    const root = writeProject({
      'package.json': JSON.stringify({ name: 'root', workspaces: ['apps/*'] }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@/*': ['shared/*'] } } }),
      'shared/money.ts': 'export const cents = 100;\n',
      'apps/api/package.json': '{ "name": "api" }',
      'apps/api/tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@/*': ['src/*'] } } }),
      'apps/api/src/money.ts': 'export const cents = 1;\n',
      'apps/api/src/server.ts': "import { cents } from '@/money';\nexport { cents };\n",
      'tools/report.ts': "import { cents } from '@/money';\nexport { cents };\n",
    });
    const facts = buildProjectFacts({ root, files: loadSources(root, []).parsed });
    expect(facts.resolveImport(join(root, 'apps/api/src/server.ts'), '@/money')).toBe(join(root, 'apps/api/src/money.ts'));
    expect(facts.resolveImport(join(root, 'tools/report.ts'), '@/money')).toBe(join(root, 'shared/money.ts'));
  });

  it("resolves bare specifiers against each package's own baseUrl when their tsconfigs extend the root's paths", async () => {
    // Both packages inherit the root's `paths` (so their mappings share its base directory) and set a
    // baseUrl of their own: `lib/report` is each package's own file, whichever package asks first.
    const pkg = (reportBody: string) => ({
      'package.json': JSON.stringify({ name: 'svc', dependencies: { express: '^4.21.0' } }),
      'tsconfig.json': JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { baseUrl: './src' } }),
      'src/server.ts': "import express from 'express';\nimport { loadReport } from 'lib/report';\n\nconst app = express();\napp.get('/report', (_req, res) => {\n  res.send(loadReport());\n});\napp.listen(3000);\n",
      'src/lib/report.ts': reportBody,
    });
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'reports', private: true, workspaces: ['packages/*'] }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@shared/*': ['shared/*'] } } }),
    };
    for (const [name, body] of [
      ['daily', "export function loadReport() {\n  return 'daily totals';\n}\n"],
      ['archive', "import { readFileSync } from 'node:fs';\n\nexport function loadReport() {\n  return readFileSync('/var/reports/archive.csv', 'utf8');\n}\n"],
    ] as const) {
      for (const [path, text] of Object.entries(pkg(body))) files[`packages/${name}/${path}`] = text;
    }
    const root = writeProject(files);
    const facts = buildProjectFacts({ root, files: loadSources(root, []).parsed });
    for (const name of ['daily', 'archive', 'daily']) {
      expect(facts.resolveImport(join(root, `packages/${name}/src/server.ts`), 'lib/report')).toBe(join(root, `packages/${name}/src/lib/report.ts`));
    }
    const report = await scan({ root, config: only('no-sync-in-handler') });
    expect(report.findings.filter((f) => f.ruleId === 'no-sync-in-handler').map((f) => `${f.file}:${f.line}`)).toEqual(['packages/archive/src/lib/report.ts:4']);
  });

  it("answers serverFiles() in each package's view from that package's server entry points", () => {
    const facts = buildProjectFacts({ root: SHOP, files: loadSources(SHOP, []).parsed });
    const served = (view: ReturnType<typeof buildProjectFacts>) => [...view.serverFiles()].map((f) => f.slice(SHOP.length + 1)).sort();
    const view = (path: string) => facts.packageView(facts.packages.find((p) => p.path === path) as WorkspacePackage);
    expect(served(facts)).toEqual(['packages/shared/src/index.ts', 'services/catalog-api/src/server.ts', 'services/orders-api/src/server.ts']);
    expect(served(view('services/catalog-api'))).toEqual(['packages/shared/src/index.ts', 'services/catalog-api/src/server.ts']);
    expect(served(view('services/orders-api'))).toEqual(['packages/shared/src/index.ts', 'services/orders-api/src/server.ts']);
    // The library package has no server of its own.
    expect(served(view('packages/shared'))).toEqual([]);
  });

  it('resolves imports between workspace packages to their sources', async () => {
    const report = await scan({ root: SHOP, config: only('no-floating-promise') });
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)).toEqual(['services/orders-api/src/server.ts:12:3 no-floating-promise']);
    expect(report.findings[0]?.message).toMatch(/^`publishEvent\(…\)` returns a promise that nobody awaits/);
  });

  it("judges each package by its own package.json: Express 4 here, Express 5 there", async () => {
    const report = await scan({ root: SHOP, config: only('async-handler-errors') });
    expect(report.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual(['services/orders-api/src/server.ts:11 async-handler-errors']);
  });

  it('applies service rules to the services only, never to the library package, and reports in the package', async () => {
    const report = await scan({ root: SHOP, config: only('require-health-endpoint', 'require-graceful-shutdown') });
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)).toEqual([
      'services/catalog-api/src/server.ts:10:1 require-graceful-shutdown',
      'services/catalog-api/src/server.ts:10:1 require-health-endpoint',
      'services/orders-api/src/server.ts:16:1 require-graceful-shutdown',
    ]);
    expect(report.rules.find((r) => r.id === 'require-health-endpoint')).toMatchObject({ sites: 2, violations: 1 });
  });

  it('scores every package with files on its own findings, in path order', async () => {
    const report = await scan({ root: SHOP, config: only('require-health-endpoint', 'no-floating-promise') });
    expect(report.packages).toEqual([
      { name: '@shop/shared', path: 'packages/shared', score: null },
      { name: '@shop/catalog-api', path: 'services/catalog-api', score: 0 },
      { name: '@shop/orders-api', path: 'services/orders-api', score: 50 },
    ]);
  });

  it('leaves `packages` out of a repository without workspaces', async () => {
    const report = await scan({ root: join(FIXTURES, 'projects', 'orders-service') });
    expect(report.packages).toBeUndefined();
  });
});
