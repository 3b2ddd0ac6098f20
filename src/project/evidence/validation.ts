// Evidence for input validation that is set up once for a whole application: a global NestJS pipe
// (`app.useGlobalPipes(new ValidationPipe())`, or an `APP_PIPE` provider). Two kinds of pipe differ
// in what they validate. NestJS's `ValidationPipe` runs class-validator on any class-typed
// parameter. A zod pipe (`ZodValidationPipe` of nestjs-zod or @anatine/zod-nestjs, or a class made by
// nestjs-zod's `createZodValidationPipe`) parses only parameters typed with a class made by the same
// package's `createZodDto(schema)`, and hands every other value to the handler as it came. So the
// evidence also records which exported classes are zod DTOs and zod pipes, for the rules to resolve
// a parameter's type (or a pipe imported from another file) across files.
import { ts } from '../../core/typescript.js';
import type { Helpers } from '../../core/helpers.js';
import { unwrap } from '../../core/references.js';
import { exportedValues, hasDecorator } from '../../core/handlers.js';
import type { Reference } from '../../core/types.js';
import type { CollectorFactory } from './index.js';
import { mentions } from './mentions.js';
import { memoOn } from '../memo.js';
import { importersIn, withImporters } from '../graph.js';
import type { ModuleFacts } from '../modules.js';
import type { ProjectFacts } from '../facts.js';

const KINDS = [ts.SyntaxKind.CallExpression, ts.SyntaxKind.ObjectLiteralExpression];
/** Packages whose `ZodValidationPipe` validates the DTO classes their own `createZodDto` makes (each checks its own static marker). */
const ZOD_PACKAGES = new Set(['nestjs-zod', '@anatine/zod-nestjs']);
/** Entry points of a zod package that export its `createZodDto` too: nestjs-zod's `nestjs-zod/dto`. */
const DTO_ENTRIES = new Map([['nestjs-zod/dto', 'nestjs-zod']]);
const MAX_DEPTH = 8;

/**
 * Where a zod DTO or pipe class comes from: the package whose factory or pipe it is (and which of
 * the two it is), or an export of a project file it is or extends.
 */
export type ZodOrigin = { package: string; kind: 'dto' | 'pipe' } | { file: string; name: string };

export interface ValidationEvidence {
  /** This file installs NestJS's class-validator `ValidationPipe` globally. */
  globalPipe: boolean;
  /** The zod pipes this file installs globally. */
  zodPipes: ZodOrigin[];
  /**
   * Exported classes that are (or extend a class of another file that may be) zod DTOs or pipes, by
   * export name: `export class CreateAlbumDto extends createZodDto(CreateAlbumSchema) {}`,
   * `export const AppPipe = createZodValidationPipe({…})`.
   */
  zodClasses: Map<string, ZodOrigin>;
}

type ReferenceOf = (expr: ts.Expression) => Reference | null;
type Lookup = Pick<ProjectFacts, 'lookupExport' | 'repositoryModules' | 'repositoryEntryPoints' | 'roles' | 'packageOf'>;

const globalPipes = new WeakMap<object, Map<string, boolean>>();
const zodPipeStore = new WeakMap<object, Map<string, ZodPipeScopes>>();

/** Some module of these (a package's `modules`, or `repositoryModules`) installs NestJS's global class-validator `ValidationPipe`. */
export function installsGlobalValidationPipe(modules: ReadonlyMap<string, ModuleFacts>): boolean {
  return memoOn(globalPipes, modules, 'globalValidationPipe', () => [...modules.values()].some((m) => m.evidence.validation?.globalPipe));
}

/** Where global zod pipes are installed: over the files each server process uses, or (without entry points) over workspace packages. */
type ZodPipeScopes = { processes: Array<{ files: ReadonlySet<string>; pipes: ReadonlySet<string> }> } | { packages: ReadonlyMap<string, ReadonlySet<string>> };

