// A small scope analyzer: which declaration an identifier refers to, computed lazily per scope.
// Rules ask "is this `axios` the import of 'axios'?"; answering by name alone would be fooled by a
// parameter or local of the same name, so every lookup walks the enclosing scopes.
import { ts } from 'ts-morph';

/** A declaring node: variable, binding element, parameter, function, class, enum or import. */
export type DeclarationNode =
  | ts.VariableDeclaration
  | ts.BindingElement
  | ts.ParameterDeclaration
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ClassDeclaration
  | ts.ClassExpression
  | ts.EnumDeclaration
  | ts.ImportClause
  | ts.ImportSpecifier
  | ts.NamespaceImport
  | ts.ImportEqualsDeclaration;

type ScopeMap = Map<string, DeclarationNode>;

function addBindingName(map: ScopeMap, name: ts.BindingName, decl: ts.VariableDeclaration | ts.ParameterDeclaration): void {
  if (ts.isIdentifier(name)) {
    if (!map.has(name.text)) map.set(name.text, decl);
    return;
  }
  for (const element of name.elements) {
    if (ts.isOmittedExpression(element)) continue;
    if (ts.isIdentifier(element.name)) {
      if (!map.has(element.name.text)) map.set(element.name.text, element);
    } else {
      addBindingName(map, element.name, decl);
    }
  }
}

function addStatement(map: ScopeMap, statement: ts.Statement): void {
  if (ts.isVariableStatement(statement)) {
    for (const d of statement.declarationList.declarations) addBindingName(map, d.name, d);
  } else if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) {
    if (statement.name && !map.has(statement.name.text)) map.set(statement.name.text, statement);
  } else if (ts.isImportDeclaration(statement)) {
    const clause = statement.importClause;
    if (!clause || clause.isTypeOnly) return;
    if (clause.name) map.set(clause.name.text, clause);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) map.set(bindings.name.text, bindings);
    if (bindings && ts.isNamedImports(bindings)) {
      for (const s of bindings.elements) if (!s.isTypeOnly) map.set(s.name.text, s);
    }
  } else if (ts.isImportEqualsDeclaration(statement)) {
    if (!statement.isTypeOnly) map.set(statement.name.text, statement);
  } else if (ts.isLabeledStatement(statement)) {
    addStatement(map, statement.statement);
  }
}

/**
 * A table of node kinds, for tests that run on every node: `table[node.kind] === 1`. Reading
 * `ts.SyntaxKind.X` or calling `ts.isX` goes through a getter of ts-morph's `ts` object (a
 * dictionary of thousands of getters) each time, which costs more than the test itself.
 */
export function kindTable(kinds: readonly ts.SyntaxKind[]): Uint8Array {
  const table = new Uint8Array(Math.max(...kinds) + 1);
  for (const k of kinds) table[k] = 1;
  return table;
}

/** The function-like kinds `isFunctionLike` answers for (and collectors subscribe to). */
export const FUNCTION_KIND_LIST = [
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.Constructor,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
];
const FUNCTION_KINDS = kindTable(FUNCTION_KIND_LIST);

/** A function-like node: it opens a function scope. */
export function isFunctionLike(node: ts.Node): node is ts.SignatureDeclaration {
  return FUNCTION_KINDS[node.kind] === 1;
}

function buildScope(node: ts.Node): ScopeMap | undefined {
  const map: ScopeMap = new Map();
  if (ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node)) {
    for (const s of node.statements) addStatement(map, s);
  } else if (ts.isCaseBlock(node)) {
    for (const clause of node.clauses) for (const s of clause.statements) addStatement(map, s);
  } else if (isFunctionLike(node)) {
    for (const p of node.parameters) addBindingName(map, p.name, p);
    if (ts.isFunctionExpression(node) && node.name) map.set(node.name.text, node);
  } else if (ts.isForStatement(node) || ts.isForInStatement(node) || ts.isForOfStatement(node)) {
    const init = node.initializer;
    if (init && ts.isVariableDeclarationList(init)) for (const d of init.declarations) addBindingName(map, d.name, d);
  } else if (ts.isCatchClause(node)) {
    if (node.variableDeclaration) addBindingName(map, node.variableDeclaration.name, node.variableDeclaration);
  } else if (ts.isClassExpression(node)) {
    if (node.name) map.set(node.name.text, node);
  } else {
    return undefined;
  }
  return map;
}

/** Kinds `buildScope` makes a scope of: every other node is passed over without a map lookup. */
const SCOPE_KINDS = kindTable([
  ts.SyntaxKind.SourceFile,
  ts.SyntaxKind.Block,
  ts.SyntaxKind.ModuleBlock,
  ts.SyntaxKind.CaseBlock,
  ...FUNCTION_KIND_LIST,
  ts.SyntaxKind.ForStatement,
  ts.SyntaxKind.ForInStatement,
  ts.SyntaxKind.ForOfStatement,
  ts.SyntaxKind.CatchClause,
  ts.SyntaxKind.ClassExpression,
]);

export class ScopeIndex {
  private readonly scopes = new Map<ts.Node, ScopeMap | null>();

  private scopeOf(node: ts.Node): ScopeMap | null {
    if (SCOPE_KINDS[node.kind] !== 1) return null;
    let map = this.scopes.get(node);
    if (map === undefined) {
      map = buildScope(node) ?? null;
      // A scope that declares nothing (most blocks and arrow functions) is remembered as null.
      if (map && map.size === 0) map = null;
      this.scopes.set(node, map);
    }
    return map;
  }

  /** The declaration `name` refers to at `from`, or undefined for a global / undeclared name. */
  lookup(name: string, from: ts.Node): DeclarationNode | undefined {
    for (let node: ts.Node | undefined = from; node; node = node.parent) {
      const map = this.scopeOf(node);
      const decl = map?.get(name);
      if (decl) return decl;
    }
    return undefined;
  }

  declarationOf(id: ts.Identifier): DeclarationNode | undefined {
    return this.lookup(id.text, id);
  }
}

/** Is a declaration at the top level of its file (imports, module-level const/function/class)? */
export function isModuleLevel(decl: ts.Node): boolean {
  for (let node: ts.Node | undefined = decl.parent; node; node = node.parent) {
    if (ts.isSourceFile(node)) return true;
    if (isFunctionLike(node) || ts.isBlock(node) || ts.isClassLike(node)) return false;
  }
  return false;
}

