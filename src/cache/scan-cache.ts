// The whole-scan cache: the last report of a root with the record of everything it was computed
// from. When nothing changed, the CLI prints the stored report without loading TypeScript, the
// rules or the scan at all (src/cli/main.ts checks here before it imports them).
//
// An entry is valid for a scan when its key matches (prodcheck's version and code, the root, the
// configuration's source, the options that change results) and the disk still holds the same
// tree: every directory's modification time (no file added, removed or renamed anywhere), every
// discovered source and every other input (./inputs.ts) the same file unchanged (size, times and
// inode: ../core/files.ts `sameStat`), or else of the same content hash. A corrupt, truncated, foreign or unreadable entry is ignored with a note.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { FileStamp } from '../core/files.js';
import type { Report, Severity } from '../core/types.js';
import type { ProjectShape } from '../project/facts.js';
import type { PackageInfo } from '../project/package-json.js';
import type { PathMapping } from '../project/tsconfig-paths.js';
import { VERSION } from '../version.js';
import { isArray, isObject, isProblems, isStringOrNull, isStringRecord, isStrings } from './checks.js';
import { codeFingerprint } from './code.js';
import { treeUnchanged, unchanged, type TreeSnapshot } from './inputs.js';

/** The layout of the cache files; bumped when it changes. */
export const CACHE_FORMAT = 5;
export const SCAN_ENTRY = 'scan.json';

/** A rule's data without its code (what reporters read: id, category, severity, docs…). */
export type RuleMeta = { id: string; scope: 'file' | 'project' } & Record<string, unknown>;

export interface ScanKeyInput {
  root: string;
  /** The configuration's source: `--config` file's content hash, or null when it is found at the root (then it is one of the tree's inputs). */
  configFile: string | null;
  /** Options that change the report (not the reporters' or filters' ones). */
  options: Record<string, unknown>;
}

export interface ScanEntry {
  format: number;
  version: string;
  code: string;
  key: ScanKeyInput;
  tree: TreeSnapshot;
  /** Every discovered source with its stamp (null: it could not be read). */
  files: Record<string, FileStamp | null>;
  /** The repository files' paths (../project/repository-files.ts) discovery listed. */
  repository: string[];
  report: Report;
  rules: RuleMeta[];
  thresholds: { minScore: number | null; failOn: Severity | 'none' | null };
  redactions: ReadonlyArray<{ file: string; start: number; end: number }>;
  /**
   * The project's shape as the scan read it (root and workspace package.json files, workspace
   * globs, tsconfig path mappings: all inputs): a scan that finds every input as stored, none added
   * or removed, takes it instead of reading and globbing again.
   */
  shape?: ProjectShape;
}

export type Note = (message: string) => void;

function sameKey(a: ScanKeyInput, b: ScanKeyInput): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A file's stamp (../core/files.ts `FileStamp`), as far as comparing it reads it. */
const isStamp = (v: unknown): boolean => isObject(v) && typeof v.size === 'number' && typeof v.mtimeMs === 'number' && isStringOrNull(v.hash);

function isEntry(value: unknown): value is ScanEntry {
  if (!value || typeof value !== 'object') return false;
  const e = value as Partial<ScanEntry>;
  return (
    typeof e.format === 'number' &&
    typeof e.version === 'string' &&
    typeof e.code === 'string' &&
    !!e.key &&
    isObject(e.tree) &&
    isObject(e.tree.dirs) &&
    isObject(e.tree.inputs) &&
    Object.values(e.tree.inputs).every(isStamp) &&
    isObject(e.tree.above) &&
    !!e.files &&
    typeof e.files === 'object' &&
    Array.isArray(e.repository) &&
    !!e.report &&
    Array.isArray(e.report.findings) &&
    Array.isArray(e.rules) &&
    !!e.thresholds &&
    Array.isArray(e.redactions)
  );
}

/**
 * A cache file's JSON when this prodcheck wrote it, else undefined: missing is silent; unreadable,
 * corrupt or written by another prodcheck is a note, and the scan goes on without it.
 */
export function readCacheFile(path: string, note: Note): unknown {
  const text = readCacheText(path, note);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    note(`cache ${path} is corrupt; scanning without it`);
    return undefined;
  }
  return fromThisProdcheck(path, value, note) ? value : undefined;
}