/**
 * The zod packages (`nestjs-zod`, `@anatine/zod-nestjs`) whose pipe is installed globally over the
 * handlers of `file`: a pipe installed in file P covers `file` when some server entry point (a file
 * that calls `.listen`, tests and browser code excluded) uses both (see `servedFiles`). Not a pipe of
 * another app of the monorepo, not a test's or a script's set-up (`app.useGlobalPipes(…)` in an e2e
 * spec, or in `src/generate-openapi.ts` that boots the app to write the API docs and never listens):
 * they say nothing of how the server runs. A repository without any entry point falls back to
 * packages: a pipe covers its own workspace package and the packages its server code value-imports.
 */
function zodPipesOver(file: string, project: Lookup): ReadonlySet<string> | undefined {
  const scopes = zodPipeScopes(project);
  if ('packages' in scopes) return scopes.packages.get(project.packageOf(file).dir);
  let out: Set<string> | undefined;
  for (const { files, pipes } of scopes.processes) if (files.has(file)) for (const p of pipes) (out ??= new Set()).add(p);
  return out;
}

function zodPipeScopes(project: Lookup): ZodPipeScopes {
  return memoOn(zodPipeStore, project.repositoryModules, 'zodPipeScopes', () => {
    const serverCode = (file: string) => {
      const roles = project.roles(file);
      return !roles.has('test') && !roles.has('cli');
    };
    const installs = new Map<string, Set<string>>();
    for (const m of project.repositoryModules.values()) {
      const pipes = m.evidence.validation?.zodPipes ?? [];
      if (pipes.length === 0 || !serverCode(m.path)) continue;
      for (const origin of pipes) {
        const made = madeBy(origin, project);
        if (made?.kind === 'pipe') addTo(installs, m.path, [made.package]);
      }
    }
    if (installs.size === 0) return { processes: [] };
    const entries = project.repositoryEntryPoints;
    if (entries.length === 0) return { packages: packageScopes(project, installs, serverCode) };
    const importers = importersIn(project, project.repositoryModules);
    const processes: Array<{ files: ReadonlySet<string>; pipes: ReadonlySet<string> }> = [];
    for (const entry of entries) {
      const files = servedFiles(project, entry, importers);
      const pipes = new Set<string>();
      for (const [file, installed] of installs) if (files.has(file)) for (const p of installed) pipes.add(p);
      if (pipes.size > 0) processes.push({ files, pipes });
    }
    return { processes };
  });
}

/**
 * The files whose code a server process started at `entry` uses: from the entry and the (non-test)
 * files that import it, directly or not (`src/index.ts` imports `src/server.ts`, which listens), every
 * value import, where an import that takes names reaches the module and the files that define those
 * names, not the rest of a barrel's re-exports: `import { FILES_QUEUE } from '@acme/files'` does not
 * make the library's controllers (`export * from './files.controller'` in its index) part of the app
 * that imports a constant. An import whose names cannot be followed takes the whole module.
 */
function servedFiles(project: Lookup, entry: string, importers: ReadonlyMap<string, readonly string[]>): ReadonlySet<string> {
  // 'all': the whole module, its re-exports included; 'own': its own code and the modules it imports.
  const seen = new Map<string, 'all' | 'own'>();
  const queue: Array<[string, 'all' | 'own']> = [];
  const visit = (file: string, mode: 'all' | 'own') => {
    const was = seen.get(file);
    if (was === 'all' || was === mode) return;
    seen.set(file, mode);
    queue.push([file, mode]);
  };
  for (const root of withImporters(entry, importers)) visit(root, 'all');
  for (let next = queue.pop(); next; next = queue.pop()) {
    const [file, mode] = next;
    for (const imp of project.repositoryModules.get(file)?.imports ?? []) {
      if (!imp.resolved || imp.typeOnly || (mode === 'own' && imp.kind === 'export-from')) continue;
      if (!imp.names) {
        visit(imp.resolved, 'all');
        continue;
      }
      visit(imp.resolved, 'own');
      for (const name of imp.names) {
        const hit = project.lookupExport(imp.resolved, name);
        if (hit) visit(hit.file, 'own');
        else visit(imp.resolved, 'all');
      }
    }
  }
  return new Set(seen.keys());
}

