// The per-file cache (`files.json` next to the whole-scan entry): for each source file, by the hash
// of its content, whether it parsed, its module facts with the resolutions they were built with,
// and its file rules' results with what those rules read from the project facts (./record.ts). A
// later scan parses a file only when its module facts or its results no longer hold, or when request
// reach needs its syntax tree. Valid for one configuration and one build of prodcheck (`key`).
// Stored as JSON lines, so that a scan that changed few entries writes the others back unencoded.
import { join } from 'node:path';
import type { FileResult } from '../parallel/shard.js';
import { VERSION } from '../version.js';
import { NO_READS, type FileReads, type ReadNode } from './record.js';
import type { ReachUnits } from '../parallel/plan.js';
import type { ModuleFacts } from '../project/modules.js';
import type { TaintSummaries } from '../core/taint.js';
import { isArray, isObject, isStrings } from './checks.js';
import { stringifyEncoded } from './json.js';
import { asciiJson, CACHE_FORMAT, fromThisProdcheck, readCacheText, writeCacheText, type Note } from './scan-cache.js';

export const FILES_ENTRY = 'files.json';

/** A file's results as the rules gave them, and what it was checked as. */
export interface CachedResult extends Omit<FileResult, 'relPath'> {
  /** A digest of what the file was checked as besides its content: its roles and its rules with their options and severities. */
  context: string;
}

export interface FileEntry {
  hash: string;
  /** The syntax error, when the file does not parse. */
  error?: string;
  /**
   * Module facts (../cache/json.ts encoding, as read: a scan that reuses them decodes them in place)
   * and the specifiers they resolved, with the files they resolved to.
   */
  module?: unknown;
  /** Module facts to store, encoded only when written (`module` is then absent). */
  facts?: ModuleFacts;
  resolutions?: Array<[string, string | null]>;
  result?: CachedResult;
  /**
   * The taint summaries of the file's exported functions (../core/taint.ts), when a scan computed
   * them: with the module facts' resolutions (an entry whose module facts are built again drops them).
   */
  summaries?: TaintSummaries;
  /** A test file left unparsed (no file taken in imported it; no suppression comment in its text): all the entry holds besides `hash`. */
  dormant?: true;
}

/** The first line of files.json. */
interface Head {
  format: number;
  version: string;
  key: string;
  /** What module resolution depended on when the entries' resolutions were last built or checked (see `FileCache`). */
  resolving: string;
}

/** Request reach as a scan computed it, and what it depended on. */
export interface StoredReach {
  /** A digest of the files it started from: those taking part (not tests) and those that may register handlers. */
  start: string;
  /** Every file whose syntax tree it walked, with its content hash and the work done in it (what a later scan may reuse). */
  walked: Array<[string, string, ReachUnits]>;
  /** What it read from the project facts, by the file whose work read it (and the answers shared across files). */
  reads: FileReads;
  /** The reach (../cache/json.ts encoding). */
  result: unknown;
}

export interface FileCache {
  /** What the file rules read from the project facts, by reader (a file, or an answer shared across files). */
  reads: FileReads;
  /** Request reach and what it depended on, when it was computed without an error. */
  reach: StoredReach | null;
  /**
   * A digest of what resolving a specifier depends on (every project file and the project's shape:
   * packages, path mappings): while it is the same, every entry's `resolutions` still hold.
   */
  resolving: string;
  files: Map<string, FileEntry>;
}

const isCallees = (v: unknown) => isArray(v) && v.every((c) => c !== null && typeof c === 'object' && typeof (c as { file?: unknown }).file === 'string' && typeof (c as { key?: unknown }).key === 'string');

/** The stored reach's shape, down to each file's answers (a scan reuses them as they are). */
function isStoredReach(value: unknown): value is StoredReach {
  if (!value || typeof value !== 'object') return false;
  const { walked, reads } = value as Partial<StoredReach>;
  if (!isArray(walked) || !reads || !isArray(reads.tree) || !isArray(reads.names) || !isArray(reads.uses)) return false;
  return walked.every((w) => {
    if (!isArray(w) || typeof w[0] !== 'string' || typeof w[1] !== 'string' || !w[2] || typeof w[2] !== 'object') return false;
    const { seeds, steps } = w[2];
    if (seeds !== undefined && (!seeds || typeof seeds !== 'object' || !isCallees(seeds.handlers) || !isCallees(seeds.calls) || typeof seeds.routes !== 'number')) return false;
    return isArray(steps) && steps.every((st) => isArray(st) && isArray(st[0]) && st[0].every((k) => typeof k === 'string') && isCallees(st[1]));
  });
}

const isTrace = (v: unknown) => isArray(v) && v.every((t) => isObject(t) && typeof t.file === 'string' && typeof t.line === 'number' && typeof t.what === 'string');
const isSink = (v: unknown) => isObject(v) && typeof v.kind === 'string' && typeof v.sink === 'string' && isStrings(v.cleared) && isTrace(v.trace);
const isCall = (v: unknown) => isObject(v) && typeof v.module === 'string' && isStrings(v.path) && typeof v.arg === 'number' && isStrings(v.cleared) && isTrace(v.trace);
const isParamTaint = (v: unknown) =>
  isObject(v) && isArray(v.sinks) && v.sinks.every(isSink) && isArray(v.calls) && v.calls.every(isCall) && (v.returns === null || (isObject(v.returns) && isStrings(v.returns.cleared) && isTrace(v.returns.trace)));