/** A cache file's text; undefined when it is missing (silently) or unreadable (with a note). */
export function readCacheText(path: string, note: Note): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') note(`cache ${path} is unreadable (${code ?? (err as Error).message}); scanning without it`);
    return undefined;
  }
}

/** Whether a cache file's stamp (its format and version, in `value`) is this prodcheck's; a note when another one wrote it. */
export function fromThisProdcheck(path: string, value: unknown, note: Note): boolean {
  const stamp = value as { format?: unknown; version?: unknown } | null;
  if (stamp && typeof stamp === 'object' && typeof stamp.version === 'string' && typeof stamp.format === 'number' && (stamp.format !== CACHE_FORMAT || stamp.version !== VERSION)) {
    note(`cache ${path} was written by another prodcheck (${stamp.version}); scanning without it`);
    return false;
  }
  return true;
}

/** Writes a cache file atomically (a temporary file renamed over the old one); a failure is a note, never an error. */
export function writeCacheFile(dir: string, name: string, value: object, note: Note): void {
  writeCacheText(dir, name, (write) => write(JSON.stringify(value)), note);
}

/** Characters outside ASCII (only ever inside JSON strings: a message's dash, a file's name). */
const NON_ASCII = /[\u0080-\uffff]/g;

/**
 * JSON text with every character outside ASCII written as a `\uXXXX` escape: the same JSON value. A
 * cache file that is all ASCII is read into a one-byte string (V8 keeps text with any other
 * character in two bytes a character): on directus, a few dashes in messages made the 10.5 MB
 * files.json 21 MB in memory, and reading and splitting it took 45–55 ms instead of 27–36 ms.
 */
export function asciiJson(text: string): string {
  // Text as long in UTF-8 as in characters is ASCII: a native count, several times faster than a
  // regular expression's scan of the cache's 10 MB.
  return Buffer.byteLength(text) === text.length ? text : text.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The size of `writeCacheText`'s buffer: pieces are copied into it and written a megabyte at a time. */
const WRITE_BUFFER = 1 << 20;

/**
 * Writes a cache file atomically from pieces of JSON text (`produce` calls `write` with each), so that a
 * large file is never one string in memory; a failure is a note, never an error. The file is ASCII
 * (see `asciiJson`): each piece is copied into a buffer as UTF-8, and one that took more bytes than
 * characters is copied again with its other characters escaped. Neither the pieces nor the file are
 * joined into strings first (the copy into the buffer reads a concatenated piece as it is).
 */
export function writeCacheText(dir: string, name: string, produce: (write: (text: string) => void) => void, note: Note): void {
  const path = join(dir, name);
  const tmp = `${path}.${process.pid}.tmp`;
  let fd: number | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    fd = openSync(tmp, 'w');
    const buffer = Buffer.allocUnsafe(WRITE_BUFFER);
    let used = 0;
    const flush = () => {
      if (used > 0) writeSync(fd as number, buffer, 0, used);
      used = 0;
    };
    produce((text) => {
      // A UTF-8 character takes at most 3 bytes per UTF-16 unit: room for that, or flush first.
      if (used + 3 * text.length > WRITE_BUFFER) flush();
      if (3 * text.length > WRITE_BUFFER) {
        writeSync(fd as number, asciiJson(text), null, 'latin1');
        return;
      }
      const bytes = buffer.write(text, used, 'utf8');
      if (bytes === text.length) {
        used += bytes;
        return;
      }
      // Not ASCII: written over with the escaped text (longer, so it may need a flush first).
      const ascii = asciiJson(text);
      if (used + ascii.length > WRITE_BUFFER) flush();
      if (ascii.length > WRITE_BUFFER) writeSync(fd as number, ascii, null, 'latin1');
      else used += buffer.write(ascii, used, 'latin1');
    });
    flush();
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // the file is removed below
      }
    }
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing more to do
    }
    note(`cannot write the cache in ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the next scan starts cold`);
  }
}

