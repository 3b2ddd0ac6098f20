// package.json facts: dependencies (all kinds merged), scripts, and framework majors.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

export interface PackageInfo {
  /** Absolute directory of the package. */
  dir: string;
  name: string | null;
  /** dependencies, devDependencies, peerDependencies and optionalDependencies merged (name → range). */
  dependencies: Record<string, string>;
  /** Only `dependencies` (what ships). */
  runtimeDependencies: Record<string, string>;
  scripts: Record<string, string>;
  main: string | null;
  type: 'module' | 'commonjs';
  /** The raw object, for project rules that read other keys. */
  raw: Record<string, unknown>;
  /** The file's text (BOM removed), for rules that point at a key's line. */
  text: string;
}

export type PackageJsonResult = { info: PackageInfo | null; error: string | null };

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

export function readPackageJson(dir: string): PackageJsonResult {
  const path = join(dir, 'package.json');
  // Most directories asked about have none: a failed read costs an exception, a missing file only a stat.
  if (!existsSync(path)) return { info: null, error: null };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { info: null, error: null };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { info: null, error: `package.json is not valid JSON: ${(err as Error).message}` };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { info: null, error: 'package.json does not hold an object' };
  }
  const obj = raw as Record<string, unknown>;
  const runtime = stringRecord(obj.dependencies);
  const dependencies = {
    ...stringRecord(obj.optionalDependencies),
    ...stringRecord(obj.peerDependencies),
    ...stringRecord(obj.devDependencies),
    ...runtime,
  };
  return {
    info: {
      dir,
      name: typeof obj.name === 'string' ? obj.name : null,
      dependencies,
      runtimeDependencies: runtime,
      scripts: stringRecord(obj.scripts),
      main: typeof obj.main === 'string' ? obj.main : null,
      type: obj.type === 'module' ? 'module' : 'commonjs',
      raw: obj,
      text,
    },
    error: null,
  };
}

/**
 * The lowest major version a dependency range admits, or null when the range says nothing
 * (a tag, a git URL, `workspace:*`). Rules that exempt a newer major use this, so that a range
 * like `>=4` is judged as 4: precision first, never assume the upgrade.
 */
export function minMajor(range: string | undefined): number | null {
  if (!range) return null;
  let spec = range.trim();
  const alias = /^npm:(?:@[^/]+\/)?[^@]+@(.+)$/.exec(spec);
  if (alias?.[1]) spec = alias[1];
  try {
    const min = semver.minVersion(spec);
    return min ? min.major : null;
  } catch {
    return null;
  }
}

/** The package an import specifier names: `@scope/name` or `name`, up to the next `/` (`node:` dropped). */
export function packageName(specifier: string): string {
  const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  const slash = bare.indexOf('/');
  const end = slash === -1 ? -1 : bare.startsWith('@') ? bare.indexOf('/', slash + 1) : slash;
  return end === -1 ? bare : bare.slice(0, end);
}
