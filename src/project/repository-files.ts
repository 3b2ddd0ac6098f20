// Repository files that are not sources: the ones that hold secrets when someone commits them (env
// files, private keys, `.npmrc`, credential JSON) and the ones that say how the service is built and
// shipped (Dockerfiles, lockfiles, CI configuration, Node version files). Source discovery reads only
// JS/TS; this lists these few kinds in one glob, honouring .gitignore files the way git does (a file
// ignored there is not committed), and hands them to project rules through the facts, so that no rule
// touches the disk.
import { readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { BUILTIN_IGNORES, globSourceFiles, SOURCE_LIST } from '../core/discover.js';
import { walkLists, type WalkList } from '../core/walk.js';
import { globby } from '../core/lazy.js';

export type RepositoryFileKind = 'env' | 'private-key' | 'npmrc' | 'credentials-json' | 'dockerfile' | 'lockfile' | 'ci' | 'node-version';

/** The kinds that can hold a secret (what `no-committed-secrets` reads). */
export const SECRET_FILE_KINDS: ReadonlySet<RepositoryFileKind> = new Set(['env', 'private-key', 'npmrc', 'credentials-json']);

export interface RepositoryFile {
  /** POSIX path relative to the root. */
  relPath: string;
  kind: RepositoryFileKind;
  /** The text, or null for a binary file (a `.p12` keystore), one too large to be a secret file, or a lockfile or CI file (only their presence matters). */
  text: string | null;
}

/** Lockfiles of npm, yarn, pnpm and bun. */
const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'];
/** CI configuration files, as paths from the repository root (`*` within one directory). */
const CI_FILES = [
  '.github/workflows/*.yml',
  '.github/workflows/*.yaml',
  '.gitlab-ci.yml',
  'Jenkinsfile',
  '.circleci/config.yml',
  'azure-pipelines.yml',
  'bitbucket-pipelines.yml',
  '.travis.yml',
  '.drone.yml',
  '.woodpecker.yml',
  '.woodpecker/*.yml',
  'appveyor.yml',
  '.appveyor.yml',
  '.buildkite/pipeline.yml',
  'buildspec.yml',
  'cloudbuild.yaml',
  'cloudbuild.yml',
  '.semaphore/semaphore.yml',
  'codefresh.yml',
  '.cirrus.yml',
];
const CI_ALTERNATIVES = CI_FILES.map((p) => p.replace(/\./g, '\\.').replace('*', '[^/]+')).join('|');
const CI_PATTERN = new RegExp(`(^|/)(${CI_ALTERNATIVES})$`);
/** A CI file at the top of a directory (`.github/workflows/ci.yml` relative to it), where CI services read it. */
export const CI_AT_TOP = new RegExp(`^(${CI_ALTERNATIVES})$`);
/** `Dockerfile`, `Dockerfile.prod`, `api.Dockerfile`, `Containerfile` (either case of the first letter). */
const DOCKERFILE = /^(?:[Dd]ockerfile|[Cc]ontainerfile)(?:\.[\w.-]+)?$|^[\w.-]+\.[Dd]ockerfile$/;
/** `dockerfile.ts`, `Dockerfile.md`: a module or a document about Dockerfiles, not one. */
const NOT_DOCKERFILE = /\.(?:[cm]?[jt]sx?|json|md|txt|ya?ml|sh|ps1|bak|orig)$/i;
const NODE_VERSION_FILES = new Set(['.nvmrc', '.node-version', '.tool-versions']);

const PATTERNS = [
  ...['Dockerfile', 'Containerfile'].flatMap((n) => [`**/${n}`, `**/${n}.*`, `**/${n.toLowerCase()}`, `**/${n.toLowerCase()}.*`]),
  '**/*.Dockerfile',
  '**/*.dockerfile',
  ...LOCKFILES.map((n) => `**/${n}`),
  ...CI_FILES.map((p) => `**/${p}`),
  ...[...NODE_VERSION_FILES].map((n) => `**/${n}`),
  '**/.env', '**/.env.*', '**/*.env', '**/*.pem', '**/*.key', '**/*.p12', '**/*.pfx', '**/id_rsa', '**/id_dsa', '**/id_ecdsa', '**/id_ed25519', '**/.npmrc', '**/*.json'];
/** JSON files that are never credentials, skipped without reading. */
const NOT_CREDENTIALS_JSON = /(^|\/)(package(-lock)?|tsconfig[\w.-]*|jsconfig|composer|lerna|nx|turbo|project|angular|vercel|renovate|\.?eslintrc|\.?prettierrc|\.?babelrc)\.json$/i;
/** Secret files are small; anything bigger is data or generated. */
const MAX_BYTES = 256 * 1024;

function kindOf(relPath: string): RepositoryFileKind | undefined {
  const original = basename(relPath);
  if (LOCKFILES.includes(original)) return 'lockfile';
  if (DOCKERFILE.test(original) && !NOT_DOCKERFILE.test(original)) return 'dockerfile';
  if (CI_PATTERN.test(relPath)) return 'ci';
  if (NODE_VERSION_FILES.has(original)) return 'node-version';
  const name = original.toLowerCase();
  if (name === '.npmrc') return 'npmrc';
  if (name === '.env' || name.startsWith('.env.') || name.endsWith('.env')) return 'env';
  if (/\.(pem|key|p12|pfx)$/.test(name) || /^id_(rsa|dsa|ecdsa|ed25519)$/.test(name)) return 'private-key';
  if (name.endsWith('.json') && !NOT_CREDENTIALS_JSON.test(relPath)) return 'credentials-json';
  return undefined;
}

function readText(path: string, kind: RepositoryFileKind): string | null {
  if (kind === 'lockfile' || kind === 'ci') return null;
  try {
    if (statSync(path).size > MAX_BYTES) return null;
    const buf = readFileSync(path);
    if (buf.subarray(0, 8000).includes(0)) return null;
    const text = buf.toString('utf8');
    // Credential JSON is read for one key; other JSON is not kept.
    if (kind === 'credentials-json' && !text.includes('"private_key"')) return null;
    return text;
  } catch {
    return null;
  }
}

/**
 * The repository's secret-prone, container, lockfile, CI and Node version files that git would
 * commit, sorted by path. JSON files without a `private_key` are left out. `listed`: their paths,
 * when discovery already listed them (`discoverWithRepository`).
 */
export function readRepositoryFiles(root: string, ignores: readonly string[] = [], listed?: readonly string[]): RepositoryFile[] {
  const paths = listed ?? walkLists(resolve(root), [...BUILTIN_IGNORES, ...ignores], [REPOSITORY_LIST])?.[0] ?? globRepositoryFiles(root, ignores);
  const out: RepositoryFile[] = [];
  for (const relPath of paths) {
    const kind = kindOf(relPath);
    if (!kind) continue;
    const text = readText(join(root, relPath), kind);
    if (kind === 'credentials-json' && text === null) continue;
    out.push({ relPath, kind, text });
  }
  return out;
}

/**
 * The source files (`discoverFiles`) and the repository files (`readRepositoryFiles`' list) of a
 * project, in one walk of its tree when the walk can give both lists.
 */
export function discoverWithRepository(root: string, ignores: readonly string[]): { sources: string[]; repository: string[] } {
  const lists = walkLists(resolve(root), [...BUILTIN_IGNORES, ...ignores], [SOURCE_LIST, REPOSITORY_LIST]);
  if (lists) return { sources: lists[0] as string[], repository: lists[1] as string[] };
  return { sources: globSourceFiles(root, ignores), repository: globRepositoryFiles(root, ignores) };
}

/** The repository-file list of the discovery walk: what the glob below kept, that has a kind. */
export const REPOSITORY_LIST: WalkList = { patterns: PATTERNS, dot: true, gitignore: 'root', candidate: (_name, relPath) => kindOf(relPath) !== undefined };

/**
 * The candidates by globby (sorted, with a kind, not ignored by a .gitignore): what the walk falls
 * back to when it cannot give the same list (see ../core/walk.ts).
 */
export function globRepositoryFiles(root: string, ignores: readonly string[] = []): string[] {
  const paths = globby().globbySync(PATTERNS, {
    cwd: root,
    ignore: [...BUILTIN_IGNORES, ...ignores],
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
  })
    .filter((relPath) => kindOf(relPath) !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // Reading every .gitignore costs more than the glob: only when there is something to check.
  if (paths.length === 0) return paths;
  const ignored = globby().isGitIgnoredSync({ cwd: root });
  return paths.filter((relPath) => !ignored(relPath));
}
