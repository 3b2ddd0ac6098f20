// no-eval: code built at run time and executed — `eval(…)`, `new Function(…)`/`Function(…)`,
// `vm.runInNewContext/runInThisContext/runInContext/compileFunction`, `new vm.Script(…)`, and
// `setTimeout`/`setInterval` given a string — when the code is not a constant. Whatever reaches
// that string runs with the service's privileges: one request-controlled value is remote code
// execution, and `vm` is documented by Node as not a security sandbox.
import { ts } from '../src/core/typescript.js';
import type { Helpers } from '../src/core/helpers.js';
import { unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';

const VM_RUNNERS = ['runInNewContext', 'runInThisContext', 'runInContext', 'compileFunction'];

/** A string whose text is fixed in the source: literals, consts holding them, and their concatenation. */
function isConstantString(expr: ts.Expression, helpers: Helpers, depth = 0): boolean {
  if (depth > 8) return false;
  const e = helpers.valueOf(expr);
  if (ts.isStringLiteralLike(e)) return true;
  if (ts.isTemplateExpression(e)) return e.templateSpans.every((span) => isConstantString(span.expression, helpers, depth + 1));
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) return isConstantString(e.left, helpers, depth + 1) && isConstantString(e.right, helpers, depth + 1);
  return ts.isNumericLiteral(e);
}

/** A value that is certainly a string (so a timer would evaluate it) and not a constant. */
function isBuiltString(expr: ts.Expression, helpers: Helpers): boolean {
  const e = helpers.valueOf(expr);
  if (ts.isTemplateExpression(e)) return true;
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const sides = [helpers.valueOf(e.left), helpers.valueOf(e.right)];
    return sides.some((s) => ts.isStringLiteralLike(s) || ts.isTemplateExpression(s) || isBuiltString(s, helpers));
  }
  return false;
}

export default defineFileRule({
  id: 'no-eval',
  category: 'security',
  severity: 'critical',
  recommended: true,
  cwe: [95],
  defaultOptions: {},
  messages: {
    evalCall: '`{{callee}}` runs code built at run time: whatever reaches it executes with the service\'s privileges — parse data with `JSON.parse`, or look the operation up in a map of functions',
    timerString: '`{{callee}}` is given a string built at run time, which is evaluated as code: pass a function instead',
  },
  docs: {
    description: 'Disallow `eval`, `new Function`, `vm.runIn*Context` and string timers with code that is not a constant.',
    why:
      '`eval`, the `Function` constructor and `vm` compile and run whatever string they get, with the full privileges of the service: ' +
      'its environment variables, its database connections, the file system. If any part of that string comes from a request, a queue ' +
      'message or a database row, it is remote code execution. `vm` contexts are not a sandbox: Node\'s documentation says not to run ' +
      'untrusted code in them. A constant string is not flagged.',
    fix:
      'Parse data with `JSON.parse`; map names to functions (`const handlers = { sum, avg }; handlers[name](…)`); evaluate expressions with ' +
      'a parser that has no access to the runtime (for example `expr-eval`); pass functions, not strings, to timers.',
    sites: 'dynamic code evaluations',
    examples: {
      invalid: [
        {
          filename: 'src/pricing/rules.service.ts',
          code:
            "export function applyDiscountRule(rule: { formula: string }, order: { total: number }): number {\n" +
            "  return eval(rule.formula.replace('total', String(order.total)));\n}\n",
        },
      ],
      valid: [
        {
          filename: 'src/pricing/rules.service.ts',
          code:
            "const formulas = {\n  tenPercent: (total: number) => total * 0.9,\n  fiveOff: (total: number) => Math.max(0, total - 5),\n};\n\n" +
            "export function applyDiscountRule(rule: { formula: keyof typeof formulas }, order: { total: number }): number {\n" +
            "  return formulas[rule.formula](order.total);\n}\n",
        },
      ],
    },
  },
  create(context) {
    const { helpers } = context;
    const { roles } = context.file;
    if (roles.has('test') || roles.has('browser') || roles.has('cli')) return {};
    /** Every argument of a code-taking call is constant (the last one is the code for `Function`). */
    const constantCode = (args: readonly ts.Expression[]) => args.every((a) => isConstantString(a, helpers));
    const check = (call: ts.CallExpression | ts.NewExpression) => {
      const args = call.arguments ?? ts.factory.createNodeArray<ts.Expression>();
      const isNew = ts.isNewExpression(call);
      let callee: string | undefined;
      let code: readonly ts.Expression[] = [];
      if (!isNew && helpers.isGlobalCall(call, 'eval')) {
        callee = 'eval';
        code = args.slice(0, 1);
      } else if (helpers.isGlobalCall(call, 'Function')) {
        callee = isNew ? 'new Function' : 'Function';
        code = args;
      } else if (isNew && helpers.isCallTo(call, 'vm', 'Script')) {
        callee = 'new vm.Script';
        code = args.slice(0, 1);
      } else if (!isNew) {
        const runner = VM_RUNNERS.find((m) => helpers.isCallTo(call, 'vm', m));
        if (runner) {
          callee = `vm.${runner}`;
          code = args.slice(0, 1);
        }
      }
      if (callee) {
        context.countSite(call);
        if (code.length > 0 && !constantCode(code)) context.report({ node: call, messageId: 'evalCall', data: { callee } });
        return;
      }
      const timer = !isNew && (['setTimeout', 'setInterval'] as const).find((t) => helpers.isGlobalCall(call, t));
      const first = args[0];
      if (timer && first && (isBuiltString(first, helpers) || ts.isStringLiteralLike(unwrap(first)))) {
        context.countSite(call);
        if (isBuiltString(first, helpers)) context.report({ node: call, messageId: 'timerString', data: { callee: timer } });
      }
    };
    return { CallExpression: check, NewExpression: check };
  },
});
