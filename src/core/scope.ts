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

/** A function-like node: it opens a function scope. */
export function isFunctionLike(node: ts.Node): node is ts.SignatureDeclaration {
  // One switch on the kind: this runs for every node of every walk.
  switch (node.kind) {
    case ts.SyntaxKind.FunctionDeclaration:
    case ts.SyntaxKind.FunctionExpression:
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.MethodDeclaration:
    case ts.SyntaxKind.Constructor:
    case ts.SyntaxKind.GetAccessor:
    case ts.SyntaxKind.SetAccessor:
      return true;
    default:
      return false;
  }
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
function opensScope(kind: ts.SyntaxKind): boolean {
  switch (kind) {
    case ts.SyntaxKind.SourceFile:
    case ts.SyntaxKind.Block:
    case ts.SyntaxKind.ModuleBlock:
    case ts.SyntaxKind.CaseBlock:
    case ts.SyntaxKind.FunctionDeclaration:
    case ts.SyntaxKind.FunctionExpression:
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.MethodDeclaration:
    case ts.SyntaxKind.Constructor:
    case ts.SyntaxKind.GetAccessor:
    case ts.SyntaxKind.SetAccessor:
    case ts.SyntaxKind.ForStatement:
    case ts.SyntaxKind.ForInStatement:
    case ts.SyntaxKind.ForOfStatement:
    case ts.SyntaxKind.CatchClause:
    case ts.SyntaxKind.ClassExpression:
      return true;
    default:
      return false;
  }
}

export class ScopeIndex {
  private readonly scopes = new Map<ts.Node, ScopeMap | null>();

  private scopeOf(node: ts.Node): ScopeMap | null {
    if (!opensScope(node.kind)) return null;
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

