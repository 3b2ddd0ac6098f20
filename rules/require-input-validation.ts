// require-input-validation: a route handler that takes the request body or query (or the whole
// params object) and hands it to storage, a query, a shell, an outbound call or a project service
// that writes, with no schema validation on the way. Unvalidated input is how a string becomes an
// object (`{ "$gt": "" }` in a Mongo filter), how a client sets `isAdmin: true` through a
// mass-assigned `create(req.body)`, and how a malformed payload crashes a worker far from the
// request. Validation counts when a schema library parses the input in the handler, a validating
// middleware runs before it, Fastify has a route `schema`, or NestJS validates the DTO with a pipe:
// a global `ValidationPipe` any class-typed DTO, a global zod pipe (nestjs-zod, @anatine/zod-nestjs)
// only a DTO made by its package's `createZodDto`, since it passes every other parameter through,
// and only where the server installs it: some server entry point (a file that calls `.listen`)
// loads both the file that installs the pipe and the controller, following the names an import
// takes (an app that imports a constant from a library does not serve the library's controllers);
// not a test's or a script's set-up. A repository without an entry point falls back to packages:
// the controller's own workspace package, or an app that value-imports it, installs the pipe.
import { ts } from '../src/core/typescript.js';
import { handlerModelOf, hasDecorator, type RequestHandler } from '../src/core/handlers.js';
import type { Helpers } from '../src/core/helpers.js';
import { calleeName, memberName, unwrap } from '../src/core/references.js';
import { defineFileRule } from '../src/core/rule.js';
import type { RuleContext } from '../src/core/types.js';
import type { ProjectFacts } from '../src/project/facts.js';
import { memoOn } from '../src/project/memo.js';
import { installsGlobalValidationPipe, zodPipeValidates } from '../src/project/evidence/validation.js';

/** Calls that validate or parse with a schema: zod, joi, yup, ajv, class-validator, valibot, superstruct, TypeBox, express-validator. */
const VALIDATING_CALLS = new Set(['parse', 'safeParse', 'parseAsync', 'safeParseAsync', 'validate', 'validateAsync', 'validateSync', 'validateOrReject', 'validationResult', 'matchedData', 'assert', 'create', 'mask', 'Check', 'Decode', 'decode', 'is', 'cast']);
/** Calls named like these that do not validate. */
const NOT_VALIDATING = new Set(['JSON.parse', 'Date.parse', 'path.parse', 'url.parse', 'querystring.parse', 'qs.parse', 'assert', 'console.assert', 'Object.is', 'Array.isArray']);
/** Middleware factories and packages that validate before the handler runs. */
const VALIDATING_MIDDLEWARE = /valid|celebrate|schema|sanitiz|checkBody|checkQuery|^(body|query|param|check|oneOf|checkSchema)$/i;
const VALIDATION_PACKAGES = ['express-openapi-validator', 'express-zod-api', 'fastify-type-provider-zod', '@ts-rest/express', '@hono/zod-validator', 'koa-joi-router', 'tsoa', 'express-json-validator-middleware'];
const validatingPackage = new WeakMap<object, Map<string, boolean>>();
/** Whether the project imports one of `VALIDATION_PACKAGES`: one answer per project facts, shared by every file's check (../src/project/memo.ts). */
function validatesEveryRoute(project: ProjectFacts): boolean {
  return memoOn(validatingPackage, project, 'importsValidationPackage', () => VALIDATION_PACKAGES.some((p) => project.importsPackage(p)));
}
/** Values turned into scalars cannot carry objects or extra fields. */
const SCALAR_CONVERSIONS = new Set(['Number', 'parseInt', 'parseFloat', 'Boolean', 'String', 'BigInt', 'encodeURIComponent']);
/** Data-layer calls that store or query (ORMs, query builders, drivers). */
const STORAGE_METHODS = new Set([
  'create', 'createMany', 'insert', 'insertOne', 'insertMany', 'save', 'update', 'updateOne', 'updateMany', 'upsert', 'replaceOne',
  'findOneAndUpdate', 'findByIdAndUpdate', 'findOneAndReplace', 'bulkWrite', 'bulkCreate', 'query', 'execute', 'raw', '$queryRaw', '$executeRaw',
  '$queryRawUnsafe', '$executeRawUnsafe', 'find', 'findOne', 'findMany', 'findFirst', 'findAll', 'findAndCountAll', 'where', 'aggregate', 'countDocuments', 'deleteMany', 'merge',
]);
/** A project service call that writes: `usersService.createUser(body)`, `orders.place(input)`. */
const WRITING_SERVICE = /^(create|add|insert|save|update|upsert|register|store|put|patch|set|import|submit|place|book|enqueue|publish|send|charge|signup|signUp|invite|apply)/;
const HONO_INPUT = new Set(['json', 'query', 'queries', 'parseBody', 'formData']);
const SHELL = new Set(['exec', 'execSync', 'spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork']);

