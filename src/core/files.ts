// Source files: which ones discovery keeps (../core/discover.ts globs with these), and reading one
// (too large, binary and minified files are skipped with a reason). This module loads neither
// TypeScript nor the globber: the CLI's cache check reads sources through it.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
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
 * What a file was when it was read: its size and modification time (a cheap "unchanged" check, as
 * ESLint's cache does) and a hash of its bytes (decides when the cheap check says "maybe changed").
 * `hash` is null when the file was not read whole (too large) or could not be read.
 */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  hash: string | null;
  /** Why the file was not read as a source (too large, binary, minified), when it was not. */
  skipped?: string;
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

function readSourceFile(path: string): ReadResult {
  let stamp: FileStamp | null = null;
  try {
    const stat = statSync(path);
    stamp = { size: stat.size, mtimeMs: stat.mtimeMs, hash: null };
    const size = stat.size;
    if (size > MAX_FILE_BYTES) return { skipped: `skipped: ${Math.round(size / 1024)} KiB is larger than the ${MAX_FILE_BYTES / 1024} KiB limit for source files`, stamp };
    const buf = readFileSync(path);
    stamp.hash = hashBytes(buf);
    if (buf.subarray(0, 8000).includes(0)) return { skipped: 'skipped: binary file', stamp };
    const text = decoder.decode(buf);
    let lineStart = 0;
    for (let i = text.indexOf('\n'); ; i = text.indexOf('\n', lineStart)) {
      const end = i === -1 ? text.length : i;
      if (end - lineStart > MAX_LINE_LENGTH) return { skipped: `skipped: line ${text.slice(0, lineStart).split('\n').length} is ${end - lineStart} characters long (minified or generated)`, stamp };
      if (i === -1) break;
      lineStart = i + 1;
    }
    return { text, stamp };
  } catch (err) {
    return { skipped: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, stamp: stamp && stamp.hash !== null ? stamp : null };
  }
}
