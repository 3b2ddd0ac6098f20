// What the service rules about a server's process lifecycle share: which entry points are real
// long-running servers (not a serverless handler's local runner), and what a process handler does
// when it lives in another file.
import { basename, dirname, relative } from 'node:path';
import type { HandlerEffects, HandlerTarget, ProcessHandler } from './evidence/process-lifecycle.js';
import type { ProjectFacts } from './facts.js';
import { packageName } from './facts.js';
import { processFiles } from './graph.js';
import { readPackageJson } from './package-json.js';

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
    out.push({ file, rel: relPath(facts, file), line: at.line, column: at.column });
  }
  return out;
}

export function relPath(facts: ProjectFacts, file: string): string {
  return relative(facts.root, file).split('\\').join('/');
}

/** The `process.on(…)` handlers installed by the files the entry point's process loads, in path order. */
export function processHandlersOf(facts: ProjectFacts, entry: string): Array<ProcessHandler & { file: string }> {
  const out: Array<ProcessHandler & { file: string }> = [];
  for (const file of [...processFiles(facts, entry)].sort()) {
    for (const h of facts.modules.get(file)?.evidence.processLifecycle.handlers ?? []) out.push({ ...h, file });
  }
  return out;
}

/**
 * What a handler does, following an imported handler to its file and the project functions it
 * calls into theirs; null when some part cannot be seen (a parameter, a package's function).
 */
export function handlerEffects(facts: ProjectFacts, target: HandlerTarget, depth = 0): HandlerEffects | null {
  if (target.kind === 'unknown' || depth > 4) return null;
  let base: HandlerEffects | undefined;
  if (target.kind === 'effects') base = target.effects;
  else {
    const hit = facts.lookupExport(target.file, target.name);
    base = hit && facts.modules.get(hit.file)?.evidence.processLifecycle.exported[hit.name];
  }
  if (!base) return null;
  const out = { ...base };
  for (const call of base.calls) {
    const at = call.lastIndexOf('#');
    const inner = handlerEffects(facts, { kind: 'import', file: call.slice(0, at), name: call.slice(at + 1) }, depth + 1);
    if (!inner) return null;
    out.exits ||= inner.exits;
    out.closes ||= inner.closes;
    out.opaque ||= inner.opaque;
  }
  return out;
}
