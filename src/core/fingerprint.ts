// Finding fingerprints: stable when lines above a finding move, so that baselines and code
// scanning can follow a finding across edits. Built from the rule, the file, the enclosing symbol
// (`OrdersService.create`), the finding's own code (whitespace-normalised) and its occurrence index
// among identical ones, never the line. The symbol tells apart the same code in two functions,
// which the occurrence index alone would mix up as soon as one of them is added or removed.
import { createHash } from 'node:crypto';
import { ts } from './typescript.js';

export interface FingerprintInput {
  ruleId: string;
  file: string;
  code: string;
  /** The enclosing symbol from `enclosingSymbol`; '' or absent at module level. */
  symbol?: string;
}

/** Fingerprints in input order; identical (rule, file, symbol, code) are told apart by occurrence. */
export function fingerprints(items: readonly FingerprintInput[]): string[] {
  const seen = new Map<string, number>();
  return items.map(({ ruleId, file, code, symbol = '' }) => {
    const normalised = code.replace(/\s+/g, ' ').trim().slice(0, 300);
    const key = `${ruleId}\0${file}\0${symbol}\0${normalised}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return createHash('sha256').update(`${key}\0${n}`).digest('hex').slice(0, 16);
  });
}

function propertyName(name: ts.PropertyName | ts.BindingName | undefined, sf: ts.SourceFile): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) return `[${name.expression.getText(sf).replace(/\s+/g, ' ')}]`;
  return undefined; // destructuring patterns name nothing
}

/**
 * The name an anonymous function or class gets from where it stands: the variable, property or
 * member it is assigned to, or, as an argument of a call whose first argument is a string
 * (`router.post('/orders', …)`, `process.on('SIGTERM', …)`, `it('refunds', …)`), that call.
 */
function contextualName(node: ts.Node, sf: ts.SourceFile): string | undefined {
  let child = node;
  let parent = node.parent;
  while (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isSatisfiesExpression(parent) || ts.isTypeAssertionExpression(parent)) {
    child = parent;
    parent = parent.parent;
  }
  // A class field names itself (in `nameOf`), so its initializer adds nothing.
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.initializer === child) {
    return propertyName(parent.name, sf);
  }
  if (ts.isBinaryExpression(parent) && parent.right === child && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const left = parent.left;
    if (ts.isIdentifier(left)) return left.text;
    if (ts.isPropertyAccessExpression(left)) return left.name.text;
  }
  if (ts.isExportAssignment(parent)) return 'default';
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments?.some((a) => a === child)) {
    const first = parent.arguments[0];
    if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
      return `${parent.expression.getText(sf).replace(/\s+/g, '')}('${first.text}')`;
    }
  }
  return undefined;
}

/** The name one node contributes to the symbol path, or undefined when it names nothing. */
function nameOf(node: ts.Node, sf: ts.SourceFile): string | undefined {
  if (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) return node.name?.text ?? 'default';
  if (ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node) || ts.isPropertyDeclaration(node)) {
    return propertyName(node.name, sf);
  }
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (ts.isModuleDeclaration(node)) return node.name.text;
  if (ts.isFunctionExpression(node) || ts.isClassExpression(node)) return node.name?.text ?? contextualName(node, sf);
  if (ts.isArrowFunction(node)) return contextualName(node, sf);
  // An object literal of named members (`const handlers = { create() {…} }`) prefixes them.
  if (ts.isObjectLiteralExpression(node) && ts.isVariableDeclaration(node.parent) && node.parent.initializer === node) return propertyName(node.parent.name, sf);
  return undefined;
}

function innermostAt(sf: ts.SourceFile, offset: number): ts.Node {
  let node: ts.Node = sf;
  for (;;) {
    const next: ts.Node | undefined = ts.forEachChild(node, (c) => (c.getStart(sf) <= offset && offset < c.end ? c : undefined));
    if (!next) return node;
    node = next;
  }
}

/**
 * The symbol a finding lies in, outermost first: `OrdersService.create`, `createOrder`,
 * `router.get('/orders/:id')`, `describe('orders').it('refunds')`; '' at module level.
 * A node is named from its parents (the node itself is the finding, not its container).
 */
export function enclosingSymbol(sf: ts.SourceFile, at: ts.Node | number): string {
  const names: string[] = [];
  let node: ts.Node | undefined = typeof at === 'number' ? innermostAt(sf, at) : at.parent;
  for (; node && node !== sf; node = node.parent) {
    const name = nameOf(node, sf);
    if (name !== undefined && name !== '') names.push(name);
  }
  return names.reverse().join('.');
}
