// structured-log-message: logger calls (pino, winston, bunyan, log4js, NestJS Logger, a project's
// logger module) whose message is built from values by a template literal or `+`. The values end up
// inside free text: a log search or alert cannot filter on `orderId`, every line is a distinct
// message so grouping by message stops working, and the structured logger buys nothing.
// console is no-console-log's concern; an interpolated caught error is log-error-with-stack's.
import { ts } from '../src/core/typescript.js';
import type { Helpers } from '../src/core/helpers.js';
import { isCaughtError, isInsideLoggerImplementation, isLoggerModulePath, logCallOf, type LogCall } from '../src/core/matchers.js';
import { unwrap } from '../src/core/references.js';
import type { RuleContext } from '../src/core/types.js';
import { fixedTextProperties, readOnlyBindings } from '../src/project/evidence/observability.js';
import { defineFileRule } from '../src/core/rule.js';

/** How fields are passed, per library. */
const FIELDS: Record<LogCall['library'], string> = {
  pino: "fields first: `{{receiver}}.{{method}}({ {{fields}} }, 'constant message')`",
  bunyan: "fields first: `{{receiver}}.{{method}}({ {{fields}} }, 'constant message')`",
  winston: "fields after the message: `{{receiver}}.{{method}}('constant message', { {{fields}} })`",
  log4js: "fields after the message: `{{receiver}}.{{method}}('constant message', { {{fields}} })`",
  nestjs: "an object message: `{{receiver}}.{{method}}({ message: 'constant message', {{fields}} })`",
  console: '',
  unknown: 'fields (`{ {{fields}} }`) beside a constant message',
};

const CONFIG_ROOTS = /^(config|conf|cfg|env|environment|settings|options|process)$/i;
const UPPER_CASE = /^[A-Z][A-Z0-9_]*$/;
/** Where a process is listening: logged once at start-up. */
const LISTEN_NAMES = /^(port|host|hostname|address)$/;

type Lookups = Pick<RuleContext, 'helpers' | 'project'>;
const readOnlyInFile = new WeakMap<ts.Node, boolean>();

/**
 * `Messages.key` (or `Messages['key']`) where `Messages` is a `const` object literal of this file or
 * another module's export, its property `key` holds fixed text, and neither file writes to it or
 * passes it on (../src/project/evidence/observability.ts `fixedTextProperties`).
 */
function isFixedTextMember(access: ts.PropertyAccessExpression | ts.ElementAccessExpression, { helpers, project }: Lookups): boolean {
  const key = ts.isPropertyAccessExpression(access) ? (ts.isIdentifier(access.name) ? access.name.text : undefined) : helpers.staticString(access.argumentExpression);
  const object = unwrap(access.expression);
  if (key === undefined || !ts.isIdentifier(object)) return false;
  const decl = helpers.declarationOf(object);
  if (!decl) return false;
  const readOnly = (): boolean => {
    let known = readOnlyInFile.get(decl);
    if (known === undefined) {
      known = readOnlyBindings([decl], decl.getSourceFile(), helpers.scope).has(decl);
      readOnlyInFile.set(decl, known);
    }
    return known;
  };
  const local = fixedTextProperties(decl);
  if (local) return local.has(key) && readOnly();
  const ref = helpers.referenceOf(object);
  const hit = ref && ref.kind === 'module' && ref.path.length === 1 ? helpers.exportOf(ref) : undefined;
  return !!hit && (project.repositoryModules.get(hit.file)?.evidence.observability.fixedTexts.get(hit.name)?.has(key) ?? false) && readOnly();
}

/**
 * A value that is the same on every call of a running process: a literal or a const holding one,
 * an UPPER_CASE constant, configuration (`config.port`, `env.app.name`, `process.env.X`), the listen
 * address, a class name, or a template/zero-argument local function made of those.
 */
