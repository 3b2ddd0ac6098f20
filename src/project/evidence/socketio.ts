// socket.io evidence: the socket.io servers a file creates (`new Server(…)`, `require('socket.io')(…)`,
// `new io.Server(…)`, `io.listen(…)`), whether each is given an `adapter` option or gets an
// `.adapter(…)` call in the same file, and the `.adapter(…)` calls made on a server that lives
// elsewhere (an imported `io`, a parameter). Read by require-socketio-adapter.
import { ts } from '../../core/typescript.js';
import { unwrap } from '../../core/references.js';
import type { EvidenceCollector, EvidenceContext, ModuleEvidence } from './index.js';
import { mentions } from './mentions.js';

export interface SocketServerRecord {
  line: number;
  column: number;
  /** An `adapter` option is given, or the options cannot be read (a spread, a variable). */
  adapterOption: boolean;
  /** `.adapter(x)` is called on this server in its own file. */
  adapterCall: boolean;
}

export interface SocketIoEvidence {
  servers: SocketServerRecord[];
  /** `.adapter(x)` called on an import of a project file: that file and the imported name. */
  importedAdapterCalls: Array<{ file: string; name: string }>;
  /** `.adapter(x)` calls whose receiver is neither a server of this file nor an import (a parameter, `getIo()`). */
  unboundAdapterCalls: number;
}

const SOCKET_IO = 'socket.io';
const ALL_KINDS = [ts.SyntaxKind.NewExpression, ts.SyntaxKind.CallExpression];
const CALLS = [ts.SyntaxKind.CallExpression];

export function socketIoCollector(ctx: EvidenceContext): EvidenceCollector {
  const servers: Array<{ node: ts.Expression; binding: ts.Node | string | undefined; record: SocketServerRecord }> = [];
  const adapterReceivers: ts.Expression[] = [];

  /** `new Server(…)`, `new io.Server(…)`, `io(…)` / `require('socket.io')(…)`, `io.listen(…)` with io = socket.io. */
  const isServerCreation = (node: ts.CallExpression | ts.NewExpression): boolean => {
    const ref = ctx.referenceOf(node.expression);
    if (ref?.kind !== 'module' || ref.resolved || ref.module !== SOCKET_IO) return false;
    const path = ref.path.join('.');
    if (path === '' || path === 'Server' || path === 'default') return true;
    return path === 'listen' && ts.isCallExpression(node);
  };

  /** Follows a const identifier to the object literal it holds. */
  const literalOf = (expr: ts.Expression | undefined): ts.Expression | undefined => {
    if (!expr) return undefined;
    const e = unwrap(expr);
    if (!ts.isIdentifier(e)) return e;
    const decl = ctx.scope.declarationOf(e);
    return decl && ts.isVariableDeclaration(decl) && decl.initializer ? unwrap(decl.initializer) : e;
  };

  /** `new Server(httpServer, opts)`, `new Server(opts)`, `new Server(3000, opts)`: does opts set `adapter`? */
  const adapterOptionOf = (node: ts.CallExpression | ts.NewExpression): boolean => {
    const args = node.arguments ?? [];
    const first = literalOf(args[0]);
    const options = first && ts.isObjectLiteralExpression(first) ? first : literalOf(args[1]);
    if (!options) return false;
    if (!ts.isObjectLiteralExpression(options)) return true;
    return options.properties.some((p) => ts.isSpreadAssignment(p) || (p.name !== undefined && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === 'adapter'));
  };

  /** The variable (declaration node) or `this.<name>` the created server is stored in. */
  const bindingOf = (node: ts.Expression): ts.Node | string | undefined => {
    let n: ts.Node = node;
    while (n.parent && (ts.isParenthesizedExpression(n.parent) || ts.isAsExpression(n.parent) || ts.isNonNullExpression(n.parent))) n = n.parent;
    const parent = n.parent;
    if (ts.isVariableDeclaration(parent) && parent.initializer === n && ts.isIdentifier(parent.name)) return parent;
    if ((ts.isPropertyDeclaration(parent) && parent.initializer === n) && ts.isIdentifier(parent.name)) return `this.${parent.name.text}`;
    if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === n) return receiverKey(parent.left);
    return undefined;
  };
  const receiverKey = (expr: ts.Expression): ts.Node | string | undefined => {
    const e = unwrap(expr);
    if (ts.isIdentifier(e)) return ctx.scope.declarationOf(e);
    if (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword) return `this.${e.name.text}`;
    return undefined;
  };

  // A server is a reference to socket.io and an adapter call names `adapter`: a file whose text
  // holds neither name (see ./mentions.ts) has neither.
  const creations = mentions(ctx.sourceFile, [SOCKET_IO]);
  const adapters = creations || mentions(ctx.sourceFile, ['adapter']);
  return {
    kinds: creations ? ALL_KINDS : adapters ? CALLS : [],
    visit(node) {
      if (creations && (ts.isNewExpression(node) || ts.isCallExpression(node))) {
        if (isServerCreation(node)) {
          const at = ctx.position(node);
          servers.push({ node, binding: bindingOf(node), record: { line: at.line, column: at.column, adapterOption: adapterOptionOf(node), adapterCall: false } });
          return;
        }
      }
      if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'adapter') {
        adapterReceivers.push(node.expression.expression);
      }
    },
    finish(evidence: ModuleEvidence) {
      const importedAdapterCalls: SocketIoEvidence['importedAdapterCalls'] = [];
      let unboundAdapterCalls = 0;
      for (const receiver of adapterReceivers) {
        const r = unwrap(receiver);
        const key = receiverKey(r);
        const own = servers.find((s) => s.node === r || (key !== undefined && s.binding === key));
        if (own) {
          own.record.adapterCall = true;
          continue;
        }
        const ref = ctx.referenceOf(r);
        const [name] = ref?.path ?? [];
        if (ref?.kind === 'module' && ref.resolved && ref.path.length === 1 && name !== undefined) importedAdapterCalls.push({ file: ref.resolved, name });
        else if (ref?.kind === 'module' && !ref.resolved) continue;
        else unboundAdapterCalls++;
      }
      evidence.socketIo = { servers: servers.map((s) => s.record), importedAdapterCalls, unboundAdapterCalls };
    },
  };
}
