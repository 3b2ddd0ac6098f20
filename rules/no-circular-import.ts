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
// edges; tests and browser code are left out. A component is reported only when one of its modules
// reads another's binding while loading (../src/project/load-time.ts): `extends`, a decorator argument,
// a static field, a top-level call, a re-export, a `require` at the top, or a decorated member typed
// with the class under `emitDecoratorMetadata` (judged by the nearest tsconfig.json that includes the
// file; assumed when none does). Entities that name each other only in thunks (`@ManyToOne(() => User)`)
// or services that call each other only inside functions cannot see a half-initialised module, whatever
// the load order; a thunk counts as read at load when its module puts its class to use at load
// (`SchemaFactory.createForClass(Cat)`, `PartialType(Post)`, `plainToInstance(AppConfig, …)` call it). One finding per component, at such an import in
// its first file (in path order) that has one, starting the shortest cycle through that file.
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
      'split apart on their own. Reported when a module of the cycle reads another one while loading: `extends`, a ' +
      'decorator argument, a static field, a top-level call, a re-export, a top-level `require`, or (under ' +
      '`emitDecoratorMetadata`) a decorated property or injected parameter typed with the other class. A cycle whose ' +
      'modules name each other only inside functions, such as ORM relation thunks `@ManyToOne(() => User)` or ' +
      '`forwardRef(() => UsersModule)`, cannot see a half-initialised module and is not reported, unless the module ' +
      'puts that class to use while loading (`SchemaFactory.createForClass(Cat)`, `PartialType(Post)` and ' +
      '`plainToInstance(AppConfig, …)` call its thunks).',
    fix:
      'Move what both modules need (types, constants, a shared helper) into a third module they both import; invert the ' +
      'dependency by passing a function or an instance in; or, when the cycle is deliberate, use `import type` for types, ' +
      'refer to the other module only inside functions (a relation thunk, with the property typed `Relation<User>` so ' +
      'decorator metadata does not name the class), and a lazy `require`/`import()` inside the function that needs it.',
    sites: 'modules in the import graph',
    examples: {
      invalid: [
        {
          filename: 'src/notifications/notifications.service.ts',
          code:
            "import { orderEvents, type Order } from '../orders/orders.service';\n\n" +
            'export async function notifyCustomer(customerId: string, text: string) {\n  console.info(customerId, text);\n}\n\n' +
            '// Runs at load: orders.service must have loaded first\n' +
            "orderEvents.on('shipped', (order: Order) => notifyCustomer(order.customerId, 'order shipped'));\n\n" +
            '// src/orders/orders.service.ts imports { notifyCustomer } from ../notifications/notifications.service\n',
        },
        {
          filename: 'src/orders/order.entity.ts',
          code:
            "import { Entity, ManyToOne } from 'typeorm';\n" +
            "import { Customer } from '../customers/customer.entity';\n\n" +
            '@Entity()\nexport class Order {\n' +
            '  // emitDecoratorMetadata emits the type, Customer, when the class is defined\n' +
            '  @ManyToOne(() => Customer, (customer) => customer.orders)\n  customer: Customer;\n}\n\n' +
            '// src/customers/customer.entity.ts imports { Order } from ../orders/order.entity\n',
        },
      ],
      valid: [
        {
          filename: 'src/orders/order.entity.ts',
          code:
            "import { Entity, ManyToOne, type Relation } from 'typeorm';\n" +
            "import { Customer } from '../customers/customer.entity';\n\n" +
            '@Entity()\nexport class Order {\n' +
            '  // Only the thunk reads Customer, after every entity has loaded\n' +
            '  @ManyToOne(() => Customer, (customer) => customer.orders)\n  customer: Relation<Customer>;\n}\n',
        },
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
