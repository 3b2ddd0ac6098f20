import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_NESTING, nodeOrder, parseText } from '../../src/core/parse.js';
import { ts } from '../../src/core/typescript.js';

/** Every node in forEachChild order, each with the index of its parent in the list (-1: none). */
function shape(sf: ts.SourceFile): Array<[ts.SyntaxKind, number, number, number]> {
  const nodes: ts.Node[] = [];
  const index = new Map<ts.Node, number>();
  const walk = (node: ts.Node): void => {
    index.set(node, nodes.length);
    nodes.push(node);
    ts.forEachChild(node, walk);
  };
  walk(sf);
  return nodes.map((n) => [n.kind, n.pos, n.end, n.parent === undefined ? -1 : (index.get(n.parent) ?? -2)]);
}

function theirs(path: string, text: string): ts.SourceFile {
  const kind = path.endsWith('.tsx') ? ts.ScriptKind.TSX : path.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  return ts.createSourceFile(path, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, true, kind);
}

const SAMPLE = `
import type { Request } from 'express';
@Controller('orders')
export class OrdersController<T extends { id: string }> {
  #cache = new Map<string, T>();
  constructor(@Inject(ORDERS) private readonly orders: OrdersService) {}
  @Get(':id') async find(@Param('id') id: string): Promise<T | undefined> {
    const { a = 1, ...rest } = await this.orders.find(id) ?? {};
    for await (const chunk of stream) label: for (const k in rest) if (k) continue label;
    return tag\`order \${id} \${a satisfies number}\` as unknown as T;
  }
}
export default function render(props: { name: string }) {
  return <Layout title={props.name}>{items.map((i) => <Row key={i} {...i} />)}<>{props.name}</></Layout>;
}
`;

describe('parseText', () => {
  it('sets every parent as TypeScript does (setParentNodes), on JSX, decorators, classes and templates', () => {
    const ours = parseText('/virtual/orders.controller.tsx', SAMPLE).sourceFile;
    const expected = shape(theirs('/virtual/orders.controller.tsx', SAMPLE));
    expect(expected.length).toBeGreaterThan(150);
    expect(shape(ours)).toEqual(expected);
    expect(ours.parent).toBeUndefined();
    expect(ours.statements[0]?.parent).toBe(ours);
  });

  it('sets every parent as TypeScript does on each source file of the fixture projects', () => {
    const root = join(import.meta.dirname, '../../fixtures/projects');
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => /\.(ts|tsx|js)$/.test(f) && !f.includes('node_modules')).sort();
    expect(files.length).toBeGreaterThan(40);
    for (const rel of files) {
      const path = join(root, rel);
      const text = readFileSync(path, 'utf8');
      const ours = parseText(path, text).sourceFile;
      expect(shape(ours), rel).toEqual(shape(theirs(path, ours.text)));
    }
  });

  it('orders every node as a recursive forEachChild walk visits it, with its depth, on the sample and the fixture projects', () => {
    const recursive = (sf: ts.SourceFile): Array<[ts.Node, number]> => {
      const out: Array<[ts.Node, number]> = [];
      const walk = (node: ts.Node, depth: number): void => {
        out.push([node, depth]);
        ts.forEachChild(node, (child) => walk(child, depth + 1));
      };
      walk(sf, 0);
      return out;
    };
    const root = join(import.meta.dirname, '../../fixtures/projects');
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => /\.(ts|tsx|js)$/.test(f) && !f.includes('node_modules')).sort();
    const trees = [parseText('/virtual/orders.controller.tsx', SAMPLE).sourceFile, ...files.map((rel) => parseText(join(root, rel), readFileSync(join(root, rel), 'utf8')).sourceFile)];
    for (const sf of trees) {
      const order = nodeOrder(sf);
      expect(order.nodes.map((n, i) => [n, order.depths[i]]), sf.fileName).toEqual(recursive(sf));
      expect(nodeOrder(sf)).toBe(order);
    }
    // A tree made elsewhere (its parents set by TypeScript) is walked on first use too.
    const made = theirs('/virtual/orders.controller.tsx', SAMPLE);
    expect(nodeOrder(made).nodes).toEqual(recursive(made).map(([n]) => n));
  });

  it('keeps documentation comments, linked to their nodes, for --types', () => {
    const text = '/** @returns {Promise<void>} */\nfunction load() {}\n';
    const fn = parseText('/virtual/load.js', text, { jsDoc: true }).sourceFile.statements[0] as ts.FunctionDeclaration & { jsDoc?: ts.JSDoc[] };
    expect(fn.jsDoc?.[0]?.parent).toBe(fn);
    const none = parseText('/virtual/load.js', text).sourceFile.statements[0] as ts.FunctionDeclaration & { jsDoc?: ts.JSDoc[] };
    expect(none.jsDoc).toBeUndefined();
  });

  it('analyses a file nested MAX_NESTING levels deep and reports one nested deeper, with where and how deep', () => {
    // A generated query builder: `db` followed by a property read per line, each one level deeper
    // (the statement, its declaration list and the declaration take the first three levels).
    const chain = (n: number) => `export const q = db${'\n  .where'.repeat(n - 4)};\n`;
    expect(MAX_NESTING).toBe(500);
    expect(parseText('/virtual/query.ts', chain(MAX_NESTING)).problem).toBeNull();
    const deep = parseText('/virtual/query.ts', chain(MAX_NESTING + 1));
    expect(deep.problem).toBe('syntax nested more than 500 levels deep at 1:18 (501 levels): not analysed');
    expect(parseText('/virtual/query.ts', chain(3000)).problem).toBe('syntax nested more than 500 levels deep at 1:18 (3000 levels): not analysed');
  });

  it("reports a file that overflows TypeScript's own parser instead of throwing", () => {
    const text = `export const matrix = ${'[\n'.repeat(5000)}0${']'.repeat(5000)};\n`;
    const parsed = parseText('/virtual/matrix.ts', text);
    expect(parsed.problem).toBe('nested too deeply to parse (Maximum call stack size exceeded): not analysed');
    expect(parsed.sourceFile.statements).toHaveLength(0);
  });
});
