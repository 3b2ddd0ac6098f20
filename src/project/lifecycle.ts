// What the service rules about a server's process lifecycle share: where each service listens
// (the services are ./services.ts's), and what a process handler does when it lives in another file.
import type { HandlerEffects, HandlerTarget, ProcessHandler } from './evidence/process-lifecycle.js';
import type { ProjectFacts } from './facts.js';
import { processFiles } from './graph.js';
import { relativePath, serviceEntryPoints } from './services.js';

/** Server entry points the lifecycle rules judge (the project's services), with where each listens. */
export function serverEntries(facts: ProjectFacts): Array<{ file: string; rel: string; line: number; column: number }> {
  const out = [];
  for (const file of serviceEntryPoints(facts)) {
    const at = facts.modules.get(file)?.listenAt;
    if (!at) continue;
    out.push({ file, rel: relativePath(facts, file), line: at.line, column: at.column });
  }
  return out;
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
    // Only a file of these facts (a package's view holds its own package's files): another package's export is unknown.
    const exported = hit && facts.modules.has(hit.file) ? facts.lifecycleExports(hit.file) : undefined;
    base = hit && exported && Object.hasOwn(exported, hit.name) ? exported[hit.name] : undefined;
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