interface Taint {
  /** The source read, as written (`req.body`). */
  source: string;
  node: ts.Node;
}

export default defineFileRule({
  id: 'require-input-validation',
  category: 'resilience',
  severity: 'medium',
  recommended: false,
  defaultOptions: {},
  messages: {
    unvalidated:
      '`{{source}}` reaches `{{sink}}` without schema validation: parse it first (zod `.parse`, joi, express-validator, class-validator) or give the route a schema',
  },
  docs: {
    description: 'Require request bodies and queries to pass schema validation before they reach storage, a shell or another service.',
    why:
      'A request body is whatever the client sends. Passed straight to `User.create(req.body)` it lets a client set fields it ' +
      'must not (`role: "admin"`); passed to a Mongo filter, a string can arrive as an object (`{ "$ne": null }`); passed to ' +
      'a service, a missing field crashes code far from the request with a 500 instead of a clear 400. Hand-written ' +
      '`typeof` checks drift from the code that uses the value; a schema is the one place that says what the input is.',
    fix:
      'Parse the input with a schema at the start of the handler (`const input = CreateUser.parse(req.body)` with zod, ' +
      '`schema.validateAsync` with joi), or validate in a middleware on the route (celebrate, express-validator), a Fastify ' +
      'route `schema`, or a NestJS DTO under a global pipe that validates it: the `ValidationPipe` for class-validator DTOs, ' +
      "nestjs-zod's (or @anatine/zod-nestjs's) `ZodValidationPipe` for DTOs made by its `createZodDto(schema)`, installed " +
      'by the server that serves the controller, in a file its entry point (the one that calls `.listen`) loads (without ' +
      "an entry point: in the controller's workspace package or an app importing it), not only by an e2e test or a " +
      'script. A zod pipe hands every other parameter to the handler unchecked (a class-validator class, `any`, a `Record`, ' +
      'a `string` query): type it with a zod DTO. ' +
      'A single route parameter used as an id needs none.',
    sites: 'route handlers that read the request body or query',
    examples: {
      invalid: [
        {
          filename: 'src/routes/users.ts',
          code:
            "import { Router } from 'express';\nimport { prisma } from '../db';\n\nexport const usersRouter = Router();\n\n" +
            "usersRouter.post('/', async (req, res) => {\n  const user = await prisma.user.create({ data: req.body });\n  res.status(201).json(user);\n});\n",
        },
        {
          filename: 'src/albums/albums.module.ts',
          code:
            "import { Body, Controller, Module, Post } from '@nestjs/common';\nimport { APP_PIPE } from '@nestjs/core';\n" +
            "import { IsString } from 'class-validator';\nimport { ZodValidationPipe } from 'nestjs-zod';\nimport { AlbumService } from './album.service';\n\n" +
            '// A class-validator DTO: the zod pipe passes it through unchecked.\nexport class CreateAlbumDto {\n  @IsString()\n  albumName!: string;\n}\n\n' +
            "@Controller('albums')\nexport class AlbumController {\n  constructor(private readonly albumService: AlbumService) {}\n\n" +
            '  @Post()\n  createAlbum(@Body() dto: CreateAlbumDto) {\n    return this.albumService.create(dto);\n  }\n}\n\n' +
            '@Module({ controllers: [AlbumController], providers: [AlbumService, { provide: APP_PIPE, useClass: ZodValidationPipe }] })\nexport class AlbumsModule {}\n',
        },
      ],
      valid: [
        {
          filename: 'src/routes/users.ts',
          code:
            "import { Router } from 'express';\nimport { z } from 'zod';\nimport { prisma } from '../db';\n\n" +
            "const CreateUser = z.object({ email: z.string().email(), name: z.string().min(1) });\nexport const usersRouter = Router();\n\n" +
            "usersRouter.post('/', async (req, res) => {\n  const data = CreateUser.parse(req.body);\n  res.status(201).json(await prisma.user.create({ data }));\n});\n\n" +
            "usersRouter.get('/:id', async (req, res) => {\n  res.json(await prisma.user.findUnique({ where: { id: req.params.id } }));\n});\n",
        },
        {
          filename: 'src/albums/albums.module.ts',
          code:
            "import { Body, Controller, Module, Post } from '@nestjs/common';\nimport { APP_PIPE } from '@nestjs/core';\n" +
            "import { createZodDto, ZodValidationPipe } from 'nestjs-zod';\nimport { z } from 'zod';\nimport { AlbumService } from './album.service';\n\n" +
            'export class CreateAlbumDto extends createZodDto(z.object({ albumName: z.string().min(1).max(200) })) {}\n\n' +
            "@Controller('albums')\nexport class AlbumController {\n  constructor(private readonly albumService: AlbumService) {}\n\n" +
            '  @Post()\n  createAlbum(@Body() dto: CreateAlbumDto) {\n    return this.albumService.create(dto);\n  }\n}\n\n' +
            '@Module({ controllers: [AlbumController], providers: [AlbumService, { provide: APP_PIPE, useClass: ZodValidationPipe }] })\nexport class AlbumsModule {}\n',
        },
      ],
    },
  },
  create(context) {
    const { project } = context;
    const { roles } = context.file;
    if (roles.has('test') || roles.has('cli') || roles.has('browser')) return {};
    if (validatesEveryRoute(project)) return {};
    return {
      SourceFile() {
        for (const handler of handlerModelOf(context).handlers) {
          if (handler.kind !== 'route') continue;
          checkHandler(handler, context);
        }
      },
    };
  },
});