/** An entry's taint summaries, when it holds them in their shape down to each trace step (a rule follows them as they are). */
export function storedSummaries(entry: FileEntry): TaintSummaries | undefined {
  const s: unknown = entry.summaries;
  return isObject(s) && Object.values(s).every((fn) => isObject(fn) && Object.values(fn).every(isParamTaint)) ? (s as TaintSummaries) : undefined;
}

const EMPTY = (): FileCache => ({ reads: NO_READS, resolving: '', reach: null, files: new Map() });

// files.json is JSON lines: the first holds the stamp, the key and `resolving`; the second the
// readers of the reads (`names`, `uses`) and how many trees follow, one line each (a tree per facts
// root: the repository's packages); then the stored reach; then one line per file, `[relPath,
// entry]`. A tree, a reach or an entry that a scan keeps as it was read (the same object) is written
// back as the line it was read from, not encoded again.
const lineOf = new WeakMap<object, string>();

export function readFileCache(dir: string, key: string, note: Note): FileCache {
  const path = join(dir, FILES_ENTRY);
  const text = readCacheText(path, note);
  if (text === undefined) return EMPTY();
  const corrupt = () => {
    note(`cache ${path} is corrupt; scanning without it`);
    return EMPTY();
  };
  const lines = text.split('\n');
  const parsed: unknown[] = [];
  for (const line of lines) {
    try {
      parsed.push(JSON.parse(line));
    } catch {
      return corrupt();
    }
    if (parsed.length > 1) continue;
    // The first line decides whether the rest is read: a file another prodcheck wrote may not be
    // lines at all, and one for another configuration is of no use.
    const head = parsed[0] as Partial<Head> | null;
    if (!fromThisProdcheck(path, head, note)) return EMPTY();
    if (!head || typeof head !== 'object' || typeof head.key !== 'string') return corrupt();
    if (head.key !== key) return EMPTY();
  }
  const head = parsed[0] as Head;
  const readers = parsed[1] as Partial<Omit<FileReads, 'tree'> & { trees: number }> | null;
  if (!readers || typeof readers !== 'object' || !Array.isArray(readers.names) || !Array.isArray(readers.uses) || typeof readers.trees !== 'number' || parsed.length < 3 + readers.trees) return corrupt();
  const tree: ReadNode[] = [];
  for (let i = 2; i < 2 + readers.trees; i++) {
    const root = parsed[i] as ReadNode | null;
    if (!root || typeof root !== 'object' || !root.s) return corrupt();
    tree.push(root);
    lineOf.set(root, lines[i] as string);
  }
  const reads: FileReads = { tree, names: readers.names, uses: readers.uses };
  const at = 2 + readers.trees;
  const reach = parsed[at];
  const stored = isStoredReach(reach) ? reach : null;
  if (stored) lineOf.set(stored, lines[at] as string);
  const files = new Map<string, FileEntry>();
  for (let i = at + 1; i < parsed.length; i++) {
    const item = parsed[i];
    if (!Array.isArray(item) || typeof item[0] !== 'string') return corrupt();
    const entry = item[1] as FileEntry | null;
    if (!entry || typeof entry !== 'object' || typeof entry.hash !== 'string') continue;
    files.set(item[0], entry);
    lineOf.set(entry, lines[i] as string);
  }
  return { reads, resolving: typeof head.resolving === 'string' ? head.resolving : '', reach: stored, files };
}

/** Writes the cache one file entry at a time (a large repository's entries are never one string in memory). */
export function writeFileCache(dir: string, key: string, cache: FileCache, note: Note): void {
  writeCacheText(
    dir,
    FILES_ENTRY,
    (write) => {
      // Lines kept from the file read are written back as they were read (ASCII: `writeCacheText`).
      const head: Head = { format: CACHE_FORMAT, version: VERSION, key, resolving: cache.resolving };
      write(JSON.stringify(head));
      const { tree, names, uses } = cache.reads;
      write(`\n${JSON.stringify({ names, uses, trees: tree.length })}`);
      for (const root of tree) write(`\n${lineOf.get(root) ?? JSON.stringify(root)}`);
      write(`\n${(cache.reach && lineOf.get(cache.reach)) ?? JSON.stringify(cache.reach)}`);
      for (const [rel, entry] of cache.files) {
        const kept = lineOf.get(entry);
        if (kept !== undefined && kept.startsWith(`[${asciiJson(JSON.stringify(rel))},`)) {
          write(`\n${kept}`);
          continue;
        }
        const { facts, ...stored } = entry;
        const json = JSON.stringify(stored);
        // A new module's facts are encoded as they are written (../cache/json.ts).
        const value = facts ? `${json.slice(0, -1)},"module":${stringifyEncoded(facts)}}` : json;
        write(`\n[${JSON.stringify(rel)},${value}]`);
      }
    },
    note,
  );
}