function isConstant(expr: ts.Expression, context: Lookups, depth = 0): boolean {
  const { helpers } = context;
  const written = unwrap(expr);
  if (ts.isIdentifier(written) && (LISTEN_NAMES.test(written.text) || UPPER_CASE.test(written.text))) return true;
  const v = helpers.valueOf(expr);
  if (ts.isStringLiteralLike(v) || ts.isNumericLiteral(v) || v.kind === ts.SyntaxKind.TrueKeyword || v.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (depth > 3) return false;
  if (ts.isTemplateExpression(v)) return v.templateSpans.every((s) => isConstant(s.expression, context, depth + 1));
  if (ts.isArrayLiteralExpression(v)) return v.elements.every((e) => isConstant(e, context, depth + 1));
  if (ts.isIdentifier(v)) return UPPER_CASE.test(v.text) || LISTEN_NAMES.test(v.text);
  if (ts.isPropertyAccessExpression(v) || ts.isElementAccessExpression(v)) {
    if (ts.isPropertyAccessExpression(v) && v.name.text === 'name' && ts.isPropertyAccessExpression(v.expression) && v.expression.name.text === 'constructor') return true;
    if (isFixedTextMember(v, context)) return true;
    let root: ts.Expression = v;
    while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) root = unwrap(root.expression);
    return ts.isIdentifier(root) && (CONFIG_ROOTS.test(root.text) || UPPER_CASE.test(root.text));
  }
  if (ts.isCallExpression(v)) {
    const callee = unwrap(v.expression);
    // NAMES.join(', ') / config.url.toString()
    if (ts.isPropertyAccessExpression(callee) && /^(join|toString|toUpperCase|toLowerCase)$/.test(callee.name.text)) return isConstant(callee.expression, context, depth + 1);
    // const route = () => `${env.app.schema}://${env.app.host}`; … ${route()}
    if (ts.isIdentifier(callee) && v.arguments.length === 0) {
      const fn = helpers.valueOf(callee);
      if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && fn.parameters.length === 0 && !ts.isBlock(fn.body)) return isConstant(fn.body, context, depth + 1);
    }
  }
  return false;
}

const ERROR_NAME = /^(e|err|error|ex|exception|reason|cause)$/i;

/** An error or its text (`err.message`, `String(err)`): how errors are logged is log-error-with-stack's concern. */
function isErrorText(expr: ts.Expression, helpers: Helpers): boolean {
  let e = unwrap(expr);
  if (ts.isCallExpression(e) && e.arguments.length === 1 && ts.isIdentifier(e.expression) && e.expression.text === 'String') e = unwrap(e.arguments[0]!);
  const property = ts.isPropertyAccessExpression(e) && (e.name.text === 'message' || e.name.text === 'stack');
  if (property) e = unwrap((e as ts.PropertyAccessExpression).expression);
  return ts.isIdentifier(e) && (isCaughtError(e, helpers) || (property && ERROR_NAME.test(e.text)));
}

/** The values interpolated into a message built by a template literal or `+`, or [] when it is not built so. */
function interpolatedValues(message: ts.Expression): ts.Expression[] {
  const e = unwrap(message);
  if (ts.isTemplateExpression(e)) return e.templateSpans.map((s) => s.expression);
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const operands: ts.Expression[] = [];
    const flatten = (x: ts.Expression): void => {
      const u = unwrap(x);
      if (ts.isBinaryExpression(u) && u.operatorToken.kind === ts.SyntaxKind.PlusToken) {
        flatten(u.left);
        flatten(u.right);
      } else operands.push(u);
    };
    flatten(e);
    // String concatenation: one operand is text (a literal or a template).
    if (!operands.some((o) => ts.isStringLiteralLike(o) || ts.isTemplateExpression(o))) return [];
    return operands.flatMap((o) => (ts.isStringLiteralLike(o) ? [] : ts.isTemplateExpression(o) ? o.templateSpans.map((s) => s.expression) : [o]));
  }
  return [];
}

const isText = (e: ts.Expression | undefined): e is ts.Expression => {
  const u = e && unwrap(e);
  return !!u && (ts.isStringLiteralLike(u) || ts.isTemplateExpression(u) || (ts.isBinaryExpression(u) && u.operatorToken.kind === ts.SyntaxKind.PlusToken));
};

/** The argument that holds the message text: the first, or for pino/bunyan-style calls the one after the fields object. */
function messageArgument(log: LogCall): ts.Expression | undefined {
  const [first, second] = log.args;
  if (isText(first)) return first;
  if (first && (log.library === 'pino' || log.library === 'bunyan' || log.library === 'unknown') && isText(second)) return second;
  return undefined;
}

