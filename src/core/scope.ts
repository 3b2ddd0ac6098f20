// A small scope analyzer: which declaration an identifier refers to, computed lazily per scope.
// Rules ask "is this `axios` the import of 'axios'?"; answering by name alone would be fooled by a
// parameter or local of the same name, so every lookup walks the enclosing scopes.
import { ts } from './typescript.js';

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

// Kinds addStatement and buildScope switch on, as plain numbers (see kindTable below).
const VARIABLE_STATEMENT = ts.SyntaxKind.VariableStatement;
const FUNCTION_DECLARATION = ts.SyntaxKind.FunctionDeclaration;
const CLASS_DECLARATION = ts.SyntaxKind.ClassDeclaration;
const ENUM_DECLARATION = ts.SyntaxKind.EnumDeclaration;
const IMPORT_DECLARATION = ts.SyntaxKind.ImportDeclaration;
const IMPORT_EQUALS = ts.SyntaxKind.ImportEqualsDeclaration;
const LABELED_STATEMENT = ts.SyntaxKind.LabeledStatement;
const NAMESPACE_IMPORT = ts.SyntaxKind.NamespaceImport;
const NAMED_IMPORTS = ts.SyntaxKind.NamedImports;
const SOURCE_FILE = ts.SyntaxKind.SourceFile;
const BLOCK = ts.SyntaxKind.Block;
const MODULE_BLOCK = ts.SyntaxKind.ModuleBlock;
const CASE_BLOCK = ts.SyntaxKind.CaseBlock;
const FUNCTION_EXPRESSION = ts.SyntaxKind.FunctionExpression;
const FOR_STATEMENT = ts.SyntaxKind.ForStatement;
const FOR_IN_STATEMENT = ts.SyntaxKind.ForInStatement;
const FOR_OF_STATEMENT = ts.SyntaxKind.ForOfStatement;
const VARIABLE_DECLARATION_LIST = ts.SyntaxKind.VariableDeclarationList;
const CATCH_CLAUSE = ts.SyntaxKind.CatchClause;
const CLASS_EXPRESSION = ts.SyntaxKind.ClassExpression;

function addStatement(map: ScopeMap, statement: ts.Statement): void {
  switch (statement.kind) {
    case VARIABLE_STATEMENT:
      for (const d of (statement as ts.VariableStatement).declarationList.declarations) addBindingName(map, d.name, d);
      return;
    case FUNCTION_DECLARATION:
    case CLASS_DECLARATION:
    case ENUM_DECLARATION: {
      const decl = statement as ts.FunctionDeclaration | ts.ClassDeclaration | ts.EnumDeclaration;
      if (decl.name && !map.has(decl.name.text)) map.set(decl.name.text, decl);
      return;
    }
    case IMPORT_DECLARATION: {
      const clause = (statement as ts.ImportDeclaration).importClause;
      if (!clause || clause.isTypeOnly) return;
      if (clause.name) map.set(clause.name.text, clause);
      const bindings = clause.namedBindings;
      if (bindings && bindings.kind === NAMESPACE_IMPORT) map.set(bindings.name.text, bindings);
      if (bindings && bindings.kind === NAMED_IMPORTS) {
        for (const s of bindings.elements) if (!s.isTypeOnly) map.set(s.name.text, s);
      }
      return;
    }
    case IMPORT_EQUALS: {
      const decl = statement as ts.ImportEqualsDeclaration;
      if (!decl.isTypeOnly) map.set(decl.name.text, decl);
      return;
    }
    case LABELED_STATEMENT:
      addStatement(map, (statement as ts.LabeledStatement).statement);
      return;
  }
}

/**
 * A table of node kinds, for tests that run on every node: `table[node.kind] === 1`: one array read
 * instead of a chain of `ts.isX` calls or `ts.SyntaxKind.X` comparisons.
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
  const kind = node.kind;
  if (kind === SOURCE_FILE || kind === BLOCK || kind === MODULE_BLOCK) {
    for (const s of (node as ts.SourceFile | ts.Block | ts.ModuleBlock).statements) addStatement(map, s);
  } else if (kind === CASE_BLOCK) {
    for (const clause of (node as ts.CaseBlock).clauses) for (const s of clause.statements) addStatement(map, s);
  } else if (isFunctionLike(node)) {
    for (const p of node.parameters) addBindingName(map, p.name, p);
    if (kind === FUNCTION_EXPRESSION && (node as ts.FunctionExpression).name) map.set(((node as ts.FunctionExpression).name as ts.Identifier).text, node as ts.FunctionExpression);
  } else if (kind === FOR_STATEMENT || kind === FOR_IN_STATEMENT || kind === FOR_OF_STATEMENT) {
    const init = (node as ts.ForStatement | ts.ForInStatement | ts.ForOfStatement).initializer;
    if (init && init.kind === VARIABLE_DECLARATION_LIST) for (const d of (init as ts.VariableDeclarationList).declarations) addBindingName(map, d.name, d);
  } else if (kind === CATCH_CLAUSE) {
    const v = (node as ts.CatchClause).variableDeclaration;
    if (v) addBindingName(map, v.name, v);
  } else if (kind === CLASS_EXPRESSION) {
    const c = node as ts.ClassExpression;
    if (c.name) map.set(c.name.text, c);
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

