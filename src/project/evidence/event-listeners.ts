// Evidence for no-floating-promise: a listener whose error reaches `emitAsync` of the EventEmitter2
// NestJS injects. Since @nestjs/event-emitter 2.0.2 every `@OnEvent` listener runs wrapped, its
// error logged, unless its options say `suppressErrors: false`; a listener registered by hand on the
// emitter (`this.events.on(…)`) is not wrapped. Either can live in any module, so the rule reads it
// from the facts of every module.
import { ts } from '../../core/typescript.js';
import { isInjectedEventEmitter2 } from '../../core/promises.js';
import { unwrap } from '../../core/references.js';
import type { CollectorFactory } from './index.js';
import { mentions } from './mentions.js';

const KINDS = [ts.SyntaxKind.PropertyAssignment, ts.SyntaxKind.ShorthandPropertyAssignment, ts.SyntaxKind.CallExpression];
/** EventEmitter2's methods that add a listener. */
const LISTEN = new Set(['on', 'once', 'many', 'onAny', 'addListener', 'prependListener', 'prependOnceListener', 'prependMany', 'prependAny', 'listenTo']);

export const eventListenersCollector: CollectorFactory = ({ referenceOf, sourceFile }) => {
  let found = false;
  return {
    kinds: mentions(sourceFile, ['suppressErrors', 'EventEmitter2', 'eventemitter2']) ? KINDS : [],
    visit(node) {
      if (found) return;
      // `@OnEvent('x', { suppressErrors: false })`, or any value that is not the literal `true`.
      // `{ suppressErrors }`: a value decided elsewhere, which may be false.
      if (ts.isShorthandPropertyAssignment(node)) {
        if (node.name.text === 'suppressErrors') found = true;
        return;
      }
      if (ts.isPropertyAssignment(node)) {
        if ((ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) && node.name.text === 'suppressErrors' && unwrap(node.initializer).kind !== ts.SyntaxKind.TrueKeyword) found = true;
        return;
      }
      const callee = ts.isCallExpression(node) ? unwrap(node.expression) : undefined;
      if (callee && ts.isPropertyAccessExpression(callee) && LISTEN.has(callee.name.text) && isInjectedEventEmitter2(callee.expression, referenceOf)) found = true;
    },
    finish(evidence) {
      evidence.eventListenersRethrow = found;
    },
  };
};
