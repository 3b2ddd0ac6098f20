// The compiled prodcheck, for the tests that need it: worker threads load compiled JavaScript (vitest
// runs the TypeScript sources in its own loader, which a worker thread does not have), and only the
// compiled CLI shows what a user's process loads. Compiled on demand into .build-test/ (gitignored)
// when missing or older than any source, once at a time (a lock directory), never skipped: the
// modules tsc compiles (`builtCli`) and, from them, the bundled CLI that `prodcheck` runs
// (`bundledCli`, src/cli/bundle.mjs), as `npm run build` makes both.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './fixtures.js';

export const BUILT = join(ROOT, '.build-test');
const STAMP = join(BUILT, '.built');

function newestSource(): number {
  let newest = statSync(join(ROOT, 'package.json')).mtimeMs;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|js|mjs)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(join(ROOT, 'src'));
  walk(join(ROOT, 'rules'));
  return newest;
}

function fresh(): boolean {
  return existsSync(STAMP) && statSync(STAMP).mtimeMs >= newestSource();
}

/** The path of the compiled CLI entry (`bin.js`), compiling first when needed. */
export function builtCli(): string {
  const lock = `${BUILT}.lock`;
  for (let waited = 0; !fresh(); waited += 250) {
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is compiling: wait for it (a stale lock from a killed run expires).
      if (waited > 180_000 || (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000)) rmSync(lock, { recursive: true, force: true });
      execFileSync('sleep', ['0.25']);
      continue;
    }
    try {
      if (!fresh()) {
        const started = Date.now();
        rmSync(BUILT, { recursive: true, force: true });
        execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.json'), '--outDir', BUILT, '--sourceMap', 'false', '--declaration', 'false'], { stdio: 'pipe' });
        // As `npm run build` does: the one JavaScript source (it loads the compiler; see its header).
        copyFileSync(join(ROOT, 'src/core/typescript.js'), join(BUILT, 'src/core/typescript.js'));
        execFileSync(process.execPath, [join(ROOT, 'src/cli/bundle.mjs'), BUILT], { stdio: 'pipe' });
        writeFileSync(STAMP, String(started));
        // The stamp must not look newer than a source edited during the compile.
        utimesSync(STAMP, started / 1000, started / 1000);
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return join(BUILT, 'src/cli/bin.js');
}

/** The path of the bundled CLI (what the `prodcheck` command runs), compiling and bundling first when needed. */
export function bundledCli(): string {
  builtCli();
  return join(BUILT, 'cli/prodcheck.js');
}
