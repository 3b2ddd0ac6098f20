// The service a project runs, for the rules that judge a service as a whole (a health route, a
// structured logger, telemetry). A service is a server entry point (a file that listens); one in
// an examples, demo, benchmark or docs folder, or a supertest `test.js`, ships nothing, and a
// package without any entry point (a library, a CLI, a Lambda handler module) is no service.
import { basename, dirname, relative, sep } from 'node:path';
import { packageName, type ProjectFacts } from './facts.js';
import { importClosure } from './graph.js';
import { readPackageJson } from './package-json.js';
import { memoOn } from './memo.js';

const NOT_SHIPPED_DIR = /^(examples?|demos?|samples?|benchmarks?|bench|docs?|playground|fixtures?)$/i;
const TEST_LIKE_FILE = /^(tests?|specs?)\.[cm]?[jt]sx?$/i;

export interface Service {
  /** The entry point a finding about the whole service points at (absolute). */
  entry: string;
  /** It, relative to the scanned root (POSIX). */
  relPath: string;
  /** Where it listens (1-based). */
  line: number;
  column: number;
  /** Files any service entry point loads, entry points included (absolute). */
  files: ReadonlySet<string>;
}

/** POSIX path of `file` relative to the scanned root. */
export function relativePath(facts: ProjectFacts, file: string): string {
  return relative(facts.root, file).split(sep).join('/');
}

/** Packages that adapt an HTTP app to a serverless function: the platform owns the process. */
const SERVERLESS_ADAPTERS = new Set(['serverless-http', '@vendia/serverless-express', '@codegenie/serverless-express', 'aws-serverless-express', '@h4ad/serverless-adapter', 'aws-lambda-fastify', '@fastify/aws-lambda']);
const LOCAL_RUNNER = /(^|[._-])(local|dev|offline)([._-]|$)/i;

/**
 * A file that listens but belongs to a serverless function: it imports a serverless adapter or
 * exports `handler`, or it is the local runner (`local.ts`, `dev-server.ts`) of a project that does.
 */
export function isServerlessEntry(facts: ProjectFacts, entry: string): boolean {
  const m = facts.modules.get(entry);
  if (!m) return false;
  if (m.exports.has('handler')) return true;
  if (m.imports.some((i) => !i.resolved && SERVERLESS_ADAPTERS.has(packageName(i.specifier)))) return true;
  return LOCAL_RUNNER.test(basename(entry)) && [...SERVERLESS_ADAPTERS].some((p) => facts.importsPackage(p));
}

const SERVER_FRAMEWORKS = ['express', 'fastify', 'koa', '@nestjs/core', '@hapi/hapi', 'hono', 'restify', '@medusajs/framework'];

/**
 * A file of a command-line package: its nearest package.json has `bin` and depends on no server
 * framework (a dev tool that starts a local registry or preview server is not a service).
 */
function isCliPackageFile(facts: ProjectFacts, file: string): boolean {
  for (let dir = dirname(file); dir.startsWith(facts.root); dir = dirname(dir)) {
    const { info } = readPackageJson(dir);
    if (info) return info.raw.bin !== undefined && !SERVER_FRAMEWORKS.some((f) => Object.hasOwn(info.dependencies, f));
    if (dir === facts.root) break;
  }
  return false;
}

/** Server entry points the lifecycle rules judge (not serverless, not a CLI package's), with where each listens. */
export function serverEntries(facts: ProjectFacts): Array<{ file: string; rel: string; line: number; column: number }> {
  const out = [];
  for (const file of facts.entryPoints) {
    const at = facts.modules.get(file)?.listenAt;
    if (!at || isServerlessEntry(facts, file) || isCliPackageFile(facts, file)) continue;
    out.push({ file, rel: relativePath(facts, file), line: at.line, column: at.column });
  }
  return out;
}

/**
 * Entry points that start a service the project ships, in path order: not in an examples, demo or
 * docs folder, not a `test.js`, not a serverless function's local runner, not a CLI package's
 * preview server. Every service-only rule judges these.
 */
export function serviceEntryPoints(facts: ProjectFacts): string[] {
  return facts.entryPoints.filter((entry) => {
    const segments = relativePath(facts, entry).split('/');
    const base = segments[segments.length - 1] ?? '';
    if (TEST_LIKE_FILE.test(base) || segments.slice(0, -1).some((d) => NOT_SHIPPED_DIR.test(d))) return false;
    return !isServerlessEntry(facts, entry) && !isCliPackageFile(facts, entry);
  });
}

/**
 * The project's service, or null when it has none: judged as one service (facts are per
 * scanned root), reported at its main entry point — a server file before a CLI command that
 * also listens, then the one that loads the most code (the application, not a dev tool).
 */
export function projectService(facts: ProjectFacts): Service | null {
  const entries = serviceEntryPoints(facts);
  if (entries.length === 0) return null;
  const rank = (e: string) => (facts.roles(e).has('server') ? 0 : 1);
  const [entry] = [...entries].sort((a, b) => rank(a) - rank(b) || importClosure(facts, b).size - importClosure(facts, a).size || (a < b ? -1 : a > b ? 1 : 0));
  if (entry === undefined) return null;
  const files = new Set<string>();
  for (const e of entries) for (const f of importClosure(facts, e)) files.add(f);
  const at = facts.modules.get(entry)?.listenAt ?? { line: 1, column: 1 };
  return { entry, relPath: relativePath(facts, entry), line: at.line, column: at.column, files };
}

const inUse = new WeakMap<object, Map<string, ReadonlySet<string>>>();

/** Packages the project declares in package.json or imports from any file (`@scope/pkg`, `pkg`). */
export function packagesInUse(facts: ProjectFacts): ReadonlySet<string> {
  return memoOn(inUse, facts, 'packagesInUse', () => {
    const names = new Set(Object.keys(facts.packageJson?.dependencies ?? {}));
    for (const m of facts.modules.values()) for (const imp of m.imports) if (!imp.resolved) names.add(packageName(imp.specifier));
    return names;
  });
}
