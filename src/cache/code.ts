// Which prodcheck made a cache entry: its version and a fingerprint of its own code (the modules
// under src/ and rules/ next to this one: compiled .js when installed, .ts under vitest; or, in the
// bundled CLI (../cli/bundle.mjs), the bundle's files, with the dependencies it carries in vendor/ as
// .cjs), so that a rebuilt or edited prodcheck never reads results computed by another build of the
// same version.
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashBytes } from '../core/files.js';

let memo: string | undefined;

/** A hash of the names, sizes and modification times of prodcheck's own modules. */
export function codeFingerprint(): string {
  if (memo !== undefined) return memo;
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const base = dirname(dirname(dirname(here)));
  const parts: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if ((e.name.endsWith(ext) && !e.name.endsWith(`.d${ext}`)) || e.name.endsWith('.cjs')) {
        const s = statSync(path);
        parts.push(`${path}\0${s.size}\0${s.mtimeMs}`);
      }
    }
  };
  if (basename(dirname(here)) === 'cache') {
    walk(join(base, 'src'));
    walk(join(base, 'rules'));
  } else {
    // Bundled: this module is one of the bundle's files, all in one directory.
    walk(dirname(here));
  }
  memo = hashBytes(parts.join('\n'));
  return memo;
}
