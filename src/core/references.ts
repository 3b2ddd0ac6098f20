// What an expression refers to: a module export (through import, require, renames and
// destructuring), a global, or a local declaration, plus the member chain read from it.
import { ts } from './typescript.js';
import type { Reference } from './types.js';
import { kindTable, type DeclarationNode, type ScopeIndex } from './scope.js';

// Kinds read on every reference lookup, as plain numbers (see kindTable).
const IDENTIFIER = ts.SyntaxKind.Identifier;
const PROPERTY_ACCESS = ts.SyntaxKind.PropertyAccessExpression;
const ELEMENT_ACCESS = ts.SyntaxKind.ElementAccessExpression;
const CALL = ts.SyntaxKind.CallExpression;
const AWAIT = ts.SyntaxKind.AwaitExpression;
const IMPORT_KEYWORD = ts.SyntaxKind.ImportKeyword;
const STRING_LITERAL = ts.SyntaxKind.StringLiteral;
const PLAIN_TEMPLATE = ts.SyntaxKind.NoSubstitutionTemplateLiteral;
const WRAPPERS = kindTable([ts.SyntaxKind.ParenthesizedExpression, ts.SyntaxKind.NonNullExpression, ts.SyntaxKind.AsExpression, ts.SyntaxKind.SatisfiesExpression, ts.SyntaxKind.TypeAssertionExpression]);

/** `node:fs` and `fs` are one module to every rule. */
export function normaliseModuleName(specifier: string): string {
  return specifier.startsWith('node:') ? specifier.slice(5) : specifier;
}

/** `null` or the global `undefined`, through parentheses, `!`, `as`, `satisfies` and type assertions. */
export function isNullishLiteral(expr: ts.Expression): boolean {
  const e = unwrap(expr);
  return e.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(e) && e.text === 'undefined');
}

/** The node is declared with the modifier (`export`, `private`, `static`, `async`, …). */
export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false);
}

/** Strips parentheses, `!`, `as`, `satisfies` and type assertions. */
export function unwrap(expr: ts.Expression): ts.Expression {
  let e = expr;
  while (WRAPPERS[e.kind] === 1) e = (e as ts.ParenthesizedExpression).expression;
  return e;
}

/** Climbs from an expression through what `unwrap` strips (parentheses, `!`, `as`, `satisfies`, type assertions): its outermost wrapper. */
export function outermost(node: ts.Node): ts.Node {
  let n = node;
  while (WRAPPERS[n.parent.kind] === 1) n = n.parent;
  return n;
}

/** The expression is written to: assigned, incremented, deleted, or a target of destructuring or `for … of`. */
export function isWritten(expr: ts.Node): boolean {
  let n = outermost(expr);
  // `[X.a, X.b] = …`, `({ k: X.a } = …)`: climb out of the literal to see whether it is a target.
  while (ts.isArrayLiteralExpression(n.parent) || ts.isSpreadElement(n.parent) || ts.isPropertyAssignment(n.parent) || ts.isShorthandPropertyAssignment(n.parent) || ts.isObjectLiteralExpression(n.parent)) n = outermost(n.parent);
  const p = n.parent;
  if (ts.isBinaryExpression(p)) return p.left === n && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
  if (ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) return p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken;
  if (ts.isDeleteExpression(p)) return true;
  return (ts.isForOfStatement(p) || ts.isForInStatement(p)) && p.initializer === n;
}

/** The module name of `require('x')` (a static string argument), else undefined. */
export function requireSpecifier(expr: ts.Expression): string | undefined {
  const e = unwrap(expr);
  if (e.kind !== CALL) return undefined;
  const call = e as ts.CallExpression;
  if (call.expression.kind !== IDENTIFIER || (call.expression as ts.Identifier).text !== 'require') return undefined;
  const arg = call.arguments[0];
  if (call.arguments.length !== 1 || !arg || !(arg.kind === STRING_LITERAL || arg.kind === PLAIN_TEMPLATE)) return undefined;
  return (arg as ts.StringLiteral).text;
}

/** The module name of `import('x')` (a static string argument), else undefined. */
export function importSpecifier(expr: ts.Expression): string | undefined {
  const e = unwrap(expr);
  if (e.kind !== CALL || (e as ts.CallExpression).expression.kind !== IMPORT_KEYWORD) return undefined;
  const arg = (e as ts.CallExpression).arguments[0];
  if (!arg || !(arg.kind === STRING_LITERAL || arg.kind === PLAIN_TEMPLATE)) return undefined;
  return (arg as ts.StringLiteral).text;
}

/** The module name of `await import('x')`, else undefined. */
export function awaitedImportSpecifier(expr: ts.Expression): string | undefined {
  const e = unwrap(expr);
  return e.kind === AWAIT ? importSpecifier((e as ts.AwaitExpression).expression) : undefined;
}