/** A field name for an interpolated value: `order.id` → `orderId`, `userId` → `userId`. */
function fieldName(expr: ts.Expression): string {
  const e = unwrap(expr);
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(unwrap(e.expression))) return fieldName((unwrap(e.expression) as ts.PropertyAccessExpression).expression);
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) {
    const base = unwrap(e.expression);
    const owner = ts.isIdentifier(base) ? base.text : ts.isPropertyAccessExpression(base) ? base.name.text : '';
    const name = e.name.text;
    if ((name === 'length' || name === 'size') && owner) return `${owner}Count`;
    return owner && owner !== 'this' && /^(id|name|code|status|type|key)$/i.test(name) ? `${owner}${name[0]!.toUpperCase()}${name.slice(1)}` : name;
  }
  return 'value';
}

export default defineFileRule({
  id: 'structured-log-message',
  category: 'observability',
  severity: 'low',
  recommended: false,
  defaultOptions: {},
  messages: {
    interpolated: '`{{receiver}}.{{method}}` builds its message from {{values}}: values inside the text cannot be searched or grouped — pass them as {{fix}}',
  },
  docs: {
    description: 'Require logger messages to be constant text, with values passed as fields.',
    why:
      'A structured logger writes each value as its own JSON field, so a log search can ask for `orderId = "o-42"` and a dashboard ' +
      'can count lines by message. A message built with a template literal or `+` buries the values in free text: every line becomes ' +
      'a distinct message, grouping and alerting by message stop working, and finding the lines of one order needs a regex over ' +
      'all the text. This rule covers logger calls (pino, winston, bunyan, log4js, NestJS `Logger`, a project logger module); ' +
      '`console` is no-console-log\'s concern. Not flagged: the calls inside the project\'s own logger, which formats its lines ' +
      '(a `logger`/`logging` module, or a class or object literal with public methods for two or more levels, like `info` and `error`), ' +
      'and values that are fixed text: constants, configuration, a property of a `const` object literal of fixed strings that ' +
      'nothing assigns to (`${ErrorMessages.SchemaDrift}`, also imported from another module). ' +
      'There is no automatic fix: the constant message needs a person\'s wording.',
    fix: "pino: `logger.info({ orderId }, 'order created')`; winston: `logger.info('order created', { orderId })`.",
    sites: 'logger calls with a message',
    examples: {
      invalid: [
        {
          filename: 'src/services/orders.service.ts',
          code:
            "import pino from 'pino';\n\nconst logger = pino();\n\n" +
            'export function markShipped(orderId: string, carrier: string) {\n' +
            '  logger.info(`order ${orderId} shipped with ${carrier}`);\n}\n',
        },
      ],
      valid: [
        {
          filename: 'src/services/orders.service.ts',
          code:
            "import pino from 'pino';\n\nconst logger = pino();\n\n" +
            'export function markShipped(orderId: string, carrier: string) {\n' +
            "  logger.info({ orderId, carrier }, 'order shipped');\n}\n",
        },
      ],
    },
  },
  create(context) {
    const { roles, relPath } = context.file;
    // A project's own logger implementation formats its lines; that is its job.
    if (!roles.has('server') || isLoggerModulePath(relPath)) return {};
    const { helpers } = context;
    return {
      CallExpression(call: ts.CallExpression) {
        const log = logCallOf(call, context);
        // A console-backed project logger writes text anyway: no-console-log and require-structured-logger judge it.
        if (!log || log.library === 'console') return;
        // A logger class or object outside a logger module formats its own lines (a scope prefix), like a logger module.
        if (isInsideLoggerImplementation(call)) return;
        const message = messageArgument(log);
        if (!message) return;
        context.countSite(call);
        const values = interpolatedValues(message).filter((v) => !isConstant(v, context) && !isErrorText(v, helpers));
        if (values.length === 0) return;
        const shown = values.slice(0, 3).map((v) => `\`${v.getText().replace(/\s+/g, ' ')}\``);
        const fields = [...new Set(values.slice(0, 3).map(fieldName))].join(', ');
        const data = { receiver: log.receiver, method: log.method, fields };
        const fix = FIELDS[log.logger?.wrapper ? 'unknown' : log.library].replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(data[k as keyof typeof data]));
        context.report({ node: message, messageId: 'interpolated', data: { receiver: log.receiver, method: log.method, values: shown.join(', ') + (values.length > 3 ? ', …' : ''), fix } });
      },
    };
  },
});
