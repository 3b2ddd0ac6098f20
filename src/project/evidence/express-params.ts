// Route modules that receive their Express app or Router as a parameter: `module.exports = (router)
// => { router.route('/x').post(ctrl.add) }`, called as `require('./routes/x')(router)` from the app
// file (dvws-node, NodeGoat). A parameter is an Express receiver only by evidence from the calls:
// this collector records, per file, the calls into other project files that pass an Express app or
// Router (created here, typed, or imported) or a parameter of one of this file's exports (passed on,
// `routes/index.js` handing `router` to each route module), and the parameters of this file's exports
// that receive route registrations. ../express-params.ts resolves them across the project.
import { ts } from '../../core/typescript.js';
import { EXPRESS_ROUTE_METHODS, expressCreation, expressTypeOf, type ExpressReceiverKind } from '../../core/express.js';
import { exportedValues } from '../../core/handlers.js';
import { isFunctionNode, type FunctionNode } from '../../core/promises.js';
import { unwrap } from '../../core/references.js';
import type { CollectorFactory } from './index.js';

/** A call into another project file (`module`'s export at `path`) with an Express receiver, or one of this file's parameters, as argument `arg`. */
export type ReceiverArgument = { module: string; path: string[]; arg: number } & (
  | { receiver: ExpressReceiverKind }
  | { imported: { module: string; path: string[] } }
  | { param: { key: string; index: number } }
);

export interface ExpressParamsEvidence {
  calls: ReceiverArgument[];
  /** Parameters of this file's exported functions that routes are registered on: export `key`, parameter `index`, `start` of its name. */
  params: Array<{ key: string; index: number; start: number }>;
}

const REGISTERING = new Set([...EXPRESS_ROUTE_METHODS, 'use', 'route']);

export const expressParamsCollector: CollectorFactory = (context) => {
  const calls: ts.CallExpression[] = [];
  const receivers: ts.Identifier[] = [];
  return {
    kinds: [ts.SyntaxKind.CallExpression],
    visit(node) {
      if (!ts.isCallExpression(node) || node.arguments.length === 0) return;
      const callee = node.expression;
      if (ts.isPropertyAccessExpression(callee) && REGISTERING.has(callee.name.text) && ts.isIdentifier(callee.expression)) receivers.push(callee.expression);
      if ((ts.isIdentifier(callee) || ts.isPropertyAccessExpression(callee) || ts.isCallExpression(callee)) && hasIdentifierArgument(node)) calls.push(node);
    },
    finish(evidence) {
      const out: ExpressParamsEvidence = { calls: [], params: [] };
      evidence.expressParams = out;
      if (receivers.length === 0 && calls.length === 0) return;
      let exportKeys: Map<FunctionNode, string> | undefined;
      const keyOf = (fn: ts.Node) => (exportKeys ??= exportedFunctionKeys(context.sourceFile, (id) => context.scope.declarationOf(id))).get(fn as FunctionNode);
      const exportedParam = (id: ts.Identifier) => {
        const decl = context.scope.declarationOf(id);
        if (!decl || !ts.isParameter(decl) || !ts.isIdentifier(decl.name) || decl.type) return undefined;
        const key = keyOf(decl.parent);
        return key === undefined ? undefined : { key, index: decl.parent.parameters.indexOf(decl), decl };
      };
      for (const call of calls) {
        const ref = context.referenceOf(call.expression);
        if (ref?.kind !== 'module' || !ref.resolved) continue;
        call.arguments.forEach((a, arg) => {
          if (!ts.isIdentifier(a)) return;
          const at = { module: ref.resolved as string, path: ref.path, arg };
          const decl = context.scope.declarationOf(a);
          if (decl && (ts.isVariableDeclaration(decl) || ts.isParameter(decl))) {
            const receiver = expressTypeOf(decl.type) ?? (ts.isVariableDeclaration(decl) && decl.initializer ? expressCreation(decl.initializer, context.referenceOf) : null);
            if (receiver) return void out.calls.push({ ...at, receiver });
          }
          const param = exportedParam(a);
          if (param) return void out.calls.push({ ...at, param: { key: param.key, index: param.index } });
          const imported = context.referenceOf(a);
          if (imported?.kind === 'module' && imported.resolved) out.calls.push({ ...at, imported: { module: imported.resolved, path: imported.path } });
        });
      }
      const seen = new Set<ts.Node>();
      for (const id of receivers) {
        const param = exportedParam(id);
        if (!param || seen.has(param.decl)) continue;
        seen.add(param.decl);
        out.params.push({ key: param.key, index: param.index, start: param.decl.name.getStart(context.sourceFile) });
      }
    },
  };
};

const IDENTIFIER = ts.SyntaxKind.Identifier;

/** `call.arguments.some((a) => ts.isIdentifier(a))`, without a closure per call. */
function hasIdentifierArgument(call: ts.CallExpression): boolean {
  for (const a of call.arguments) if (a.kind === IDENTIFIER) return true;
  return false;
}

/** This file's exported functions, by export name (`default` for `module.exports = (router) => …`). */
function exportedFunctionKeys(sf: ts.SourceFile, declarationOf: (id: ts.Identifier) => ts.Node | undefined): Map<FunctionNode, string> {
  const out = new Map<FunctionNode, string>();
  for (const [name, value] of exportedValues(sf)) {
    const v = ts.isIdentifier(value) ? (declarationOf(value) ?? value) : value;
    const target = ts.isVariableDeclaration(v) && v.initializer ? unwrap(v.initializer) : v;
    if (isFunctionNode(target) && !out.has(target)) out.set(target, name);
  }
  return out;
}
