// Environment evidence: where a module reads `process.env` (by name when it can tell), and whether
// it hands the whole environment to something that parses it (`cleanEnv(process.env, …)`,
// `schema.parse(process.env)`): the mark of a configuration module. `no-scattered-env` judges
// how many modules read the environment themselves.
import { ts } from '../../core/typescript.js';
import { memberName, unwrap } from '../../core/references.js';
import type { CollectorFactory } from './index.js';
import { mentions } from './mentions.js';

const KINDS = [ts.SyntaxKind.PropertyAccessExpression];

export interface EnvRead {
  line: number;
  column: number;
  /** `PORT` for `process.env.PORT`, `process.env['PORT']` and `const { PORT } = process.env`; null otherwise. */
  name: string | null;
}

export interface EnvEvidence {
  /** Reads of `process.env` (writes and `delete` excluded), in source order. */
  reads: EnvRead[];
  /** `process.env` is passed whole to a call: the module parses the environment. */
  parsesWholeEnv: boolean;
}

/** `process.env` on the real `process` global. */
function isProcessEnv(node: ts.Node, isGlobal: (id: ts.Identifier) => boolean): node is ts.PropertyAccessExpression {
  return ts.isPropertyAccessExpression(node) && node.name.text === 'env' && ts.isIdentifier(node.expression) && node.expression.text === 'process' && isGlobal(node.expression);
}

function isAssignmentTarget(expr: ts.Expression): boolean {
  const parent = expr.parent;
  if (ts.isDeleteExpression(parent)) return true;
  return ts.isBinaryExpression(parent) && parent.left === expr && parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
}

export const envCollector: CollectorFactory = (context) => {
  const found: EnvEvidence = { reads: [], parsesWholeEnv: false };
  const isGlobal = (id: ts.Identifier) => !context.scope.declarationOf(id);
  return {
    // Every read is of `process.env`: a file that never names `process` has none.
    kinds: mentions(context.sourceFile, ['process']) ? KINDS : [],
    visit(node) {
      if (!isProcessEnv(node, isGlobal)) return;
      let outer: ts.Node = node;
      while (ts.isParenthesizedExpression(outer.parent) || ts.isNonNullExpression(outer.parent) || ts.isAsExpression(outer.parent)) outer = outer.parent;
      const parent = outer.parent;
      // process.env.PORT / process.env['PORT']
      if ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === outer) {
        if (isAssignmentTarget(parent)) return;
        found.reads.push({ ...context.position(node), name: memberName(parent) ?? null });
        return;
      }
      if (ts.isBinaryExpression(parent) && parent.left === outer && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return; // process.env = {…}
      // const { PORT, DATABASE_URL } = process.env: one read per name
      if (ts.isVariableDeclaration(parent) && parent.initializer && unwrap(parent.initializer) === node && ts.isObjectBindingPattern(parent.name)) {
        for (const element of parent.name.elements) {
          const key = element.propertyName ?? element.name;
          found.reads.push({ ...context.position(node), name: ts.isIdentifier(key) || ts.isStringLiteral(key) ? key.text : null });
        }
        return;
      }
      if (ts.isCallExpression(parent) && parent.arguments.includes(outer as ts.Expression)) found.parsesWholeEnv = true;
      found.reads.push({ ...context.position(node), name: null });
    },
    finish(evidence) {
      evidence.env = found;
    },
  };
};