/** The fallback without entry points: a pipe covers its own workspace package and the packages its package's server code value-imports (an app that mounts a library's controllers). */
function packageScopes(project: Lookup, installs: ReadonlyMap<string, ReadonlySet<string>>, serverCode: (file: string) => boolean): ReadonlyMap<string, ReadonlySet<string>> {
  const installed = new Map<string, Set<string>>();
  for (const [file, pipes] of installs) addTo(installed, project.packageOf(file).dir, pipes);
  const scopes = new Map<string, Set<string>>();
  for (const [dir, pipes] of installed) addTo(scopes, dir, pipes);
  for (const m of project.repositoryModules.values()) {
    const pipes = installed.get(project.packageOf(m.path).dir);
    if (!pipes || !serverCode(m.path)) continue;
    for (const imp of m.imports) if (imp.resolved && !imp.typeOnly) addTo(scopes, project.packageOf(imp.resolved).dir, pipes);
  }
  return scopes;
}

function addTo(map: Map<string, Set<string>>, key: string, values: Iterable<string>): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  for (const v of values) set.add(v);
}

/**
 * A global zod pipe validates a NestJS parameter of a handler in `file`: the parameter is one NestJS
 * runs pipes on (`@Body`, `@Query`, `@Param`; not `@Headers`), and its declared type is a class made
 * by `createZodDto` of a package whose pipe is installed over `file` (see `zodPipesOver`),
 * declared in this file or imported with a value import (after `import type` the decorator metadata
 * the pipe reads holds `Object`).
 */
export function zodPipeValidates(p: ts.ParameterDeclaration, file: string, helpers: Helpers, project: Lookup): boolean {
  if (!p.type || !ts.isTypeReferenceNode(p.type) || p.type.typeArguments) return false;
  if (!hasDecorator(p, helpers, '@nestjs/common', 'Body', 'Query', 'Param')) return false;
  const pipes = zodPipesOver(file, project);
  if (!pipes) return false;
  const name = p.type.typeName;
  let origin: ZodOrigin | undefined;
  if (ts.isIdentifier(name)) {
    origin = zodClassOrigin(name, helpers.referenceOf);
  } else if (ts.isIdentifier(name.left)) {
    // dto.CreateAlbumDto of `import * as dto from './dtos'`
    const ns = helpers.referenceOf(name.left);
    if (ns?.kind === 'module' && ns.resolved && ns.path.length === 0) origin = { file: ns.resolved, name: name.right.text };
  }
  const made = origin && madeBy(origin, project);
  return made?.kind === 'dto' && pipes.has(made.package);
}

/** The package that made a class, following exports of project files (`class UpdateDto extends CreateDto`, a pipe made in another file). */
function madeBy(origin: ZodOrigin, project: Lookup): Extract<ZodOrigin, { package: string }> | undefined {
  let o: ZodOrigin | undefined = origin;
  for (let depth = 0; o && depth < MAX_DEPTH; depth++) {
    if ('package' in o) return o;
    const hit = project.lookupExport(o.file, o.name);
    o = hit ? project.repositoryModules.get(hit.file)?.evidence.validation?.zodClasses?.get(hit.name) : undefined;
  }
  return undefined;
}

/**
 * Where the class a node holds comes from, if it may be a zod DTO or pipe class: `createZodDto(schema)`,
 * `ZodValidationPipe`, `createZodValidationPipe(options)`, a class or `const` of this file made from
 * one, or an import of a project file (judged by that file's evidence).
 */
