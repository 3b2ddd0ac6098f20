// Matching helpers every rule shares: what a callee refers to, what a constant holds, what an
// options object says. A rule that needs a new kind of match adds it here, not a private copy.
import { ts } from './typescript.js';
import type { ProjectFacts, ResolvedExport } from '../project/facts.js';
import { referenceOf, unwrap } from './references.js';
import { isFunctionLike, ScopeIndex, type DeclarationNode } from './scope.js';

export { isFunctionLike };
import type { Reference } from './types.js';

export type PropertyLookup =
  | { kind: 'found'; property: ts.ObjectLiteralElementLike; value: ts.Expression | undefined }
  | { kind: 'missing' }
  /** The object has a spread or computed key that could hold the property. */
  | { kind: 'unknown' };

export interface Helpers {
  readonly scope: ScopeIndex;
  /** What an expression refers to (import, require, global or local) with its member path. */
  referenceOf(expr: ts.Expression): Reference | null;
  /** The reference of a call's or `new`'s callee. */
  calleeOf(call: ts.CallExpression | ts.NewExpression): Reference | null;
  /** The callee is `module`'s export at `path`: `isCallTo(call, 'axios', 'get')`; `isCallTo(call, 'axios')` for `axios(…)`. */
  isCallTo(call: ts.CallExpression | ts.NewExpression, module: string, ...path: string[]): boolean;
  /** The callee is a global (not shadowed): `isGlobalCall(call, 'fetch')`, `isGlobalCall(call, 'process', 'on')`. */
  isGlobalCall(call: ts.CallExpression | ts.NewExpression, name: string, ...path: string[]): boolean;
  declarationOf(id: ts.Identifier): DeclarationNode | undefined;
  /** The expression a `const` (or never-reassigned binding's initializer) holds, following `const a = b` chains. */
  valueOf(expr: ts.Expression): ts.Expression;
  /** An import specifier of this file, resolved (the project file it names, else null), once per specifier. */
  resolveSpecifier(specifier: string): string | null;
  /** The project export a reference into a project file reads, across files. */
  exportOf(ref: Reference): ResolvedExport | undefined;
  /** A string literal or substitution-free template's text. */
  staticString(expr: ts.Expression | undefined): string | undefined;
  /** A property of an object literal (following a const identifier to its literal). */
  property(obj: ts.Expression | undefined, name: string): PropertyLookup;
  /** The innermost function-like node containing `node`. */
  enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined;
}

export function referenceKey(ref: Reference | null): string | undefined {
  if (!ref) return undefined;
  if (ref.kind === 'module') return [ref.module, ...ref.path].join('.');
  if (ref.kind === 'global') return [ref.name, ...ref.path].join('.');
  return undefined;
}


/** The helpers of one file; taint summaries pass the two lookups they have (imports resolve, exports do not: ../core/taint.ts `summariseFile`). */
export function createHelpers(file: string, project: Pick<ProjectFacts, 'resolveImport' | 'lookupExport'>, resolutions?: ReadonlyMap<string, string | null>): Helpers {
  const scope = new ScopeIndex();
  // Every reference to an import resolves its specifier: once per specifier and file, starting from
  // those the file's module facts resolved (`FileInfo.resolutions`).
  const specifiers = new Map<string, string | null>(resolutions);
  const resolveSpecifier = (spec: string) => {
    let r = specifiers.get(spec);
    if (r === undefined) {
      r = project.resolveImport(file, spec);
      specifiers.set(spec, r);
    }
    return r;
  };
  // The facts remember each lookup for the whole scan; this file asks them once per export.
  const exports = new Map<string, ResolvedExport | undefined>();
  const exportOf = (ref: Reference): ResolvedExport | undefined => {
    // Only a module reference into a project file with a member path has an export (see
    // facts.exportOfReference, which is this lookup; asked with plain arguments, a recorder keeps
    // the call without encoding the reference).
    if (ref.kind !== 'module' || !ref.resolved) return undefined;
    const [name] = ref.path;
    if (name === undefined) return undefined;
    const key = `${ref.resolved}\0${name}`;
    if (exports.has(key)) return exports.get(key);
    const hit = project.lookupExport(ref.resolved, name);
    exports.set(key, hit);
    return hit;
  };
  // Several rules ask about the same callee in one walk: resolve each node once.
  const refs = new Map<ts.Expression, Reference | null>();
  const refOf = (expr: ts.Expression) => {
    let ref = refs.get(expr);
    if (ref === undefined) {
      ref = referenceOf(expr, scope, resolveSpecifier);
      refs.set(expr, ref);
    }
    return ref;
  };

  const valueOf = (expr: ts.Expression): ts.Expression => {
    let e = unwrap(expr);
    for (let i = 0; i < 8 && ts.isIdentifier(e); i++) {
      const decl = scope.declarationOf(e);
      if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer || !ts.isIdentifier(decl.name)) break;
      const list = decl.parent;
      if (!(ts.isVariableDeclarationList(list) && list.flags & ts.NodeFlags.Const)) break;
      e = unwrap(decl.initializer);
    }
    return e;
  };

  const helpers: Helpers = {
    scope,
    referenceOf: refOf,
    resolveSpecifier,
    calleeOf: (call) => refOf(call.expression),
    isCallTo(call, module, ...path) {
      const ref = refOf(call.expression);
      return !!ref && ref.kind === 'module' && !ref.resolved && ref.module === module && sameArray(ref.path, path);
    },
    isGlobalCall(call, name, ...path) {
      const ref = refOf(call.expression);
      return !!ref && ref.kind === 'global' && ref.name === name && sameArray(ref.path, path);
    },
    declarationOf: (id) => scope.declarationOf(id),
    valueOf,
    exportOf,
    staticString(expr) {
      if (!expr) return undefined;
      const e = unwrap(expr);
      return ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) ? e.text : undefined;
    },
    property(obj, name) {
      if (!obj) return { kind: 'missing' };
      const e = valueOf(obj);
      if (!ts.isObjectLiteralExpression(e)) return { kind: 'unknown' };
      let unknown = false;
      let found: PropertyLookup | undefined;
      for (const p of e.properties) {
        if (ts.isSpreadAssignment(p)) {
          unknown = true;
          continue;
        }
        const key = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNoSubstitutionTemplateLiteral(p.name)) ? p.name.text : undefined;
        if (key === undefined) {
          if (p.name && ts.isComputedPropertyName(p.name)) unknown = true;
          continue;
        }
        if (key === name) {
          const value = ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : undefined;
          // A later spread can still override it, but a property written out is what the author meant.
          found = { kind: 'found', property: p, value };
        }
      }
      return found ?? (unknown ? { kind: 'unknown' } : { kind: 'missing' });
    },
    enclosingFunction(node) {
      for (let n: ts.Node | undefined = node.parent; n; n = n.parent) if (isFunctionLike(n)) return n;
      return undefined;
    },
  };
  return helpers;
}

function sameArray(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
