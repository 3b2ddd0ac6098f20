// The inputs of a scan besides its source files, in one place: what the project facts and the
// project rules read from the disk (every package.json and tsconfig, pnpm-workspace.yaml, the
// files of ../project/repository-files.ts: Dockerfiles, lockfiles, CI files, env and key files,
// credential JSON, Node version files) and what decides which files are discovered (.gitignore).
// The cache records a superset of those by name, and every directory of the tree, so that a file
// added anywhere, or a change to any input, is seen without globbing the repository again.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hashBytes, sameFile, sameStat, stampOf, type FileStamp } from '../core/files.js';

/** Directories never looked into: dependencies and git's own store. */
const PRUNED = new Set(['node_modules', '.git']);

const INPUT_NAMES = new Set([
  'package.json',
  'pnpm-workspace.yaml',
  '.gitignore',
  '.npmrc',
  '.nvmrc',
  '.node-version',
  '.tool-versions',
  'Jenkinsfile',
  'yarn.lock',
  'bun.lock',
  'bun.lockb',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
]);
/** JSON (tsconfig*.json, jsconfig.json, lockfiles, credentials), YAML (CI, pnpm), Dockerfiles, env and key files. */
const INPUT_PATTERN = /\.(json|ya?ml|env|pem|key|p12|pfx)$|^\.env|^(?:[Dd]ockerfile|[Cc]ontainerfile)|\.[Dd]ockerfile$/;

/** Whether a file of this name can be read by the facts or the project rules (a superset of what they read). */
export function isScanInput(name: string): boolean {
  return INPUT_NAMES.has(name) || INPUT_PATTERN.test(name);
}

export interface TreeSnapshot {
  /** Every directory under the root (POSIX relative, '' the root) with its modification time: an entry added, removed or renamed changes it. */
  dirs: Record<string, number>;
  /** Input files (POSIX relative) as they were. */
  inputs: Record<string, FileStamp>;
  /** `.gitignore` files above the root up to the repository's top (absolute paths), which git also applies: null when absent. */
  above: Record<string, number | null>;
}

export function stampFile(path: string): FileStamp | null {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return null;
    return stampOf(stat, hashBytes(readFileSync(path)));
  } catch {
    return null;
  }
}

function mtimeOf(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/** The `.gitignore` files from the root's parent up to the directory holding `.git` (or the file system's root). */
function gitignoresAbove(root: string): string[] {
  const out: string[] = [];
  if (mtimeOf(join(root, '.git')) !== null) return out;
  for (let dir = dirname(root); ; dir = dirname(dir)) {
    out.push(join(dir, '.gitignore'));
    if (mtimeOf(join(dir, '.git')) !== null || dirname(dir) === dir) return out;
  }
}

/**
 * Walks the tree once: directories' times and the input files' stamps. Taken before the scan reads
 * anything. `previous`: a former snapshot's inputs, whose stamps stand for the files that are the
 * same files, unchanged (size, times and inode: those are not read again).
 */
export function snapshotTree(root: string, previous?: Readonly<Record<string, FileStamp>>): TreeSnapshot {
  const snapshot: TreeSnapshot = { dirs: {}, inputs: {}, above: {} };
  const walk = (abs: string, rel: string): void => {
    const mtime = mtimeOf(abs);
    if (mtime === null) return;
    snapshot.dirs[rel] = mtime;
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (!PRUNED.has(e.name)) walk(join(abs, e.name), childRel);
      } else if (isScanInput(e.name)) {
        const before = previous?.[childRel];
        const stamp = before && sameFile(join(abs, e.name), before) ? before : stampFile(join(abs, e.name));
        if (stamp) snapshot.inputs[childRel] = stamp;
      }
    }
  };
  walk(root, '');
  for (const path of gitignoresAbove(root)) snapshot.above[path] = mtimeOf(path);
  return snapshot;
}

/**
 * Both snapshots hold the same input files with the same contents (none added, removed or changed):
 * by their hashes, which `snapshotTree` takes from a former snapshot only for the same files unchanged.
 */
export function sameInputs(a: Readonly<Record<string, FileStamp>>, b: Readonly<Record<string, FileStamp>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((rel) => {
    const x = a[rel];
    const y = b[rel];
    return !!x && !!y && typeof x.hash === 'string' && x.hash === y.hash && x.size === y.size;
  });
}

/** Whether a file still has the content its stamp records: the same file unchanged (`sameStat`), else the same hash. */
export function unchanged(path: string, stamp: FileStamp | null): boolean {
  if (stamp === null) return false;
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return false;
  }
  if (sameStat(stat, stamp)) return true;
  if (stamp.hash === null || stat.size !== stamp.size) return false;
  try {
    return hashBytes(readFileSync(path)) === stamp.hash;
  } catch {
    return false;
  }
}

/** Whether the tree still holds the same directories and inputs (`dirs` proves no entry was added or removed anywhere). */
export function treeUnchanged(root: string, snapshot: TreeSnapshot): boolean {
  for (const [rel, mtime] of Object.entries(snapshot.dirs)) if (mtimeOf(rel === '' ? root : join(root, rel)) !== mtime) return false;
  for (const [rel, stamp] of Object.entries(snapshot.inputs)) if (!unchanged(join(root, rel), stamp)) return false;
  for (const [path, mtime] of Object.entries(snapshot.above)) if (mtimeOf(path) !== mtime) return false;
  return true;
}
