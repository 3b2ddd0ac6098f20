// The part of tsconfig.json module resolution needs: baseUrl and paths, following relative `extends`.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';

export interface PathMapping {
  /** Absolute directory that `paths` targets are relative to. */
  baseDir: string;
  paths: Array<{ pattern: string; targets: string[] }>;
  /** Absolute baseUrl, when set (bare specifiers resolve against it). */
  baseUrl: string | null;
}

function readJsonc(file: string): Record<string, unknown> | null {
  try {
    const value: unknown = parseJsonc(readFileSync(file, 'utf8'), [], { allowTrailingComma: true });
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Reads `<dir>/tsconfig.json` (or jsconfig.json). Unresolvable or package `extends` are skipped.
 * `read` is told every file the chain of `extends` reads (or tries to).
 */
export function readPathMapping(dir: string, read?: (file: string) => void): PathMapping | null {
  for (const name of ['tsconfig.json', 'jsconfig.json']) {
    const file = join(dir, name);
    const mapping = readChain(file, new Set(), read);
    if (mapping) return mapping;
  }
  return null;
}

function readChain(file: string, seen: Set<string>, read: ((file: string) => void) | undefined): PathMapping | null {
  if (seen.has(file)) return null;
  seen.add(file);
  read?.(file);
  const json = readJsonc(file);
  if (!json) return null;
  let inherited: PathMapping | null = null;
  const ext = json.extends;
  for (const parent of Array.isArray(ext) ? ext : [ext]) {
    if (typeof parent === 'string' && parent.startsWith('.')) {
      const target = resolve(dirname(file), parent.endsWith('.json') ? parent : `${parent}.json`);
      inherited = readChain(target, seen, read) ?? inherited;
    }
  }
  const options = (json.compilerOptions ?? {}) as Record<string, unknown>;
  const baseUrl = typeof options.baseUrl === 'string' ? resolve(dirname(file), options.baseUrl) : null;
  const rawPaths = options.paths;
  let paths = inherited?.paths ?? [];
  let baseDir = inherited?.baseDir ?? dirname(file);
  if (rawPaths && typeof rawPaths === 'object') {
    paths = Object.entries(rawPaths as Record<string, unknown>).map(([pattern, targets]) => ({
      pattern,
      targets: Array.isArray(targets) ? targets.filter((t): t is string => typeof t === 'string') : [],
    }));
    baseDir = baseUrl ?? dirname(file);
  }
  return { baseDir, paths, baseUrl: baseUrl ?? inherited?.baseUrl ?? null };
}
