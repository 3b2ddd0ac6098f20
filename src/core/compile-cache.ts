// Loading TypeScript's compiler is the largest fixed cost of a scan that parses anything: V8
// compiles its 9 MB of JavaScript (about 0.2 s here) before one file is read. Node 22 keeps such
// work in a code cache (`module.enableCompileCache`); Node 20, which prodcheck supports, does not,
// so the compiler is required through V8's code cache here: the compiled code is kept in the OS
// cache directory, in a file named by a hash of the source's content, the Node build and its flags,
// and handed back to V8, which checks that it was made by this V8 with these flags for a source of
// this length (not its content: hence the name) and otherwise compiles anew. The cache is written
// once, when the process exits after the first use (with the functions the run compiled on the way),
// and again only when V8 rejects it. A file not used for 30 days (another Node build, other flags, an
// older compiler) is removed when another is written.
// `NODE_DISABLE_COMPILE_CACHE=1` (Node's own switch for its compile cache) turns it off.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { isMainThread } from 'node:worker_threads';
import { osCacheDirectory } from '../cache/location.js';

const status = new Map<string, 'compiled' | 'cached' | 'rejected'>();

/**
 * The V8 flags this process set while running (`setV8Flags`). V8 checks them against a code cache
 * as it checks those given on the command line, so they are part of a cache file's name too: a
 * process that set none (the ESLint plugin, the library) and one that did keep a file each.
 */
let runtimeFlags: readonly string[] = [];

/** Sets V8 flags for the whole process (every thread), before the code they concern is compiled. */
export function setV8Flags(flags: readonly string[]): void {
  for (const flag of flags) setFlagsFromString(flag);
  runtimeFlags = [...runtimeFlags, ...flags];
}

/** The V8 flags set so far (`setV8Flags`), for a worker thread to note as its own (`noteV8Flags`). */
export function v8FlagsSet(): readonly string[] {
  return runtimeFlags;
}

/** In a worker thread: the flags its process set, which apply to every thread, but were noted in another. */
export function noteV8Flags(flags: readonly string[]): void {
  runtimeFlags = [...flags];
}

/** How `requireCompiled` loaded a file in this process: compiled anew (no cache yet), from the cache, or compiled anew because V8 rejected the cache. */
export function compileCacheStatus(file: string): 'compiled' | 'cached' | 'rejected' | undefined {
  return status.get(file);
}

/** Where compiled code is kept (null: not at all). */
export function compileCacheDirectory(env: Record<string, string | undefined> = process.env): string | null {
  if (env.NODE_DISABLE_COMPILE_CACHE) return null;
  return join(osCacheDirectory(env), 'prodcheck', 'compile');
}

/**
 * `require(specifier)` from `from` (a module's URL), compiled through V8's code cache in `dir`. The
 * module is registered in `require.cache` as `require` would, so that any other module requiring
 * it (ts-morph, for `--types`) gets the very same exports.
 */
export function requireCompiled(specifier: string, from: string, dir: string | null): unknown {
  const require = createRequire(from);
  const file = require.resolve(specifier);
  if (dir === null || require.cache[file]) return require(file);
  let source: string;
  let cachePath: string;
  try {
    source = readFileSync(file, 'utf8');
    // One cache file per source content, Node build and flags (about 15 ms to hash the compiler's 9 MB).
    const name = createHash('sha1').update(JSON.stringify([process.version, process.arch, process.execArgv, runtimeFlags])).update(source).digest('hex').slice(0, 16);
    cachePath = join(dir, `${name}.bin`);
  } catch {
    return require(file);
  }
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cachePath);
  } catch {
    cachedData = undefined;
  }
  // The function CommonJS wraps a module's source in (as `require` does), compiled from the cache.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
  const script = new Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = new Module(file);
  module.filename = file;
  require.cache[file] = module;
  try {
    const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
    wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  } catch (err) {
    delete require.cache[file];
    throw err;
  }
  module.loaded = true;
  const fresh = !cachedData || script.cachedDataRejected === true;
  status.set(file, !cachedData ? 'compiled' : fresh ? 'rejected' : 'cached');
  if (!fresh && isMainThread) markUsed(cachePath);
  if (fresh && isMainThread) {
    process.once('exit', () => {
      try {
        mkdirSync(dir, { recursive: true });
        const temp = `${cachePath}.${process.pid}.tmp`;
        writeFileSync(temp, script.createCachedData());
        renameSync(temp, cachePath);
        pruneUnused(dir, cachePath);
      } catch {
        // A cache that cannot be written costs the next run its compile time, nothing else.
      }
    });
  }
  return module.exports;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** A cache file not used for this long is removed when another is written (another Node build, flags or compiler version). */
export const UNUSED_FOR_MS = 30 * DAY_MS;

/** Dates a cache file V8 accepted as used today (its modification time, set at most once a day). */
function markUsed(path: string): void {
  try {
    const now = Date.now();
    if (now - statSync(path).mtimeMs > DAY_MS) utimesSync(path, now / 1000, now / 1000);
  } catch {
    // Not dated: at worst it is removed after 30 days and compiled again once.
  }
}

/**
 * Removes the cache files (and temporary files left by a process that died writing) not used for
 * 30 days: each Node build, set of flags and compiler version leaves its own file, about 3 MB each.
 */
function pruneUnused(dir: string, keep: string): void {
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === keep || !/^[0-9a-f]{16}\.bin(\.\d+\.tmp)?$/.test(name)) continue;
    try {
      const age = now - statSync(path).mtimeMs;
      if (age > (name.endsWith('.tmp') ? DAY_MS : UNUSED_FOR_MS)) rmSync(path, { force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}
