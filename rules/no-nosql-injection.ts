// no-nosql-injection: MongoDB queries (Mongoose models, mongodb driver and MarsDB collections)
// built from request objects — `User.find(req.body)`, `findOne({ email: req.body.email })`,
// `updateMany({ _id: req.body.id })` — and request input in `$where` JavaScript. A JSON body (or a
// query string parsed by `qs`) can put `{ "$ne": null }` where the code expects a string: the
// login query then matches the first user without a password, the update hits every document.
// `$where` runs the client's text as JavaScript inside the database.
// Flows come from the taint engine (src/core/taint.ts); sinks are src/core/sinks/nosql.ts.
// Decisions: `req.params`, headers and cookies are strings (never an operator object). `req.query`
// values are objects only under the `extended` (qs) parser: Express 4's default, or set with
// `app.set('query parser', …)`; Express 5 and NestJS 11 default to `simple` (strings, arrays),
// and Koa, Fastify and Hono parse query strings to strings. express-mongo-sanitize installed with
// `app.use` strips `$`-keys from all input, so operator flows are not reported then (`$where` still is).
import { ts } from '../src/core/typescript.js';
import { handlerModelOf } from '../src/core/handlers.js';
import type { Helpers } from '../src/core/helpers.js';
import { isFunctionNode } from '../src/core/promises.js';
import { unwrap } from '../src/core/references.js';
import { nosqlCodeSinks, nosqlSinks } from '../src/core/sinks/nosql.js';
import { defineFileRule } from '../src/core/rule.js';
import { flowReport, injectionListeners, taintFlows, type TaintFlow } from '../src/core/taint.js';
import type { ProjectFacts } from '../src/project/facts.js';
import { memoOn } from '../src/project/memo.js';

const OPERATOR = 'a client can send an object such as `{ "$ne": null }` instead of a string and match any document — convert it with `String()`, check `typeof … === \'string\'`, parse it with a schema, or compare with `{ $eq: value }`';
const CODE = 'the database runs the client\'s text as JavaScript — replace `$where` with query operators and pass the value as data';

interface InputSetup {
  /** `req.query` values can be objects (the `extended` query parser). */
  queryObjects: boolean;
  /** express-mongo-sanitize runs before every route. */
  sanitized: boolean;
}

const setups = new WeakMap<object, Map<string, InputSetup>>();
/** The query parser and sanitizer set anywhere in the repository: one answer for all package views (they share `repositoryModules`). */
const repositoryInput = new WeakMap<object, Map<string, { parser: 'extended' | 'simple' | null; sanitized: boolean }>>();

function inputSetup(project: ProjectFacts): InputSetup {
  return memoOn(setups, project, 'mongoInputSetup', () => computeSetup(project));
}

function computeSetup(project: ProjectFacts): InputSetup {
  const input = memoOn(repositoryInput, project.repositoryModules, 'mongoRepositoryInput', () => {
    const evidence = [...project.repositoryModulesWith('mongoInput').values()].map((m) => m.evidence.mongoInput);
    const parser = evidence.some((e) => e?.queryParser === 'extended') ? 'extended' : evidence.some((e) => e?.queryParser === 'simple') ? 'simple' : null;
    return { parser, sanitized: evidence.some((e) => e?.sanitizeMiddleware) };
  });
  const express = project.majorOf('express');
  const nest = project.majorOf('@nestjs/platform-express');
  const simpleByDefault = (express !== null && express >= 5) || (express === null && nest !== null && nest >= 11);
  return { queryObjects: input.parser ? input.parser === 'extended' : !simpleByDefault, sanitized: input.sanitized };
}

/** The flow starts at the query string: `req.query.x`, `ctx.request.query.x`, a destructured `query`, `@Query('x')`. */
function fromQueryString(flow: TaintFlow): boolean {
  if (/^@Query(Param|Params)?\b/.test(flow.source)) return true;
  let parts = flow.source.split('.');
  if (parts[0] !== 'query') parts = parts.slice(1);
  if (parts[0] === 'request' || parts[0] === 'req') parts = parts.slice(1);
  return /^query\b/.test(parts[0] ?? '');
}

const VALIDATOR_CHAINS = new Set(['check', 'body', 'query', 'param', 'oneOf', 'checkSchema']);

/**
 * express-validator checked the request in a function around the query: `validationResult(req)`
 * is read there, and the source's field is one of the checked ones (or the chains are elsewhere,
 * in the route's middleware list). Its validators reject objects and its sanitizers make strings.
 */
function validatedByExpressValidator(flow: TaintFlow, helpers: Helpers): boolean {
  const field = flow.source.split('.').pop() ?? '';
  for (let n: ts.Node | undefined = flow.node.parent; n; n = n.parent) {
    if (!isFunctionNode(n)) continue;
    let reads = false;
    const fields = new Set<string>();
    let chains = 0;
    const visit = (x: ts.Node): void => {
      if (ts.isCallExpression(x)) {
        const ref = helpers.referenceOf(unwrap(x.expression));
        if (ref?.kind === 'module' && !ref.resolved && ref.module.startsWith('express-validator')) {
          const name = ref.path[ref.path.length - 1] ?? '';
          if (name === 'validationResult') reads = true;
          if (VALIDATOR_CHAINS.has(name)) {
            chains++;
            const arg = x.arguments[0] && unwrap(x.arguments[0]);
            const names = arg && ts.isArrayLiteralExpression(arg) ? arg.elements : arg ? [arg] : [];
            for (const a of names) if (ts.isStringLiteral(a)) fields.add(a.text);
          }
        }
      }
      ts.forEachChild(x, visit);
    };
    visit(n);
    if (reads) return chains === 0 || fields.has(field);
  }
  return false;
}

