// File discovery: every JS/TS source under the root that git would track (honouring .gitignore),
// minus dependencies, build output, coverage, declaration files and minified bundles.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { globbySync } from 'globby';
import { parseText } from './parse.js';
import type { ts } from 'ts-morph';

export const SOURCE_GLOB = '**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}';

export const BUILTIN_IGNORES = [
  '**/node_modules/**',
  '**/dist/**',
  '**/build/**',
  '**/coverage/**',
  '**/.git/**',
  '**/.next/**',
  '**/.nuxt/**',
  '**/.output/**',
  '**/*.d.ts',
  '**/*.d.mts',
  '**/*.d.cts',
  '**/*.min.js',
  '**/*.min.mjs',
  '**/*.min.cjs',
  '**/*-min.js',
  '**/*.bundle.js',
];

/** Files larger than this are skipped with a note: generated code, not code someone maintains. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** A line this long means minified or generated output. */
export const MAX_LINE_LENGTH = 5000;

/** POSIX paths relative to root, sorted. */
export function discoverFiles(root: string, ignores: readonly string[]): string[] {
  const files = globbySync(SOURCE_GLOB, {
    cwd: root,
    gitignore: true,
    ignore: [...BUILTIN_IGNORES, ...ignores],
    dot: false,
    onlyFiles: true,
    followSymbolicLinks: false,
    absolute: false,
  });
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export type ReadResult = { text: string } | { skipped: string };

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/** Reads a source file, or says why it is not worth parsing (too large, binary, minified). */
export function readSource(root: string, relPath: string): ReadResult {
  const path = join(root, relPath);
  try {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) return { skipped: `skipped: ${Math.round(size / 1024)} KiB is larger than the ${MAX_FILE_BYTES / 1024} KiB limit for source files` };
    const buf = readFileSync(path);
    if (buf.subarray(0, 8000).includes(0)) return { skipped: 'skipped: binary file' };
    const text = decoder.decode(buf);
    let lineStart = 0;
    for (let i = text.indexOf('\n'); ; i = text.indexOf('\n', lineStart)) {
      const end = i === -1 ? text.length : i;
      if (end - lineStart > MAX_LINE_LENGTH) return { skipped: `skipped: line ${text.slice(0, lineStart).split('\n').length} is ${end - lineStart} characters long (minified or generated)` };
      if (i === -1) break;
      lineStart = i + 1;
    }
    return { text };
  } catch (err) {
    return { skipped: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
}

export interface ParsedSource {
  path: string;
  relPath: string;
  sourceFile: ts.SourceFile;
  text: string;
}

export interface LoadedSources {
  /** Every discovered file (POSIX, relative, sorted), parsed or not. */
  relPaths: string[];
  parsed: ParsedSource[];
  /** Text by relative path, for code frames and fingerprints (also of files that did not parse). */
  sources: Map<string, string>;
  errors: Array<{ file: string; message: string }>;
}

/** Discover, read and parse every source file of a project: the first two stages of the pipe. */
export function loadSources(root: string, ignores: readonly string[], onFile?: (done: number, total: number) => void): LoadedSources {
  const relPaths = discoverFiles(root, ignores);
  const out: LoadedSources = { relPaths, parsed: [], sources: new Map(), errors: [] };
  relPaths.forEach((relPath, i) => {
    const read = readSource(root, relPath);
    if ('skipped' in read) {
      out.errors.push({ file: relPath, message: read.skipped });
    } else {
      const path = join(root, relPath);
      const result = parseText(path, read.text);
      out.sources.set(relPath, result.text);
      if (result.syntaxError) out.errors.push({ file: relPath, message: `syntax error at ${result.syntaxError}` });
      else out.parsed.push({ path, relPath, sourceFile: result.sourceFile, text: result.text });
    }
    onFile?.(i + 1, relPaths.length);
  });
  return out;
}
