// Which parameters of exported functions hold an Express app or Router, from the calls that pass
// one (see ./evidence/express-params.ts): `routes(router)` in app.js with `router = express.Router()`
// makes the first parameter of routes/index.js's export a Router, and `users(router)` there passes it
// on to routes/users.js. Resolved once per scan, on first use, to a fixed point.
import type { ExpressReceiverKind } from '../core/express.js';
import type { ProjectFacts } from './facts.js';
import { memoOn } from './memo.js';

type Resolved = { byStart: Map<string, ExpressReceiverKind>; files: Set<string> };
const cache = new WeakMap<object, Map<string, Resolved>>();

/** The Express receiver the parameter whose name starts at `start` in `file` is always called with, if any. */
export function passedExpressReceiver(project: ProjectFacts, file: string, start: number): ExpressReceiverKind | null {
  return resolve(project).byStart.get(`${file}@${start}`) ?? null;
}

/** `file` registers routes on a parameter that receives an Express app or Router. */
export function registersOnPassedReceiver(project: ProjectFacts, file: string): boolean {
  return resolve(project).files.has(file);
}

function resolve(project: ProjectFacts): Resolved {
  // One answer for all package views: they share `repositoryModules`.
  return memoOn(cache, project.repositoryModules, 'expressReceivers', () => resolveReceivers(project));
}

function resolveReceivers(project: ProjectFacts): Resolved {
  // Only the modules with such calls or parameters: a file added without any changes nothing here.
  const modules = project.repositoryModulesWith('expressParams');
  const exportKey = (module: string, path: readonly string[]) => {
    if (path.length > 1) return undefined;
    const found = project.lookupExport(module, path[0] ?? 'default');
    return found ? `${found.file}#${found.name}` : undefined;
  };
  const known = new Map<string, ExpressReceiverKind>();
  const edges: Array<{ from: string; to: string }> = [];
  for (const m of modules.values()) {
    for (const c of m.evidence.expressParams?.calls ?? []) {
      const target = exportKey(c.module, c.path);
      if (!target) continue;
      const to = `${target}#${c.arg}`;
      if ('receiver' in c) known.set(to, c.receiver);
      else if ('param' in c) edges.push({ from: `${m.path}#${c.param.key}#${c.param.index}`, to });
      else {
        const receiver = c.imported.path.length <= 1 ? project.lookupExport(c.imported.module, c.imported.path[0] ?? 'default')?.info.expressReceiver : null;
        if (receiver) known.set(to, receiver);
      }
    }
  }
  for (let changed = true, round = 0; changed && round < 10; round++) {
    changed = false;
    for (const { from, to } of edges) {
      const kind = known.get(from);
      if (kind && !known.has(to)) {
        known.set(to, kind);
        changed = true;
      }
    }
  }
  const hit: Resolved = { byStart: new Map(), files: new Set() };
  for (const m of modules.values()) {
    for (const p of m.evidence.expressParams?.params ?? []) {
      const kind = known.get(`${m.path}#${p.key}#${p.index}`);
      if (!kind) continue;
      hit.byStart.set(`${m.path}@${p.start}`, kind);
      hit.files.add(m.path);
    }
  }
  return hit;
}
