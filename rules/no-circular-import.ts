// no-circular-import: modules of the project that import each other, directly or around a longer
// loop, when they load. Node then hands one of them a half-initialised module: a CommonJS
// `require` returns `{}` so far, an ESM import throws "Cannot access 'X' before initialization",
// and which one breaks depends on which file happened to load first — a change of import order in
// an unrelated file turns a working service into one that crashes at start-up or, worse, calls
// `undefined` on the first request.
//
// Cycles are the strongly connected components of the load-time import graph (see
// ../src/project/cycles.ts): type-only imports, imports whose bindings TypeScript erases, and
// `import()`/`require` inside functions (deliberately lazy, run after both modules loaded) are not
// edges; tests and browser code are left out. One finding per component, at the import in its first file (in path order) that starts
// the shortest cycle through that file.
import { relative, sep } from 'node:path';
import { defineProjectRule } from '../src/core/rule.js';
import { importCycles } from '../src/project/cycles.js';

export default defineProjectRule({
  id: 'no-circular-import',
  repository: true,
  category: 'architecture',
  severity: 'medium',
  recommended: true,
  defaultOptions: {},
  messages: {
    cycle:
      'Import cycle: {{chain}}{{more}} — whichever of these loads first sees the others half-initialised; ' +
      'move what they share into a module both import, or make one import lazy or type-only',
  },
  docs: {
    description: "Disallow import cycles between the project's own modules.",
    why:
      'When module A imports B and B imports A, Node evaluates one of them before the other has finished: a CommonJS ' +
      '`require` hands back an empty or partial `exports`, an ES module import throws "Cannot access before ' +
      'initialization", and a class used in a decorator or `extends` comes back `undefined`. Which module breaks depends ' +
      'on load order, so the service starts fine until an unrelated change reorders imports, and then fails at start-up or ' +
      'on the first request that reaches the partial module. Cycles also mean the modules cannot be understood, tested or ' +
      'split apart on their own.',
    fix:
      'Move what both modules need (types, constants, a shared helper) into a third module they both import; invert the ' +
      'dependency by passing a function or an instance in; or, when the cycle is deliberate, use `import type` for types ' +
      'and a lazy `require`/`import()` inside the function that needs the other module.',
    sites: 'modules in the import graph',
    examples: {
      invalid: [
        {
          filename: 'src/orders/orders.service.ts',
          code:
            "import { notifyCustomer } from '../notifications/notifications.service';\n\n" +
            'export async function placeOrder(customerId: string) {\n  await notifyCustomer(customerId, \'order placed\');\n}\n\n' +
            '// src/notifications/notifications.service.ts imports { placeOrder } from ../orders/orders.service\n',
        },
      ],
      valid: [
        {
          filename: 'src/orders/orders.service.ts',
          code:
            "import type { Notification } from '../notifications/notification';\n" +
            "import { notifyCustomer } from '../notifications/notifications.service';\n\n" +
            "export async function placeOrder(customerId: string): Promise<Notification> {\n  return notifyCustomer(customerId, 'order placed');\n}\n",
        },
      ],
    },
  },
  check(ctx) {
    const { facts } = ctx;
    const { cycles, modules } = importCycles(facts);
    ctx.countSite(modules);
    const rel = (file: string) => relative(facts.root, file).split(sep).join('/');
    for (const cycle of cycles) {
      const hidden = cycle.members.length - (cycle.chain.length - 1);
      ctx.report({
        file: rel(cycle.chain[0]!),
        line: cycle.first.line,
        column: cycle.first.column,
        messageId: 'cycle',
        data: {
          chain: cycle.chain.map(rel).join(' → '),
          more: hidden > 0 ? ` (and ${hidden} more module${hidden > 1 ? 's' : ''} in the same tangle)` : '',
        },
      });
    }
  },
});
