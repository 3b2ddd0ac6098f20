// Workspaces: the packages of a monorepo, from package.json `workspaces` (npm, yarn; an array or
// `{ packages: [...] }`) and pnpm-workspace.yaml `packages`. Each package is a project of its own
// (dependencies, framework versions, entry points); the repository root is one too, for the files
// no workspace package holds. A repository without workspaces has one package: its root.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { globby, lazyRequire } from '../core/lazy.js';
import { readPackageJson, type PackageInfo } from './package-json.js';

const yaml = lazyRequire<typeof import('yaml')>('yaml');

export interface WorkspacePackage {
  /** The package's name, or its path when it has none. */
  name: string;
  /** Absolute directory. */
  dir: string;
  /** POSIX path relative to the repository root ('' for the root). */
  path: string;
  packageJson: PackageInfo | null;
}

export interface Workspaces {
  /** The root package first, then the workspace packages in path order. */
  packages: WorkspacePackage[];
  /** Problems reading the workspace configuration, for the report's errors. */
  errors: Array<{ file: string; message: string }>;
}

/** Workspace globs from package.json and pnpm-workspace.yaml (negated globs kept as `!…`). */
function workspaceGlobs(root: string, rootJson: PackageInfo | null, errors: Workspaces['errors']): string[] {
  const globs: string[] = [];
  const declared = rootJson?.raw.workspaces;
  const list = Array.isArray(declared) ? declared : declared && typeof declared === 'object' ? (declared as { packages?: unknown }).packages : undefined;
  if (Array.isArray(list)) for (const g of list) if (typeof g === 'string') globs.push(g);
  let text: string | undefined;
  try {
    text = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    try {
      const doc = yaml().parse(text) as { packages?: unknown } | null;
      if (Array.isArray(doc?.packages)) for (const g of doc.packages) if (typeof g === 'string') globs.push(g);
    } catch (err) {
      errors.push({ file: 'pnpm-workspace.yaml', message: `pnpm-workspace.yaml is not valid YAML: ${(err as Error).message.split('\n')[0]}` });
    }
  }
  return globs;
}

export function findWorkspaces(root: string, ignores: readonly string[] = []): Workspaces {
  const errors: Workspaces['errors'] = [];
  const rootJson = readPackageJson(root);
  const rootPackage: WorkspacePackage = { name: rootJson.info?.name ?? '(root)', dir: root, path: '', packageJson: rootJson.info };
  const globs = workspaceGlobs(root, rootJson.info, errors);
  if (globs.length === 0) return { packages: [rootPackage], errors };
  const patterns = globs.map((g) => (g.startsWith('!') ? `!${g.slice(1).replace(/\/+$/, '')}/package.json` : `${g.replace(/\/+$/, '')}/package.json`));
  const manifests = globby().globbySync(patterns, { cwd: root, ignore: ['**/node_modules/**', ...ignores], followSymbolicLinks: false }).sort();
  const packages: WorkspacePackage[] = [rootPackage];
  for (const manifest of manifests) {
    const dir = join(root, manifest.slice(0, -'/package.json'.length));
    if (dir === root) continue;
    const json = readPackageJson(dir);
    if (json.error) errors.push({ file: manifest, message: json.error });
    const path = relative(root, dir).split(sep).join('/');
    packages.push({ name: json.info?.name ?? path, dir, path, packageJson: json.info });
  }
  return { packages, errors };
}

/** Each workspace's workspace packages by directory (the first of any two with one directory). */
const packagesByDir = new WeakMap<Workspaces, Map<string, WorkspacePackage>>();

/**
 * The package a file belongs to: the workspace package with the longest directory holding it (the
 * nearest one up from the file), else the root. Asked for every directory of a scan's files: a
 * monorepo of 69 packages (medusa) made a search of every package each time cost a one-change scan
 * 20–30 ms. `file` is a normalised absolute path (as the scan and the ESLint plugin give it: no `//`,
 * no trailing separator), and `workspaces.packages` is not changed after the first call.
 */
export function packageOfFile(workspaces: Workspaces, file: string): WorkspacePackage {
  const root = workspaces.packages[0] as WorkspacePackage;
  let byDir = packagesByDir.get(workspaces);
  if (!byDir) {
    byDir = new Map();
    for (const p of workspaces.packages) if (p.path !== '' && !byDir.has(p.dir)) byDir.set(p.dir, p);
    packagesByDir.set(workspaces, byDir);
  }
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const p = byDir.get(dir);
    // A package whose directory is not below the root's never holds a file in place of the root.
    if (p && p.dir.length > root.dir.length) return p;
    if (dirname(dir) === dir) return root;
  }
}

/** The nearest directory at or above `dir` whose package.json or pnpm-workspace.yaml declares workspaces, or null. */
export function workspaceRootAbove(dir: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'pnpm-workspace.yaml'))) return d;
    const json = readPackageJson(d).info;
    if (json && json.raw.workspaces !== undefined) return d;
    if (dirname(d) === d) return null;
  }
}