/** The property name of a member access with a static name, else undefined. */
export function memberName(expr: ts.Expression): string | undefined {
  if (expr.kind === PROPERTY_ACCESS) return (expr as ts.PropertyAccessExpression).name.text;
  if (expr.kind === ELEMENT_ACCESS) {
    const arg = (expr as ts.ElementAccessExpression).argumentExpression;
    if (arg.kind === STRING_LITERAL || arg.kind === PLAIN_TEMPLATE) return (arg as ts.StringLiteral).text;
  }
  return undefined;
}

/** The name a call's callee ends with: `save` of `save(…)`, `this.repo.save(…)` and `repo['save'](…)`. */
export function calleeName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const callee = unwrap(call.expression);
  return ts.isIdentifier(callee) ? callee.text : memberName(callee);
}

export function propertyNameText(name: ts.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return undefined;
}

/** The function a class or object member is: a method with a body, or a property holding an arrow function or function expression. */
export function memberFunctionOf(member: ts.Node): ts.MethodDeclaration | ts.ArrowFunction | ts.FunctionExpression | undefined {
  if (ts.isMethodDeclaration(member)) return member.body ? member : undefined;
  if (!ts.isPropertyDeclaration(member) && !ts.isPropertyAssignment(member)) return undefined;
  const init = member.initializer && unwrap(member.initializer);
  return init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? init : undefined;
}

/** For `const { a: { b } } = init`, the path of property names from `init` to the element. */
function bindingPath(element: ts.BindingElement): { root: ts.VariableDeclaration | ts.ParameterDeclaration; path: string[] } | undefined {
  const path: string[] = [];
  let node: ts.Node = element;
  while (ts.isBindingElement(node)) {
    const pattern: ts.Node = node.parent;
    if (ts.isObjectBindingPattern(pattern)) {
      const key = node.propertyName ? propertyNameText(node.propertyName) : ts.isIdentifier(node.name) ? node.name.text : undefined;
      if (key === undefined || node.dotDotDotToken) return undefined;
      path.unshift(key);
    } else {
      return undefined; // array destructuring: positions are not names
    }
    node = pattern.parent;
  }
  if (ts.isVariableDeclaration(node) || ts.isParameter(node)) return { root: node, path };
  return undefined;
}

export type SpecifierResolver = (specifier: string) => string | null;

/** Packages that also export their default under a name: `import { got } from 'got'` is `import got from 'got'`. */
const SAME_AS_DEFAULT: Readonly<Record<string, string>> = { got: 'got' };

function moduleRef(specifier: string, path: string[], resolveSpecifier: SpecifierResolver): Reference {
  const resolved = resolveSpecifier(specifier);
  return { kind: 'module', module: resolved ? specifier : normaliseModuleName(specifier), path, resolved };
}

/** What a declaration binds, as a reference with an empty member path. */
export function referenceOfDeclaration(decl: DeclarationNode, name: string, scope: ScopeIndex, resolveSpecifier: SpecifierResolver, depth = 0): Reference | null {
  if (ts.isImportClause(decl)) {
    const spec = decl.parent.moduleSpecifier;
    if (!ts.isStringLiteral(spec)) return null;
    // A package's default import is the module object (CommonJS interop); a project file's is its `default` export.
    const ref = moduleRef(spec.text, [], resolveSpecifier);
    if (ref.kind === 'module' && ref.resolved) ref.path = ['default'];
    return ref;
  }
  if (ts.isNamespaceImport(decl)) {
    const spec = decl.parent.parent.moduleSpecifier;
    return ts.isStringLiteral(spec) ? moduleRef(spec.text, [], resolveSpecifier) : null;
  }
  if (ts.isImportSpecifier(decl)) {
    const spec = decl.parent.parent.parent.moduleSpecifier;
    if (!ts.isStringLiteral(spec)) return null;
    const imported = decl.propertyName ? decl.propertyName.text : decl.name.text;
    const ref = moduleRef(spec.text, imported === 'default' || (!resolveSpecifier(spec.text) && SAME_AS_DEFAULT[spec.text] === imported) ? [] : [imported], resolveSpecifier);
    if (imported === 'default' && ref.kind === 'module' && ref.resolved) ref.path = ['default'];
    return ref;
  }
  if (ts.isImportEqualsDeclaration(decl)) {
    const mref = decl.moduleReference;
    if (ts.isExternalModuleReference(mref) && ts.isStringLiteral(mref.expression)) return moduleRef(mref.expression.text, [], resolveSpecifier);
    return null;
  }
  if (ts.isVariableDeclaration(decl) && decl.initializer && depth < 8) {
    const init = unwrap(decl.initializer);
    const viaRequire = requireChain(init, scope, resolveSpecifier);
    if (viaRequire) return viaRequire;
    // `const client = axios` / `const { get } = axios`: an alias keeps the reference.
    if (isConst(decl) && (ts.isIdentifier(init) || ts.isPropertyAccessExpression(init))) {
      const inner = referenceOf(init, scope, resolveSpecifier, depth + 1);
      if (inner && inner.kind !== 'local') return inner;
    }
  }
  if (ts.isBindingElement(decl) && depth < 8) {
    const bp = bindingPath(decl);
    if (bp && ts.isVariableDeclaration(bp.root) && bp.root.initializer) {
      const init = unwrap(bp.root.initializer);
      const base = requireChain(init, scope, resolveSpecifier) ?? (isConst(bp.root) && ts.isIdentifier(init) ? referenceOf(init, scope, resolveSpecifier, depth + 1) : null);
      if (base && base.kind !== 'local') {
        const path = [...base.path, ...bp.path];
        // `const { default: helmet } = await import('helmet')` is `import helmet from 'helmet'`.
        if (base.kind === 'module' && !base.resolved && path[0] === 'default' && awaitedImportSpecifier(init) !== undefined) path.shift();
        return withPath(base, path);
      }
    }
  }
  return { kind: 'local', declaration: decl as ts.Declaration, name, path: [] };
}

