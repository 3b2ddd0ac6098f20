// tsconfig.json files as TypeScript reads them: JSONC, `extends` followed (relative paths, arrays
// of bases, and package configs such as `@tsconfig/node20/tsconfig.json` looked up in
// node_modules up to the scanned root), compiler options merged base first. A base that cannot be
// found is recorded, not guessed: rules then know they cannot judge the merged options.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findNodeAtLocation, parse as parseJsonc, parseTree } from 'jsonc-parser';
import type { ProjectFacts } from './facts.js';
import { memoOn } from './memo.js';

export interface TsconfigFile {
  path: string;
  text: string;
  json: Record<string, unknown>;
  compilerOptions: Record<string, unknown>;
}

export interface Tsconfig {
  /** The config itself first, then the configs it extends, nearest first. */
  chain: TsconfigFile[];
  /** Compiler options after `extends`: later bases override earlier ones, the config overrides them all. */
  compilerOptions: Record<string, unknown>;
  /** `extends` entries that name no readable file. */
  unresolved: string[];
  /** A solution config (`"files": []` with `references`): it compiles nothing itself. */
  solution: boolean;
}

function readJsonc(path: string): { text: string; json: Record<string, unknown> } | null {
  try {
    const text = readFileSync(path, 'utf8');
    const json: unknown = parseJsonc(text, [], { allowTrailingComma: true });
    return json && typeof json === 'object' && !Array.isArray(json) ? { text, json: json as Record<string, unknown> } : null;
  } catch {
    return null;
  }
}

/** The file an `extends` entry names, from the directory of the config that has it. */
export function resolveExtends(spec: string, fromDir: string, root: string): string | null {
  const candidates = (base: string) => (base.endsWith('.json') ? [base] : [`${base}.json`, join(base, 'tsconfig.json'), base]);
  if (spec.startsWith('.') || spec.startsWith('/')) {
    return candidates(resolve(fromDir, spec)).find(isFile) ?? null;
  }
  // A package: node_modules of this directory and each parent, up to the scanned root.
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const base = join(dir, 'node_modules', spec);
    const packageJson = readJsonc(join(base, 'package.json'));
    const declared = typeof packageJson?.json.tsconfig === 'string' ? [join(base, packageJson.json.tsconfig)] : [];
    const hit = [...declared, ...candidates(base)].find(isFile);
    if (hit) return hit;
    if (dir === root || dirname(dir) === dir || !dir.startsWith(root)) return null;
  }
}

/** Reads `path` and everything it extends; null when `path` itself cannot be read. */
export function readTsconfig(path: string, root: string): Tsconfig | null {
  const own = readJsonc(path);
  if (!own) return null;
  const chain: TsconfigFile[] = [];
  const unresolved: string[] = [];
  const seen = new Set<string>();
  const load = (file: string, data: { text: string; json: Record<string, unknown> }): Record<string, unknown> => {
    seen.add(file);
    const options = objectOf(data.json.compilerOptions);
    chain.push({ path: file, ...data, compilerOptions: options });
    const ext = data.json.extends;
    const bases = (Array.isArray(ext) ? ext : [ext]).filter((e): e is string => typeof e === 'string');
    let merged: Record<string, unknown> = {};
    for (const spec of bases) {
      const target = resolveExtends(spec, dirname(file), root);
      const read = target && !seen.has(target) ? readJsonc(target) : null;
      if (!target || !read) {
        if (!target || !seen.has(target)) unresolved.push(spec);
        continue;
      }
      merged = { ...merged, ...load(target, read) };
    }
    return { ...merged, ...options };
  };
  const compilerOptions = load(path, own);
  const files = own.json.files;
  const solution = Array.isArray(files) && files.length === 0 && Array.isArray(own.json.references);
  return { chain, compilerOptions, unresolved, solution };
}

/** 1-based line and column of the first of the JSON paths the config has (`['compilerOptions', 'strict']`), else 1:1. */
export function propertyPosition(file: TsconfigFile, ...paths: string[][]): { line: number; column: number } {
  const tree = parseTree(file.text, [], { allowTrailingComma: true });
  for (const path of paths) {
    const node = tree && findNodeAtLocation(tree, path)?.parent;
    if (!node) continue;
    const before = file.text.slice(0, node.offset).split('\n');
    return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
  }
  return { line: 1, column: 1 };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const roots = new WeakMap<object, Map<string, RootTsconfig[]>>();

export interface RootTsconfig {
  /** Absolute path of the `tsconfig.json`. */
  path: string;
  config: Tsconfig;
}

/**
 * The `tsconfig.json` of each package that has TypeScript sources: the scanned root's and those
 * next to a package.json above a `.ts` module (workspace packages), sorted by path. Solution
 * configs that compile nothing themselves are left out.
 */
export function rootTsconfigs(facts: ProjectFacts): RootTsconfig[] {
  return memoOn(roots, facts, 'rootTsconfigs', () => findRootTsconfigs(facts));
}

function findRootTsconfigs(facts: ProjectFacts): RootTsconfig[] {
  const root = facts.root;
  const packageDirs = new Set<string>();
  const checked = new Set<string>();
  for (const file of facts.modules.keys()) {
    if (!/\.[cm]?tsx?$/.test(file) || /\.d\.[cm]?ts$/.test(file) || facts.roles(file).has('test')) continue;
    for (let dir = dirname(file); dir.startsWith(root) && !checked.has(dir); dir = dirname(dir)) {
      checked.add(dir);
      if (dir === root || existsSync(join(dir, 'package.json'))) packageDirs.add(dir);
      if (dir === root) break;
    }
  }
  const found: RootTsconfig[] = [];
  for (const dir of [...packageDirs].sort()) {
    const path = join(dir, 'tsconfig.json');
    const config = isFile(path) ? readTsconfig(path, root) : null;
    if (!config) continue;
    if (!config.solution) {
      found.push({ path, config });
      continue;
    }
    // A solution config: the projects it references are the roots (test-only ones left out).
    for (const ref of referencedConfigs(config.chain[0]!, root)) {
      const referenced = readTsconfig(ref, root);
      if (referenced && !referenced.solution) found.push({ path: ref, config: referenced });
    }
  }
  return found;
}

/** `references[].path` of a solution config, as config files inside the root; `tsconfig.spec.json`-like test configs left out. */
function referencedConfigs(file: TsconfigFile, root: string): string[] {
  const refs = Array.isArray(file.json.references) ? file.json.references : [];
  const out: string[] = [];
  for (const r of refs) {
    const p = r && typeof r === 'object' ? (r as Record<string, unknown>).path : undefined;
    if (typeof p !== 'string') continue;
    const target = resolve(dirname(file.path), p);
    const config = target.endsWith('.json') ? target : join(target, 'tsconfig.json');
    if (!config.startsWith(root) || /(^|[.\-_])(spec|test|tests|e2e)\.json$/.test(config) || !isFile(config)) continue;
    out.push(config);
  }
  return out.sort();
}

function objectOf(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
