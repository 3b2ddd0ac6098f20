// The scan as the CLI runs it: first the cache (../cache/scan-cache.ts), which answers a re-scan of
// an unchanged repository from this module's light imports alone; only on a miss does it import the
// configuration loader, the rules and the scan (and with them TypeScript), then store the result.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cacheDirectory, type Env } from '../cache/location.js';
import { sameInputs, snapshotTree } from '../cache/inputs.js';
import { lookupScanEntry, storedShape, writeScanEntry, type Note, type RuleMeta, type ScanEntry, type ScanKeyInput } from '../cache/scan-cache.js';
import { hashBytes, normaliseText, readSource } from '../core/files.js';
import { redactRange } from '../core/secrets.js';
import type { AnyRule, Report, Severity } from '../core/types.js';

export interface CachedScanOptions {
  root: string;
  /** `--config FILE`, relative to the working directory. */
  configFile?: string;
  types: boolean;
  jobs: number;
  /** Fewest files for which worker threads are used (internal: tests and the benchmark lower it). */
  parallelMinFiles?: number;
  /** Where the cache lives (`--cache-location`, else the default for the root); null: `--no-cache`. */
  cache: { location: string | undefined; env: Env } | null;
  /** One line for stderr about the cache (ignored, unwritable): never an error. */
  note: Note;
  onProgress?: (progress: { done: number; total: number }) => void;
  /** Runs once the configuration is known to be good, before the scan's work. */
  beforeScan(): void;
}

export interface CachedScan {
  report: Report;
  source(relPath: string): string | undefined;
  /** The rules in the registry's order (from a cached report: their data without code, all reporters read). */
  rules: readonly AnyRule[];
  ruleOf(id: string): AnyRule | undefined;
  thresholds: { minScore: number | null; failOn: Severity | 'none' | null };
  /** What the cache did (for `PRODCHECK_DEBUG_CACHE=1`, tests and the benchmark). */
  stats: CacheStats;
}

export interface CacheStats {
  /** The whole-scan cache: answered the scan, did not, or was not used (`--no-cache`, `--types`). */
  scan: 'hit' | 'miss' | 'off';
  /** When the scan ran: threads used, files parsed and checked. */
  threads?: number;
  read?: number;
  parsed?: number;
  checked?: number;
}

/** The key part for an explicit `--config` file: its path and content hash (undefined: unreadable, so no cache; the loader reports it). */
function configFileKey(configFile: string | undefined): string | null | undefined {
  if (configFile === undefined) return null;
  const path = resolve(configFile);
  try {
    return `${path}\0${hashBytes(readFileSync(path))}`;
  } catch {
    return undefined;
  }
}

function fromEntry(root: string, entry: ScanEntry): CachedScan {
  const rules = entry.rules as unknown as AnyRule[];
  const byId = new Map(rules.map((r) => [r.id, r]));
  const texts = new Map<string, string | undefined>();
  return {
    report: entry.report,
    // The text the scan read (the files are unchanged), masked where the scan masked it.
    source(relPath) {
      if (texts.has(relPath)) return texts.get(relPath);
      if (!Object.hasOwn(entry.files, relPath)) return undefined;
      const read = readSource(root, relPath);
      let text = 'text' in read ? normaliseText(read.text) : undefined;
      if (text !== undefined) {
        for (const r of entry.redactions) if (r.file === relPath && r.end > r.start) text = redactRange(text, r.start, r.end);
      }
      texts.set(relPath, text);
      return text;
    },
    rules,
    ruleOf: (id) => byId.get(id),
    thresholds: entry.thresholds,
    stats: { scan: 'hit' },
  };
}

export async function cachedScan(given: CachedScanOptions): Promise<CachedScan> {
  // One note per problem: both cache files failing to be written is one unwritable directory.
  const noted = new Set<string>();
  const note: Note = (message) => {
    const key = message.replace(/ \(.*?\)/g, '').replace(/cache \S+/, 'cache');
    if (noted.has(key)) return;
    noted.add(key);
    given.note(message);
  };
  const options: CachedScanOptions = { ...given, note };
  const root = resolve(options.root);
  const configKey = configFileKey(options.configFile);
  // --types reads the installed dependencies' types (node_modules), which the cache does not track.
  const cache = options.cache && !options.types && configKey !== undefined ? options.cache : null;
  const dir = cache ? cacheDirectory(root, cache.location, cache.env) : null;
  const key: ScanKeyInput = { root, configFile: configKey ?? null, options: { types: options.types } };
  const found = dir ? lookupScanEntry(dir, key, options.note) : null;
  if (found?.hit) {
    options.beforeScan();
    return fromEntry(root, found.hit);
  }
  // Taken before anything is read, so that a change during the scan shows on the next one. When only
  // sources changed, the stored snapshot was just found to be this tree's, and the stored file list
  // is what discovery would find.
  const known = found?.sameTree ?? null;
  const previous = found?.previous ?? null;
  const tree = dir ? (known?.tree ?? snapshotTree(root, previous?.tree.inputs)) : null;
  // The project's shape is read from inputs alone (package.json files, tsconfigs, the workspace
  // files): while they are all as stored, none added or removed, the stored one stands, also when
  // source files were added or removed.
  const shape = previous && tree && sameInputs(previous.tree.inputs, tree.inputs) ? storedShape(previous) : undefined;
  const [{ loadConfig }, { scanWithSources }, registry] = await Promise.all([import('../config/load.js'), import('../scan.js'), import('../../rules/index.js')]);
  const config = loadConfig({ root: options.root, ...(options.configFile !== undefined ? { configFile: options.configFile } : {}) });
  options.beforeScan();
  const scanned = await scanWithSources({ root: options.root, config, types: options.types, jobs: options.jobs, ...(dir ? { cacheDir: dir, note: options.note } : {}), ...(known ? { known: { files: known.files, repository: known.repository } } : {}), ...(previous ? { stamps: previous.files } : {}), ...(shape ? { shape } : {}), ...(options.parallelMinFiles !== undefined ? { parallelMinFiles: options.parallelMinFiles } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  if (dir && tree) {
    writeScanEntry(
      dir,
      {
        key,
        tree,
        files: Object.fromEntries(scanned.stamps),
        repository: [...scanned.repository],
        report: scanned.report,
        rules: JSON.parse(JSON.stringify(registry.rules)) as RuleMeta[],
        thresholds: config.thresholds,
        redactions: scanned.redactions,
        shape: scanned.shape,
      },
      options.note,
    );
  }
  return { report: scanned.report, source: scanned.source, rules: registry.rules, ruleOf: registry.getRule, thresholds: config.thresholds, stats: { scan: dir ? 'miss' : 'off', ...scanned.stats } };
}