function isConst(decl: ts.VariableDeclaration): boolean {
  const list = decl.parent;
  return ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0;
}

/**
 * `require('x')`, `require('x').a.b`, and the module namespace `await import('x')` (`(await
 * import('x')).default.a`). The `default` of a package is the package, as for a default import; a
 * project file's `default` export keeps its name, as `import x from './x'` does.
 */
function requireChain(expr: ts.Expression, scope: ScopeIndex, resolveSpecifier: SpecifierResolver): Reference | null {
  const path: string[] = [];
  let e = unwrap(expr);
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const name = memberName(e);
    if (name === undefined) return null;
    path.unshift(name);
    e = unwrap(e.expression);
  }
  const imported = awaitedImportSpecifier(e);
  if (imported !== undefined) {
    const ref = moduleRef(imported, path, resolveSpecifier);
    if (ref.kind === 'module' && !ref.resolved && ref.path[0] === 'default') ref.path.shift();
    return ref;
  }
  const spec = requireSpecifier(e);
  if (spec === undefined) return null;
  // `require` shadowed by a local is not Node's require.
  if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && scope.declarationOf(e.expression)) return null;
  if (path[0] === 'default') path.shift();
  return moduleRef(spec, path, resolveSpecifier);
}

/**
 * `{ ...ref, path }`, built by kind (the keys in the order every reference here is made with): a
 * spread of objects of three shapes is a slow, generic copy, and this runs for every member chain.
 */
function withPath(ref: Reference, path: string[]): Reference {
  switch (ref.kind) {
    case 'module':
      return { kind: 'module', module: ref.module, path, resolved: ref.resolved };
    case 'global':
      return { kind: 'global', name: ref.name, path };
    default:
      return { kind: 'local', declaration: ref.declaration, name: ref.name, path };
  }
}

const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window', 'self']);

/**
 * The reference of an expression: `axios.get` → module axios ['get']; `fetch` → global fetch;
 * `client.get` where `const client = axios.create()` → local client ['get'].
 */
export function referenceOf(expr: ts.Expression, scope: ScopeIndex, resolveSpecifier: SpecifierResolver, depth = 0): Reference | null {
  const e = unwrap(expr);
  if (e.kind === IDENTIFIER) {
    const id = e as ts.Identifier;
    const decl = scope.declarationOf(id);
    if (!decl) return { kind: 'global', name: id.text, path: [] };
    return referenceOfDeclaration(decl, id.text, scope, resolveSpecifier, depth);
  }
  if (e.kind === PROPERTY_ACCESS || e.kind === ELEMENT_ACCESS) {
    // The member chain, outermost name first, down to its base: one walk, not one per member.
    const names: string[] = [];
    let base: ts.Expression = e;
    while (base.kind === PROPERTY_ACCESS || base.kind === ELEMENT_ACCESS) {
      const name = memberName(base);
      if (name === undefined) return null;
      names.push(name);
      base = unwrap((base as ts.PropertyAccessExpression).expression);
    }
    // `require('x').a.b`: the whole chain reads the module (or nothing, when `require` is shadowed).
    if ((base.kind === CALL && requireSpecifier(base) !== undefined) || (base.kind === AWAIT && awaitedImportSpecifier(base) !== undefined)) return requireChain(e, scope, resolveSpecifier);
    let ref = referenceOf(base, scope, resolveSpecifier, depth);
    // `globalThis.x` / `window.x` is the global `x`: each such leading member is a global of its own.
    let i = names.length - 1;
    while (i >= 0 && ref && ref.kind === 'global' && ref.path.length === 0 && GLOBAL_OBJECTS.has(ref.name)) ref = { kind: 'global', name: names[i--] as string, path: [] };
    if (!ref || i < 0) return ref;
    // The rest of the chain extends the path: one copy of the reference, not one per member.
    const path = ref.path.slice();
    for (; i >= 0; i--) path.push(names[i] as string);
    return withPath(ref, path);
  }
  if (e.kind === CALL || e.kind === AWAIT) {
    return requireChain(e, scope, resolveSpecifier);
  }
  return null;
}
