// Source files: which ones discovery keeps (../core/discover.ts globs with these), and reading one
// (too large, binary and minified files are skipped with a reason). This module loads neither
// TypeScript nor the globber: the CLI's cache check reads sources through it.
import { createHash } from 'node:crypto';
import { readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';

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

/**
 * What a file was when it was read: its size, modification time, inode and change time (a cheap
 * "unchanged" check, `sameStat`) and a hash of its bytes (decides when the cheap check says "maybe
 * changed").
 * `hash` is null when the file was not read whole (too large) or could not be read.
 */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  /**
   * The file's inode and its change time: another file renamed onto this path, or one written with
   * its modification time kept (`cp -p`, `touch -r`), has another of either, even at the same size
   * and modification time.
   */
  ino: number;
  ctimeMs: number;
  hash: string | null;
  /** Why the file was not read as a source (too large, binary, minified), when it was not. */
  skipped?: string;
}

/** A stamp of the file `stat` describes (its content's hash: null until read). */
export function stampOf(stat: Stats, hash: string | null): FileStamp {
  return { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino, ctimeMs: stat.ctimeMs, hash };
}

/**
 * The file `stat` describes is the one stamped, unchanged since: the same size, modification time,
 * inode and change time (the cache takes its stamped hash for its content then, without reading it).
 */
export function sameStat(stat: Stats, stamp: FileStamp): boolean {
  return stat.size === stamp.size && stat.mtimeMs === stamp.mtimeMs && stat.ino === stamp.ino && stat.ctimeMs === stamp.ctimeMs;
}

/** The file at `path` is the one stamped, unchanged (`sameStat`): its stamped hash stands for its content. */
export function sameFile(path: string, stamp: FileStamp): boolean {
  try {
    const stat = statSync(path);
    return stat.isFile() && sameStat(stat, stamp);
  } catch {
    return false;
  }
}

export type ReadResult = ({ text: string } | { skipped: string }) & { stamp: FileStamp | null };

export function hashBytes(data: Uint8Array | string): string {
  return createHash('sha1').update(data).digest('base64url');
}

/** Text as rules see it: a leading BOM is dropped, as ESLint drops it, so offsets agree. */
export function normaliseText(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/** Reads a source file, or says why it is not worth parsing (too large, binary, minified). */
export function readSource(root: string, relPath: string): ReadResult {
  const read = readSourceFile(join(root, relPath));
  if ('skipped' in read && read.stamp) read.stamp.skipped = read.skipped;
  return read;
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Git's test for binary content is a NUL in the first 8,000 bytes. A source file may hold a stray
 * one in a string (a test of null-byte sanitising): so a file with NULs there is binary when they
 * are more than one byte in a hundred or its bytes are not UTF-8 (an MPEG transport stream named `.ts`).
 */
function isBinary(buf: Buffer): boolean {
  const sample = buf.subarray(0, 8000);
  let nuls = 0;
  for (let i = sample.indexOf(0); i !== -1; i = sample.indexOf(0, i + 1)) nuls++;
  if (nuls === 0) return false;
  if (nuls * 100 > sample.length) return true;
  try {
    strictDecoder.decode(buf);
    return false;
  } catch {
    return true;
  }
}

/**
 * A long line that is one string or template literal with a little code around it is data someone
 * pasted (a base64 logo, a certificate, an XML fixture), not minified code: the literal, first
 * quote to the next of the same kind, spans at least 90 % of the line.
 */
function isOneLiteral(text: string, start: number, end: number): boolean {
  const line = text.slice(start, end);
  const open = line.search(/['"`]/);
  if (open === -1) return false;
  const close = line.indexOf(line.charAt(open), open + 1);
  return close !== -1 && close - open + 1 >= line.length * 0.9;
}

function readSourceFile(path: string): ReadResult {
  let stamp: FileStamp | null = null;
  try {
    const stat = statSync(path);
    stamp = stampOf(stat, null);
    const size = stat.size;
    if (size > MAX_FILE_BYTES) return { skipped: `skipped: ${Math.round(size / 1024)} KiB is larger than the ${MAX_FILE_BYTES / 1024} KiB limit for source files`, stamp };
    const buf = readFileSync(path);
    stamp.hash = hashBytes(buf);
    if (isBinary(buf)) return { skipped: 'skipped: binary file', stamp };
    const text = decoder.decode(buf);
    let lineStart = 0;
    for (let i = text.indexOf('\n'); ; i = text.indexOf('\n', lineStart)) {
      const end = i === -1 ? text.length : i;
      if (end - lineStart > MAX_LINE_LENGTH && !isOneLiteral(text, lineStart, end)) return { skipped: `skipped: line ${text.slice(0, lineStart).split('\n').length} is ${end - lineStart} characters long (minified or generated)`, stamp };
      if (i === -1) break;
      lineStart = i + 1;
    }
    return { text, stamp };
  } catch (err) {
    return { skipped: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, stamp: stamp && stamp.hash !== null ? stamp : null };
  }
}