function checkHandler(handler: RequestHandler, context: RuleContext): void {
  const { helpers, project } = context;
  const fn = handler.fn;
  if (!fn.body) return;
  if (handler.hasSchema || validatedByMiddleware(handler, helpers)) return;
  const sources = sourceReader(handler, helpers, project, context.file.path);
  if (!sources) return;

  const tainted = new Map<ts.Node, Taint>(); // declaration → taint
  let readsInput = false;
  let validates = false;
  let reported = false;

  /** The taint an expression carries, unless a scalar conversion or a validating call cleans it. */
  const taintOf = (expr: ts.Node): Taint | undefined => {
    let hit: Taint | undefined;
    const visit = (n: ts.Node): void => {
      if (hit) return;
      if (ts.isCallExpression(n)) {
        const name = calleeName(n);
        if (name && (SCALAR_CONVERSIONS.has(name) || isValidatingCall(n, helpers))) return;
      }
      if (isFunctionLikeNode(n)) return;
      const direct = ts.isExpression(n) ? sources(n) : undefined;
      if (direct) {
        hit = { source: direct, node: n };
        return;
      }
      if (ts.isIdentifier(n)) {
        const decl = helpers.declarationOf(n);
        const t = decl && tainted.get(decl);
        if (t) {
          hit = t;
          return;
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(expr);
    return hit;
  };

  const visit = (node: ts.Node): void => {
    if (reported || validates) return;
    if (ts.isExpression(node) && sources(node)) readsInput = true;
    if (ts.isVariableDeclaration(node) && node.initializer) {
      const t = taintOf(node.initializer);
      if (t) markBinding(node.name, t, tainted, helpers);
    }
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      if (ts.isCallExpression(node) && isValidatingCall(node, helpers)) {
        validates = true;
        return;
      }
      const sink = sinkName(node, helpers, project);
      if (sink) {
        for (const arg of node.arguments ?? []) {
          const t = taintOf(arg);
          if (t) {
            reported = true;
            context.report({ node: t.node, messageId: 'unvalidated', data: { source: t.source, sink } });
            return;
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(fn.body);
  if (readsInput || reported) context.countSite(fn);
}

function markBinding(name: ts.BindingName, taint: Taint, tainted: Map<ts.Node, Taint>, helpers: Helpers): void {
  if (ts.isIdentifier(name)) {
    const decl = helpers.declarationOf(name);
    if (decl) tainted.set(decl, taint);
    return;
  }
  for (const element of name.elements) {
    if (ts.isOmittedExpression(element)) continue;
    if (ts.isIdentifier(element.name)) tainted.set(element, taint);
    else markBinding(element.name, taint, tainted, helpers);
  }
}

/**
 * A function that says whether an expression reads request input the rule cares about, and names
 * it: the body, the query, the whole params object. A single route parameter (`req.params.id`)
 * is a scalar id and not a source; headers are not a source.
 */
function sourceReader(handler: RequestHandler, helpers: Helpers, project: ProjectFacts, file: string): ((e: ts.Expression) => string | undefined) | undefined {
  const fn = handler.fn;
  if (handler.framework === 'nestjs' || handler.framework === 'routing-controllers') {
    const unvalidated = new Set<ts.Node>();
    for (const p of fn.parameters) {
      if (!hasDecorator(p, helpers, '@nestjs/common', 'Body', 'Query') && !hasDecorator(p, helpers, 'routing-controllers', 'Body', 'QueryParams')) continue;
      if (handler.framework === 'routing-controllers' && isDtoClass(p)) continue; // validated with class-validator by default
      if (isDtoClass(p) && (nestPipeValidates(p, handler, helpers) || installsGlobalValidationPipe(project.modules))) continue;
      // A global zod pipe parses only DTOs made by its package's createZodDto; other values pass through it.
      if (handler.framework === 'nestjs' && zodPipeValidates(p, file, helpers, project)) continue;
      unvalidated.add(p);
    }
    if (unvalidated.size === 0) return undefined;
    return (e) => {
      if (!ts.isIdentifier(e)) return undefined;
      const decl = helpers.declarationOf(e);
      return decl && unvalidated.has(decl) ? e.text : undefined;
    };
  }
  const request = handler.request;
  if (!request || !ts.isIdentifier(request.name)) return undefined;
  const requestDecl = request;
  const isRequest = (e: ts.Expression) => ts.isIdentifier(e) && helpers.declarationOf(e) === requestDecl;
  const r = request.name.text;
  return (expr) => {
    const e = unwrap(expr);
    // Hono: c.req.json(), c.req.query(), c.req.parseBody()
    if (handler.framework === 'hono' && ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
      const holder = unwrap(e.expression.expression);
      const method = e.expression.name.text;
      if (ts.isPropertyAccessExpression(holder) && holder.name.text === 'req' && isRequest(unwrap(holder.expression)) && HONO_INPUT.has(method)) return `${r}.req.${method}()`;
      return undefined;
    }
    if (!ts.isPropertyAccessExpression(e)) return undefined;
    const name = e.name.text;
    const base = unwrap(e.expression);
    // Koa: ctx.request.body, ctx.request.query
    if (handler.framework === 'koa' && ts.isPropertyAccessExpression(base) && base.name.text === 'request' && isRequest(unwrap(base.expression))) {
      return name === 'body' || name === 'query' ? `${r}.request.${name}` : undefined;
    }
    if (!isRequest(base)) return undefined;
    // Express, Fastify, Koa: req.body, req.query, the whole req.params
    if ((name === 'body' && handler.framework !== 'koa') || name === 'query') return `${r}.${name}`;
    if (name === 'params' && !isMemberRead(e)) return `${r}.params`;
    return undefined;
  };
}

/** `req.params.id` / `const { id } = req.params`: scalar route parameters are read, not the object. */
function isMemberRead(e: ts.Expression): boolean {
  const p = e.parent;
  if (ts.isVariableDeclaration(p) && p.initializer === e && ts.isObjectBindingPattern(p.name)) return !p.name.elements.some((el) => el.dotDotDotToken);
  return (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) && p.expression === e;
}

/** A parameter typed with a class name (a DTO), not `any`, an inline type or a primitive. */
function isDtoClass(p: ts.ParameterDeclaration): boolean {
  return !!p.type && ts.isTypeReferenceNode(p.type) && !['Record', 'Partial', 'Array', 'Object', 'Promise'].includes(p.type.typeName.getText());
}

/** `@Body(new ValidationPipe())`, `@Body(SchemaPipe)`, `@UsePipes(…)` on the method or its class. */
function nestPipeValidates(p: ts.ParameterDeclaration, handler: RequestHandler, helpers: Helpers): boolean {
  const decorators = ts.canHaveDecorators(p) ? (ts.getDecorators(p) ?? []) : [];
  if (decorators.some((d) => ts.isCallExpression(d.expression) && d.expression.arguments.some((a) => !ts.isStringLiteral(a)))) return true;
  return hasDecorator(handler.fn, helpers, '@nestjs/common', 'UsePipes') || hasDecorator(handler.fn.parent, helpers, '@nestjs/common', 'UsePipes');
}


/** A validating middleware among the registration's arguments before the handler. */
function validatedByMiddleware(handler: RequestHandler, helpers: Helpers): boolean {
  const reg = handler.registration;
  if (!ts.isCallExpression(reg)) return false;
  for (const arg of reg.arguments) {
    if (arg.pos >= handler.fn.pos && arg.end <= handler.fn.end) break;
    const found = (e: ts.Expression): boolean => {
      const v = unwrap(e);
      if (ts.isArrayLiteralExpression(v)) return v.elements.some(found);
      if (ts.isCallExpression(v)) {
        const name = calleeName(v);
        const ref = helpers.calleeOf(v);
        if (ref?.kind === 'module' && (ref.module === 'celebrate' || ref.module === 'express-validator' || ref.module === 'joi')) return true;
        // body('email').isEmail(): the chain starts with a validator
        return (name !== undefined && VALIDATING_MIDDLEWARE.test(name)) || (ts.isPropertyAccessExpression(v.expression) && found(v.expression.expression));
      }
      const name = ts.isIdentifier(v) ? v.text : ts.isPropertyAccessExpression(v) ? v.name.text : undefined;
      return name !== undefined && VALIDATING_MIDDLEWARE.test(name);
    };
    if (found(arg)) return true;
  }
  return false;
}

function isValidatingCall(call: ts.CallExpression, helpers: Helpers): boolean {
  const name = calleeName(call);
  if (!name || !VALIDATING_CALLS.has(name)) return false;
  const callee = unwrap(call.expression);
  if (ts.isPropertyAccessExpression(callee)) {
    const ref = helpers.referenceOf(callee);
    const full = ref && ref.kind !== 'local' ? [ref.kind === 'module' ? ref.module : ref.name, ...ref.path].join('.') : `${callee.expression.getText()}.${name}`;
    if (NOT_VALIDATING.has(full)) return false;
    // `prisma.user.create` and `repo.create` store; `Schema.create` / `struct.create` validate: only count create/is/cast/mask on a schema-like receiver.
    if (['create', 'is', 'cast', 'mask', 'assert'].includes(name) && !/schema|struct|validator|dto|Schema/i.test(callee.expression.getText())) return false;
    return true;
  }
  if (name === 'assert' || name === 'create' || name === 'is' || name === 'cast') return false;
  return true;
}

/** What a call hands values to, named for the message, or undefined when it is not a sink. */
function sinkName(node: ts.CallExpression | ts.NewExpression, helpers: Helpers, project: ProjectFacts): string | undefined {
  const callee = unwrap(node.expression);
  const ref = helpers.referenceOf(callee);
  const text = callee.getText();
  if (ts.isNewExpression(node)) {
    // new User(req.body) of a mongoose/sequelize model imported from a project module
    return ref?.kind === 'module' && ref.resolved && /^[A-Z]/.test(ref.path[ref.path.length - 1] ?? '') && /model/i.test(ref.module) ? `new ${text}` : undefined;
  }
  if (ref?.kind === 'module' && !ref.resolved) {
    const last = ref.path[ref.path.length - 1] ?? '';
    if (ref.module === 'child_process' && SHELL.has(last)) return text;
    if ((ref.module === 'axios' || ref.module === 'got' || ref.module === 'node-fetch' || ref.module === 'undici') && ref.path.length <= 1) return text;
  }
  if (ref?.kind === 'global' && ref.name === 'fetch' && ref.path.length === 0) return 'fetch';
  const method = memberName(callee);
  if (method && STORAGE_METHODS.has(method) && ts.isPropertyAccessExpression(callee) && looksLikeDataLayer(callee.expression, helpers, project)) return `${text}(…)`;
  // a project service that writes, in another file
  if (method && WRITING_SERVICE.test(method) && ref?.kind === 'module' && ref.resolved) return `${text}(…)`;
  if (method && WRITING_SERVICE.test(method) && ts.isPropertyAccessExpression(callee) && isInjectedService(callee.expression)) return `${text}(…)`;
  if (!method && ref?.kind === 'module' && ref.resolved && WRITING_SERVICE.test(ref.path[ref.path.length - 1] ?? '')) return `${text}(…)`;
  return undefined;
}

/** The receiver of a storage method is a database client, model or repository, not an array or a Map. */
function looksLikeDataLayer(receiver: ts.Expression, helpers: Helpers, project: ProjectFacts): boolean {
  const e = unwrap(receiver);
  const ref = helpers.referenceOf(e);
  if (ref?.kind === 'module') return true; // an imported model, client or repository (prisma.user, User, db)
  if (e.kind === ts.SyntaxKind.ThisKeyword) return false;
  if (ts.isPropertyAccessExpression(e)) {
    // this.usersRepository.save / this.prisma.user.create / prisma.user.create
    const text = e.getText();
    return /repo|repository|model|prisma|db|database|knex|pool|client|collection|orm|entityManager|manager/i.test(text);
  }
  if (ts.isIdentifier(e)) return /repo|repository|model|prisma|^db$|database|knex|pool|client|collection/i.test(e.text) || /^[A-Z]/.test(e.text);
  void project;
  return false;
}

/** `this.ordersService` — a dependency injected into a class (NestJS, routing-controllers, typedi). */
function isInjectedService(e: ts.Expression): boolean {
  const v = unwrap(e);
  return ts.isPropertyAccessExpression(v) && v.expression.kind === ts.SyntaxKind.ThisKeyword && /service/i.test(v.name.text);
}

function isFunctionLikeNode(n: ts.Node): boolean {
  return ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n);
}
