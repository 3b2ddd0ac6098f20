// Where the cache lives. Default (DESIGN.md, "Robustness"): `<root>/node_modules/.cache/prodcheck`
// when the scanned root has a node_modules directory (the place build tools keep theirs, already
// ignored by git), else the OS cache directory in a subdirectory named by a hash of the root's path,
// so that prodcheck writes nothing else into the scanned repository.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export type Env = Record<string, string | undefined>;

/** The OS cache directory: XDG_CACHE_HOME or ~/.cache (Linux), ~/Library/Caches (macOS), %LOCALAPPDATA% (Windows). */
export function osCacheDirectory(env: Env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (platform === 'win32') return env.LOCALAPPDATA || join(home, 'AppData', 'Local');
  if (platform === 'darwin') return join(home, 'Library', 'Caches');
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec ignores a relative XDG_CACHE_HOME.
  return xdg && xdg.startsWith('/') ? xdg : join(home, '.cache');
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The cache directory for a scan of `root`: `explicit` (`--cache-location`, from the working directory) when given. */
export function cacheDirectory(root: string, explicit: string | undefined, env: Env): string {
  if (explicit !== undefined) return resolve(explicit);
  const abs = resolve(root);
  const modules = join(abs, 'node_modules');
  if (isDirectory(modules)) return join(modules, '.cache', 'prodcheck');
  const key = createHash('sha1').update(abs).digest('hex').slice(0, 16);
  return join(osCacheDirectory(env), 'prodcheck', key);
}
