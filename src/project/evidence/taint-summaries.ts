// Taint summaries of a module's exported functions and methods (see ../../core/taint.ts): which
// parameters reach which injection sinks in this file, are passed on to other project functions,
// or come back as the return value. A rule checking a request handler in another file resolves a
// call into this module with them. Plain data (no AST nodes): module facts travel between threads.
//
// The summary needs a data-flow walk of each exported function, so it runs at the end of the file's
// pass and only when the walk saw something a parameter could reach: a call named like a sink, or
// an import of another project file (a call to pass the value on to).
import { ts } from '../../core/typescript.js';
import { createHelpers } from '../../core/helpers.js';
import { SINK_KINDS } from '../../core/sinks/index.js';
import { summariseModule, type TaintSummaries } from '../../core/taint.js';
import type { CollectorFactory } from './index.js';

export type TaintSummariesEvidence = TaintSummaries;

const SINK_NAMES = new Set(SINK_KINDS.flatMap((k) => [...k.names]));

export const taintSummariesCollector: CollectorFactory = (context) => {
  let candidate = false;
  return {
    kinds: [ts.SyntaxKind.CallExpression, ts.SyntaxKind.ImportDeclaration],
    visit(node) {
      if (candidate) return;
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
        if (name && SINK_NAMES.has(name)) candidate = true;
      } else if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && context.resolveSpecifier(node.moduleSpecifier.text)) {
        candidate = true;
      }
    },
    finish(evidence) {
      const file = context.sourceFile.fileName;
      const helpers = createHelpers(file, { resolveImport: (_from, specifier) => context.resolveSpecifier(specifier), exportOfReference: () => undefined }, context.scope);
      // With no sink and no project import, a parameter can only come back as the return value (`trunc(s, n)`).
      evidence.taintSummaries = summariseModule(context.sourceFile, file, helpers, candidate ? SINK_KINDS : []);
    },
  };
};
