// File discovery: every JS/TS source under the root that git would track (honouring .gitignore),
// minus dependencies, build output, coverage, declaration files and minified bundles; then reading
// and parsing them, the first two stages of the pipe (reading one file is in ./files.ts).
import { join, resolve } from 'node:path';
import type { ts } from 'ts-morph';
import { BUILTIN_IGNORES, SOURCE_GLOB, normaliseText, readSource, sameFile, type FileStamp } from './files.js';
import { parseText } from './parse.js';
import { walkLists, type WalkList } from './walk.js';
import { globby } from './lazy.js';

export { BUILTIN_IGNORES, MAX_FILE_BYTES, MAX_LINE_LENGTH, SOURCE_GLOB, readSource, type FileStamp, type ReadResult } from './files.js';

/** The source list of the discovery walk: what `globbySync(SOURCE_GLOB, { gitignore: true, dot: false })` kept. */
export const SOURCE_LIST: WalkList = {
  patterns: [SOURCE_GLOB],
  dot: false,
  gitignore: 'repository',
  candidate: (name) => SOURCE_EXTENSION.test(name),
};
const SOURCE_EXTENSION = /\.(?:js|mjs|cjs|jsx|ts|mts|cts|tsx)$/;

/** POSIX paths relative to root, sorted. */
export function discoverFiles(root: string, ignores: readonly string[]): string[] {
  return walkLists(resolve(root), [...BUILTIN_IGNORES, ...ignores], [SOURCE_LIST])?.[0] ?? globSourceFiles(root, ignores);
}

/** Discovery by globby: what the walk falls back to when it cannot give the same list (see ./walk.ts). */
export function globSourceFiles(root: string, ignores: readonly string[]): string[] {
  const files = globby().globbySync(SOURCE_GLOB, {
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

export interface ParsedSource {
  path: string;
  relPath: string;
  sourceFile: ts.SourceFile;
  text: string;
}

export interface ReadSources {
  /** Every discovered file (POSIX, relative, sorted), read or not. */
  relPaths: string[];
  /** The discovered files that are sources (not skipped), in order. */
  sourcePaths: string[];
  /** Text by relative path (BOM removed) of the sources read now; the others (known unchanged) are read by `text`. */
  sources: Map<string, string>;
  /** A source's text (BOM removed), read on first use when it was known unchanged; undefined for a file that is not a source. */
  text(relPath: string): string | undefined;
  /** What each discovered file was when it was read (null: it could not be read at all). */
  stamps: Map<string, FileStamp | null>;
  /** Files skipped with a note (too large, binary, minified, unreadable). */
  errors: Array<{ file: string; message: string }>;
}

/**
 * Discover and read every source file of a project (no parsing). `known`: a previous scan's
 * discovered files with their stamps: a file that is the one stamped, unchanged (./files.ts
 * `sameStat`), is not read now (its stamp, hash and skip hold). `listed`: the discovered files, when the caller
 * walked the tree already; without it, `known`'s files are the list (given so when no directory,
 * input or configuration changed since: discovery would find the same files), else the tree is
 * walked.
 */
export function readSources(
  root: string,
  ignores: readonly string[],
  onFile?: (done: number, total: number) => void,
  known?: Readonly<Record<string, FileStamp | null>>,
  listed?: readonly string[],
): ReadSources {
  const relPaths = listed ? [...listed] : known ? Object.keys(known).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : discoverFiles(root, ignores);
  const sources = new Map<string, string>();
  const later = new Set<string>();
  const out: ReadSources = {
    relPaths,
    sourcePaths: [],
    sources,
    text(relPath) {
      const text = sources.get(relPath);
      if (text !== undefined || !later.has(relPath)) return text;
      const read = readSource(root, relPath);
      if ('skipped' in read) return undefined;
      const normal = normaliseText(read.text);
      sources.set(relPath, normal);
      return normal;
    },
    stamps: new Map(),
    errors: [],
  };
  relPaths.forEach((relPath, i) => {
    const previous = known?.[relPath];
    const same = previous && typeof previous.hash === 'string' && sameFile(join(root, relPath), previous);
    if (same) {
      out.stamps.set(relPath, previous);
      if (previous.skipped !== undefined) out.errors.push({ file: relPath, message: previous.skipped });
      else {
        later.add(relPath);
        out.sourcePaths.push(relPath);
      }
    } else {
      const read = readSource(root, relPath);
      out.stamps.set(relPath, read.stamp);
      if ('skipped' in read) out.errors.push({ file: relPath, message: read.skipped });
      else {
        sources.set(relPath, normaliseText(read.text));
        out.sourcePaths.push(relPath);
      }
    }
    onFile?.(i + 1, relPaths.length);
  });
  return out;
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
  const read = readSources(root, ignores, onFile && ((done, n) => onFile(Math.floor(done / 2), n)));
  const out: LoadedSources = { relPaths: read.relPaths, parsed: [], sources: read.sources, errors: [...read.errors] };
  let done = read.relPaths.length / 2;
  for (const relPath of read.sourcePaths) {
    const text = read.text(relPath) as string;
    const path = join(root, relPath);
    const result = parseText(path, text);
    if (result.problem) out.errors.push({ file: relPath, message: result.problem });
    else out.parsed.push({ path, relPath, sourceFile: result.sourceFile, text: result.text });
    done += 0.5;
    onFile?.(Math.floor(done), read.relPaths.length);
  }
  // In discovery order, as one pass of read-then-parse per file would give.
  out.errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return out;
}