export default defineFileRule({
  id: 'no-nosql-injection',
  category: 'security',
  severity: 'high',
  recommended: true,
  cwe: [943],
  defaultOptions: {},
  messages: {
    operator: `\`{{source}}\` reaches \`{{sink}}\` as a query value: ${OPERATOR}`,
    operatorThroughProject: `\`{{source}}\` reaches \`{{sink}}\` in {{file}} through \`{{via}}\` as a query value: ${OPERATOR}`,
    code: `\`{{source}}\` reaches \`$where\` of \`{{sink}}\`: ${CODE}`,
    codeThroughProject: `\`{{source}}\` reaches \`$where\` of \`{{sink}}\` in {{file}} through \`{{via}}\`: ${CODE}`,
  },
  docs: {
    description: 'Disallow request objects in MongoDB filters and request input in `$where` code.',
    why:
      'Express parses a JSON body (and, with the `extended` query parser, `?email[$ne]=x`) into objects, so a field the code ' +
      'treats as a string can arrive as `{ "$ne": null }`, `{ "$gt": "" }` or `{ "$regex": ".*" }`. Put into a filter, it turns ' +
      '"the user with this email and password" into "any user", and an `updateMany({ _id: req.body.id })` into "every document". ' +
      '`$where` is worse: the database evaluates the string as JavaScript, so a quote in the value lets the client run its own code ' +
      '(`sleep()` loops, reading other fields). Route params and headers are always strings and are not reported as operator input.',
    fix:
      'Make the value a scalar before it reaches the filter: `String(req.body.email)`, a `typeof email !== \'string\'` check that ' +
      'rejects the request, a schema (`z.string().email().parse(…)`), or compare with `{ email: { $eq: email } }`. Install ' +
      '`express-mongo-sanitize` (or set Mongoose `sanitizeFilter`) as a second line. Replace `$where` with query operators ' +
      '(`$expr`, `$gt`) and pass the value as data.',
    sites: 'MongoDB query calls',
    examples: {
      invalid: [
        {
          filename: 'src/routes/auth.ts',
          code:
            "import { Router } from 'express';\nimport mongoose from 'mongoose';\n\nconst User = mongoose.model('User', new mongoose.Schema({ email: String, passwordHash: String }));\nexport const auth = Router();\n\n" +
            "auth.post('/password-reset', async (req, res) => {\n  const user = await User.findOne({ email: req.body.email });\n  if (user) await sendResetMail(user.email);\n  res.status(202).end();\n});\n\nasync function sendResetMail(email: string): Promise<void> {\n  console.info('reset mail queued', email.length);\n}\n",
        },
      ],
      valid: [
        {
          filename: 'src/routes/auth.ts',
          code:
            "import { Router } from 'express';\nimport mongoose from 'mongoose';\n\nconst User = mongoose.model('User', new mongoose.Schema({ email: String, passwordHash: String }));\nexport const auth = Router();\n\n" +
            "auth.post('/password-reset', async (req, res) => {\n  const user = await User.findOne({ email: String(req.body.email) });\n  if (user) await sendResetMail(user.email);\n  res.status(202).end();\n});\n\nasync function sendResetMail(email: string): Promise<void> {\n  console.info('reset mail queued', email.length);\n}\n",
        },
      ],
    },
  },
  create(context) {
    // Sites are the query calls; the report step picks the flows that can carry an operator object.
    return injectionListeners(context, nosqlSinks, () => {
      const code = taintFlows(context, nosqlCodeSinks);
      const candidates = taintFlows(context, nosqlSinks).filter((f) => !code.some((c) => c.node === f.node));
      // How the application parses query strings is asked only where request input reaches a query:
      // the files that ask depend on it (a file setting the query parser re-checks them, not every file).
      const setup = candidates.length > 0 ? inputSetup(context.project) : null;
      const queryObjects = (flow: TaintFlow): boolean => {
        if (!setup?.queryObjects) return false;
        const model = handlerModelOf(context);
        const framework = model.requestContext(flow.node)?.handler?.framework ?? model.handlers[0]?.framework ?? 'express';
        return framework === 'express' || framework === 'nestjs' || framework === 'routing-controllers';
      };
      const operator = !setup || setup.sanitized ? [] : candidates.filter((f) => (!fromQueryString(f) || queryObjects(f)) && !validatedByExpressValidator(f, context.helpers));
      const flows = [...code.map((f) => ({ f, id: 'code' })), ...operator.map((f) => ({ f, id: 'operator' }))].sort((a, b) => a.f.node.pos - b.f.node.pos);
      for (const { f, id } of flows) context.report(flowReport(f, id));
    });
  },
});
