// One parse per file, with ts-morph's bundled TypeScript: parent pointers on, no type checker.
import { ts } from './typescript.js';
import { normaliseText } from './files.js';

export const SOURCE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx'] as const;

function scriptKind(fileName: string): ts.ScriptKind {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (lower.endsWith('.ts') || lower.endsWith('.mts') || lower.endsWith('.cts')) return ts.ScriptKind.TS;
  if (lower.endsWith('.jsx')) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

export interface ParsedFile {
  sourceFile: ts.SourceFile;
  /** The text that was parsed (BOM removed). */
  text: string;
  /**
   * Why the file is not analysed, or null: its first syntax error (`syntax error at line:col
   * message`), or nesting deeper than `MAX_NESTING`.
   */
  problem: string | null;
}

export { normaliseText };

/**
 * The deepest nesting of syntax analysed. The facts pass, the rules and taint tracking walk trees
 * recursively, and a file nested some 700 levels deep (generated code: a call wrapped in a call 700
 * times, arrays in arrays) ran the scan out of stack; a file deeper than this is reported as not
 * analysed instead. Real code stays below: medusa's deepest file is 57 levels deep, the deepest of
 * the 19 repositories we test on is 255 (an ANTLR-generated lexer).
 */
export const MAX_NESTING = 500;

/** Read once: it runs for every node. */
const forEachChild = ts.forEachChild;
const pending: ts.Node[] = [];
const pendingDepth: number[] = [];
let adopter: ts.Node | undefined;
let adoptedDepth = 0;
function adopt(child: ts.Node): undefined {
  (child as { parent: ts.Node }).parent = adopter as ts.Node;
  pending.push(child);
  pendingDepth.push(adoptedDepth);
  return undefined;
}

/**
 * Sets every node's `parent`, as `createSourceFile(…, setParentNodes: true)` would, and answers the
 * deepest node's depth (the file's statements are at 1). TypeScript's own pass queues each node's
 * children in arrays and looks for documentation comments on every node; a tree without them needs
 * only this walk, which takes about half the time. It keeps its own stack: no depth overflows it.
 */
export function setParents(sourceFile: ts.SourceFile): number {
  let deepest = 0;
  pending.push(sourceFile);
  pendingDepth.push(0);
  while (pending.length > 0) {
    adopter = pending.pop() as ts.Node;
    const depth = pendingDepth.pop() as number;
    if (depth > deepest) deepest = depth;
    adoptedDepth = depth + 1;
    forEachChild(adopter, adopt);
  }
  adopter = undefined;
  return deepest;
}

/**
 * A syntax tree's nodes in the order a recursive `ts.forEachChild` walk visits them (each node
 * before its children, children in source order), with each node's depth (the file is at 0, its
 * statements at 1). The facts pass, the handler model and the rule engine each visit every node of a
 * file; they loop over this instead of each recursing through `forEachChild`.
 */
export interface NodeOrder {
  readonly nodes: readonly ts.Node[];
  readonly depths: Int32Array;
}

/** Where a tree keeps its order: on the SourceFile object, as TypeScript keeps its own per-file data. */
type Ordered = ts.SourceFile & { prodcheckNodeOrder?: NodeOrder };

let ordered: ts.Node[] = [];
let orderedDepths: number[] = [];
let orderDepth = 0;
function order(node: ts.Node): undefined {
  ordered.push(node);
  orderedDepths.push(orderDepth);
  orderDepth++;
  forEachChild(node, order);
  orderDepth--;
  return undefined;
}

/**
 * The tree's `NodeOrder`, walked on first use (not by the parse: a large file's array of nodes is
 * made in the old generation, and holding young nodes from there kept every tree parsed alongside
 * alive until a full collection, which doubled the time of parsing directus without keeping the
 * trees). The walk recurses: the trees analysed are at most MAX_NESTING deep (see `parseText`).
 */
export function nodeOrder(sourceFile: ts.SourceFile): NodeOrder {
  let found = (sourceFile as Ordered).prodcheckNodeOrder;
  if (!found) {
    ordered = [];
    orderedDepths = [];
    orderDepth = 0;
    order(sourceFile);
    found = { nodes: ordered, depths: new Int32Array(orderedDepths) };
    ordered = [];
    orderedDepths = [];
    (sourceFile as Ordered).prodcheckNodeOrder = found;
  }
  return found;
}

/** The first node at `depth` (for the position of a file's too deep nesting). */
function firstAt(node: ts.Node, depth: number): ts.Node {
  let found: ts.Node = node;
  const at = (n: ts.Node, d: number): boolean => {
    if (d === depth) {
      found = n;
      return true;
    }
    return forEachChild(n, (c) => at(c, d + 1)) === true;
  };
  // Recursion to `depth` levels only: below MAX_NESTING + 1, which every walk of ours handles.
  at(node, 0);
  return found;
}

/**
 * No rule reads documentation comments, so they are not parsed (`JSDocParsingMode.ParseNone`: the
 * parse of a well-documented backend takes 5–15 % less), and the parents are set by `setParents`.
 * The type checker does read them in JavaScript files (`@type`, `@returns`), so a tree for
 * `--types` keeps them (`jsDoc: true`), with TypeScript's own parent pass, which links them too.
 */
export function parseText(fileName: string, rawText: string, options: { jsDoc?: boolean } = {}): ParsedFile {
  const text = normaliseText(rawText);
  const jsDoc = options.jsDoc === true;
  const jsDocParsingMode = jsDoc ? ts.JSDocParsingMode.ParseAll : ts.JSDocParsingMode.ParseNone;
  let sourceFile: ts.SourceFile;
  try {
    sourceFile = ts.createSourceFile(fileName, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode }, jsDoc, scriptKind(fileName));
  } catch (err) {
    // TypeScript's parser is recursive too: about a thousand nested array literals overflow it.
    if (!(err instanceof RangeError)) throw err;
    return { sourceFile: ts.createSourceFile(fileName, '', ts.ScriptTarget.Latest, true, scriptKind(fileName)), text, problem: `nested too deeply to parse (${err.message}): not analysed` };
  }
  // With JSDoc, TypeScript's pass has linked the comments too; ours then sets the same parents again and measures the depth.
  const deepest = setParents(sourceFile);
  // parseDiagnostics is internal API but stable for years; it is what ts.createSourceFile records.
  const diagnostics = (sourceFile as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics;
  const first = diagnostics?.[0];
  if (first) {
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(first.start);
    return { sourceFile, text, problem: `syntax error at ${line + 1}:${character + 1} ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}` };
  }
  if (deepest > MAX_NESTING) {
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(firstAt(sourceFile, MAX_NESTING + 1).getStart(sourceFile));
    return { sourceFile, text, problem: `syntax nested more than ${MAX_NESTING} levels deep at ${line + 1}:${character + 1} (${deepest} levels): not analysed` };
  }
  return { sourceFile, text, problem: null };
}