function zodClassOrigin(node: ts.Node, referenceOf: ReferenceOf, depth = 0): ZodOrigin | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const e = ts.isExpression(node) ? unwrap(node) : node;
  if (ts.isClassLike(e)) {
    const base = e.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    return base ? zodClassOrigin(base, referenceOf, depth + 1) : undefined;
  }
  if (ts.isVariableDeclaration(e)) {
    const constant = ts.isVariableDeclarationList(e.parent) && (e.parent.flags & ts.NodeFlags.Const) !== 0;
    return constant && e.initializer && ts.isIdentifier(e.name) ? zodClassOrigin(e.initializer, referenceOf, depth + 1) : undefined;
  }
  if (ts.isCallExpression(e)) {
    // createZodDto(Schema); createZodValidationPipe({ … }) is nestjs-zod's only
    const ref = referenceOf(e.expression);
    if (ref?.kind !== 'module' || ref.resolved || ref.path.length !== 1) return undefined;
    const dtoPackage = DTO_ENTRIES.get(ref.module);
    if (dtoPackage && ref.path[0] === 'createZodDto') return { package: dtoPackage, kind: 'dto' };
    if (!ZOD_PACKAGES.has(ref.module)) return undefined;
    if (ref.path[0] === 'createZodDto') return { package: ref.module, kind: 'dto' };
    if (ref.path[0] === 'createZodValidationPipe' && ref.module === 'nestjs-zod') return { package: ref.module, kind: 'pipe' };
    return undefined;
  }
  if (!ts.isIdentifier(e) && !ts.isPropertyAccessExpression(e)) return undefined;
  const ref = referenceOf(e);
  if (ref?.kind === 'module' && !ref.resolved) {
    return ZOD_PACKAGES.has(ref.module) && ref.path.length === 1 && ref.path[0] === 'ZodValidationPipe' ? { package: ref.module, kind: 'pipe' } : undefined;
  }
  if (ref?.kind === 'module' && ref.resolved) return ref.path.length === 1 ? { file: ref.resolved, name: ref.path[0] as string } : undefined;
  if (ref?.kind === 'local' && ref.path.length === 0) return zodClassOrigin(ref.declaration, referenceOf, depth + 1);
  return undefined;
}

export const validationCollector: CollectorFactory = (context) => {
  const { sourceFile, referenceOf } = context;
  let globalPipe = false;
  const zodPipes: ZodOrigin[] = [];
  const isValidationPipe = (e: ts.Expression | undefined) => {
    if (!e) return false;
    const v = unwrap(e);
    const cls = ts.isNewExpression(v) ? v.expression : v;
    const ref = referenceOf(cls);
    return ref?.kind === 'module' && ref.module === '@nestjs/common' && ref.path[0] === 'ValidationPipe';
  };
  /** A pipe given to `useGlobalPipes` or an `APP_PIPE` provider (the class, or `new` of it). */
  const install = (e: ts.Expression | undefined) => {
    if (!e) return;
    if (isValidationPipe(e)) {
      globalPipe = true;
      return;
    }
    const v = unwrap(e);
    const origin = zodClassOrigin(ts.isNewExpression(v) ? v.expression : v, referenceOf);
    if (origin) zodPipes.push(origin);
  };
  return {
    // `useGlobalPipes` is a member name the file spells; `APP_PIPE` must come from @nestjs/core. Other files install no pipe.
    kinds: mentions(sourceFile, ['useGlobalPipes', '@nestjs/core']) ? KINDS : [],
    visit(node) {
      // app.useGlobalPipes(new ValidationPipe({ whitelist: true }))
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'useGlobalPipes') {
        for (const a of node.arguments) install(a);
      }
      // { provide: APP_PIPE, useClass: ValidationPipe } / useValue: new ValidationPipe()
      if (ts.isObjectLiteralExpression(node)) {
        const prop = (name: string) => node.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === name)?.initializer;
        const provide = prop('provide');
        const ref = provide ? referenceOf(provide) : null;
        if (ref?.kind === 'module' && ref.module === '@nestjs/core' && ref.path[0] === 'APP_PIPE') {
          install(prop('useClass'));
          install(prop('useValue'));
        }
      }
    },
    finish(evidence) {
      const zodClasses = new Map<string, ZodOrigin>();
      // A zod class is made by a call into a zod package, or extends a class. An export that only
      // passes an import on is not recorded: lookupExport follows it to the module that declares it.
      if (mentions(sourceFile, ['extends', 'nestjs-zod', 'zod-nestjs'])) {
        for (const [name, value] of exportedValues(sourceFile)) {
          const ref = ts.isIdentifier(value) ? referenceOf(value) : null;
          if (ref?.kind === 'module') continue;
          const origin = zodClassOrigin(value, referenceOf);
          if (origin) zodClasses.set(name, origin);
        }
      }
      evidence.validation = { globalPipe, zodPipes, zodClasses };
    },
  };
};