export interface ScanLookup {
  /** The stored entry, when it answers this scan. */
  hit: ScanEntry | null;
  /**
   * When it does not, but the key, prodcheck's code, every directory and every input are as stored
   * (only source files' contents can differ): the stored tree (still this tree's snapshot), files,
   * repository files and project shape.
   */
  sameTree: Pick<ScanEntry, 'tree' | 'files' | 'repository' | 'shape'> | null;
  /**
   * The stored entry when its key and prodcheck's code are this scan's, whatever changed on disk
   * since: its stamps stand for the files that are unchanged (../core/files.ts `sameStat`), and its
   * project shape while the inputs are all the same.
   */
  previous: Pick<ScanEntry, 'tree' | 'files' | 'shape'> | null;
}

/** The stored entry when it still holds for this scan (with a note when the file was unusable, not merely out of date). */
export function lookupScanEntry(dir: string, key: ScanKeyInput, note: Note): ScanLookup {
  const none: ScanLookup = { hit: null, sameTree: null, previous: null };
  const path = join(dir, SCAN_ENTRY);
  const value = readCacheFile(path, note);
  if (value === undefined) return none;
  if (!isEntry(value)) {
    note(`cache ${path} is corrupt; scanning without it`);
    return none;
  }
  if (value.code !== codeFingerprint() || !sameKey(value.key, key)) return none;
  try {
    if (!treeUnchanged(key.root, value.tree)) return { ...none, previous: value };
    for (const [rel, stamp] of Object.entries(value.files)) if (!unchanged(join(key.root, rel), stamp)) return { hit: null, sameTree: value, previous: value };
  } catch {
    return none;
  }
  return { hit: value, sameTree: null, previous: null };
}

const isPackageInfo = (v: unknown): v is PackageInfo =>
  isObject(v) &&
  typeof v.dir === 'string' &&
  isStringOrNull(v.name) &&
  isStringRecord(v.dependencies) &&
  isStringRecord(v.runtimeDependencies) &&
  isStringRecord(v.scripts) &&
  isStringOrNull(v.main) &&
  (v.type === 'module' || v.type === 'commonjs') &&
  isObject(v.raw) &&
  typeof v.text === 'string';
const isMapping = (v: unknown): v is PathMapping =>
  isObject(v) && typeof v.baseDir === 'string' && isStringOrNull(v.baseUrl) && isArray(v.paths) && v.paths.every((p) => isObject(p) && typeof p.pattern === 'string' && isStrings(p.targets));

/**
 * A stored entry's project shape, when it has the shape's shape down to each field and was read
 * from inputs alone (else the scan reads the project again).
 */
export function storedShape(entry: Pick<ScanEntry, 'shape'>): ProjectShape | undefined {
  const s: unknown = entry.shape;
  if (!isObject(s) || !isProblems(s.errors) || !(s.packageJson === null || isPackageInfo(s.packageJson)) || !(s.rootMapping === null || isMapping(s.rootMapping))) return undefined;
  const { workspaces, packageMappings, localPackages } = s;
  // The root package comes first: every file belongs to it when no workspace package holds it.
  if (!isObject(workspaces) || !isProblems(workspaces.errors) || !isArray(workspaces.packages) || !isObject(workspaces.packages[0]) || workspaces.packages[0].path !== '') return undefined;
  if (!workspaces.packages.every((p) => isObject(p) && typeof p.name === 'string' && typeof p.dir === 'string' && typeof p.path === 'string' && (p.packageJson === null || isPackageInfo(p.packageJson)))) return undefined;
  if (!isArray(packageMappings) || !packageMappings.every((m) => isObject(m) && typeof m.dir === 'string' && isMapping(m.mapping))) return undefined;
  if (!isArray(localPackages) || !localPackages.every((p) => isObject(p) && typeof p.name === 'string' && typeof p.dir === 'string' && isStrings(p.entries))) return undefined;
  // Read from files no snapshot watches (a tsconfig `extends` out of the root or into node_modules): read again.
  if (!isStrings(s.untracked) || s.untracked.length > 0) return undefined;
  return s as unknown as ProjectShape;
}

/** Writes the scan entry (see writeCacheFile). */
export function writeScanEntry(dir: string, entry: Omit<ScanEntry, 'format' | 'version' | 'code'>, note: Note): void {
  const full: ScanEntry = { format: CACHE_FORMAT, version: VERSION, code: codeFingerprint(), ...entry };
  writeCacheFile(dir, SCAN_ENTRY, full, note);
}
