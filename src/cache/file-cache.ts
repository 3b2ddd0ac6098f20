// The per-file cache (`files.json` next to the whole-scan entry): for each source file, by the hash
// of its content, whether it parsed, its module facts with the resolutions they were built with,
// and its file rules' results with what those rules read from the project facts (./record.ts). A
// later scan parses a file only when its module facts or its results no longer hold, or when request
// reach needs its syntax tree. Valid for one configuration and one build of prodcheck (`key`).
import { join } from 'node:path';
import type { FileResult } from '../parallel/shard.js';
import { VERSION } from '../version.js';
import type { Reads } from './record.js';
import type { ModuleFacts } from '../project/modules.js';
import { stringifyEncoded } from './json.js';
import { CACHE_FORMAT, readCacheFile, writeCacheText, type Note } from './scan-cache.js';

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
  /** Module facts (../cache/json.ts encoding) and the specifiers they resolved, with the files they resolved to. */
  module?: unknown;
  /** Module facts to store, encoded only when written (`module` is then absent). */
  facts?: ModuleFacts;
  resolutions?: Array<[string, string | null]>;
  result?: CachedResult;
}

interface Stored {
  format: number;
  version: string;
  key: string;
  /** What the file rules read from the project facts when they computed the cached results. */
  reads: Reads;
  /** What module resolution depended on when the entries' resolutions were last built or checked (see `FileCache`). */
  resolving: string;
  reach: StoredReach | null;
  files: Record<string, FileEntry>;
}

/** Request reach as a scan computed it, and what it depended on. */
export interface StoredReach {
  /** A digest of the files it started from: those taking part (not tests) and those that may register handlers. */
  start: string;
  /** Every file whose syntax tree it walked, with its content hash. */
  walked: Array<[string, string]>;
  /** What it read from the project facts. */
  reads: Reads;
  /** The reach (../cache/json.ts encoding). */
  result: unknown;
}

export interface FileCache {
  reads: Reads;
  /** Request reach and what it depended on, when it was computed without an error. */
  reach: StoredReach | null;
  /**
   * A digest of what resolving a specifier depends on (every project file and the project's shape:
   * packages, path mappings): while it is the same, every entry's `resolutions` still hold.
   */
  resolving: string;
  files: Map<string, FileEntry>;
}

const EMPTY = (): FileCache => ({ reads: [], resolving: '', reach: null, files: new Map() });

export function readFileCache(dir: string, key: string, note: Note): FileCache {
  const path = join(dir, FILES_ENTRY);
  const raw = readCacheFile(path, note);
  if (raw === undefined) return EMPTY();
  const value = raw as Partial<Stored> | null;
  if (!value || typeof value !== 'object' || typeof value.key !== 'string' || !value.files || typeof value.files !== 'object' || !Array.isArray(value.reads)) {
    note(`cache ${path} is corrupt; scanning without it`);
    return EMPTY();
  }
  if (value.key !== key) return EMPTY();
  const files = new Map<string, FileEntry>();
  for (const [rel, entry] of Object.entries(value.files)) if (entry && typeof entry === 'object' && typeof entry.hash === 'string') files.set(rel, entry);
  const reach = value.reach && typeof value.reach === 'object' && Array.isArray(value.reach.walked) && Array.isArray(value.reach.reads) ? value.reach : null;
  return { reads: value.reads, resolving: typeof value.resolving === 'string' ? value.resolving : '', reach, files };
}

/** Writes the cache one file entry at a time (a large repository's entries are never one string in memory). */
export function writeFileCache(dir: string, key: string, cache: FileCache, note: Note): void {
  writeCacheText(
    dir,
    FILES_ENTRY,
    (write) => {
      const head: Omit<Stored, 'files'> = { format: CACHE_FORMAT, version: VERSION, key, reads: cache.reads, resolving: cache.resolving, reach: cache.reach };
      write(`${JSON.stringify(head).slice(0, -1)},"files":{`);
      let first = true;
      for (const [rel, entry] of cache.files) {
        const { facts, ...stored } = entry;
        const json = JSON.stringify(stored);
        // A new module's facts are encoded as they are written (../cache/json.ts).
        const value = facts ? `${json.slice(0, -1)},"module":${stringifyEncoded(facts)}}` : json;
        write(`${first ? '' : ','}${JSON.stringify(rel)}:${value}`);
        first = false;
      }
      write('}}');
    },
    note,
  );
}
