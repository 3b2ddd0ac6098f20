// The engine's dispatch (src/core/engine.ts): one walk calls each rule's listeners in order; a rule
// that throws is reported once as a problem at the node where it failed and is not called again in
// that file, while the other rules go on.
import { describe, expect, it } from 'vitest';
import { checkFile } from '../../src/core/engine.js';
import { parseText } from '../../src/core/parse.js';
import type { FileRule } from '../../src/core/types.js';
import { ts } from '../../src/core/typescript.js';
import { buildProjectFacts } from '../../src/project/facts.js';

const SOURCE = ["import { sendReceipt } from './receipts';", '', 'export function closeOrder(id: string) {', '  audit(id);', '  sendReceipt(id);', '  audit(`closed ${id}`);', '}', ''].join('\n');

function rule(id: string, create: FileRule<Record<string, unknown>>['create']): FileRule<Record<string, unknown>> {
  return { id, scope: 'file', category: 'resilience', severity: 'low', messages: { call: 'call of {{name}}' }, defaultOptions: {}, create } as unknown as FileRule<Record<string, unknown>>;
}

describe('checkFile', () => {
  it('calls enter and exit listeners in the order of a recursive walk, exits after the node’s last descendant', () => {
    const path = '/repo/src/orders.ts';
    const { sourceFile, text } = parseText(path, SOURCE);
    const facts = buildProjectFacts({ root: '/repo', files: [{ path, relPath: 'src/orders.ts', sourceFile }], readDisk: false });
    const seen: string[] = [];
    const label = (node: { kind: number; pos: number }) => `${ts.SyntaxKind[node.kind]}@${node.pos}`;
    const tracing = rule('trace', () => ({
      FunctionDeclaration: (node) => seen.push(`enter ${label(node)}`),
      'FunctionDeclaration:exit': (node) => seen.push(`exit ${label(node)}`),
      CallExpression: (node) => seen.push(`enter ${label(node)}`),
      'CallExpression:exit': (node) => seen.push(`exit ${label(node)}`),
      'TemplateExpression:exit': (node) => seen.push(`exit ${label(node)}`),
      'SourceFile:exit': (node) => seen.push(`exit ${label(node)}`),
    }));
    checkFile({ path, relPath: 'src/orders.ts', sourceFile, text, roles: facts.roles(path) }, facts, [{ rule: tracing, severity: 'low', options: {} }], new Set(['trace']));
    const expected: string[] = [];
    const listened = new Set(['FunctionDeclaration', 'CallExpression']);
    const walk = (node: ts.Node): void => {
      const kind = ts.SyntaxKind[node.kind] as string;
      if (listened.has(kind)) expected.push(`enter ${label(node)}`);
      ts.forEachChild(node, walk);
      if (listened.has(kind) || kind === 'TemplateExpression' || kind === 'SourceFile') expected.push(`exit ${label(node)}`);
    };
    walk(sourceFile);
    expect(seen).toEqual(expected);
    expect(seen.slice(-3)).toEqual([`exit CallExpression@${SOURCE.indexOf('\n  audit(`')}`, `exit FunctionDeclaration@${SOURCE.indexOf('\n\nexport')}`, 'exit SourceFile@0']);
  });

  it('reports a rule that throws once, where it threw, and keeps running the others', () => {
    const path = '/repo/src/orders.ts';
    const { sourceFile, text } = parseText(path, SOURCE);
    const facts = buildProjectFacts({ root: '/repo', files: [{ path, relPath: 'src/orders.ts', sourceFile }], readDisk: false });
    const calls: string[] = [];
    const failing = rule('audit-calls', () => ({
      CallExpression(node) {
        const name = node.getChildAt(0).getText();
        calls.push(name);
        if (name === 'sendReceipt') throw new Error('no receipts here');
      },
    }));
    const counting = rule('every-call', (context) => ({
      'CallExpression:exit'(node) {
        context.report({ node, messageId: 'call', data: { name: node.getChildAt(0).getText() } });
      },
    }));
    const active = [failing, counting].map((r) => ({ rule: r, severity: 'low' as const, options: {} }));
    const result = checkFile({ path, relPath: 'src/orders.ts', sourceFile, text, roles: facts.roles(path) }, facts, active, new Set(['audit-calls', 'every-call']));
    expect(calls).toEqual(['audit', 'sendReceipt']);
    expect(result.problems).toEqual(['rule audit-calls failed at 5:3: no receipts here']);
    expect(result.findings.map((f) => `${f.ruleId} ${f.line}:${f.column} ${f.message}`)).toEqual(['every-call 4:3 call of audit', 'every-call 5:3 call of sendReceipt', 'every-call 6:3 call of audit']);
  });

  it('reports what a rule throws when it is not an Error: null from a listener, a string from create', () => {
    const path = '/repo/src/orders.ts';
    const { sourceFile, text } = parseText(path, SOURCE);
    const facts = buildProjectFacts({ root: '/repo', files: [{ path, relPath: 'src/orders.ts', sourceFile }], readDisk: false });
    const throwingNull = rule('null-thrower', () => ({
      CallExpression() {
        throw null;
      },
    }));
    const throwingString = rule('string-thrower', () => {
      throw 'no options';
    });
    const counting = rule('every-call', (context) => ({
      CallExpression(node) {
        context.report({ node, messageId: 'call', data: { name: node.getChildAt(0).getText() } });
      },
    }));
    const active = [throwingNull, throwingString, counting].map((r) => ({ rule: r, severity: 'low' as const, options: {} }));
    const result = checkFile({ path, relPath: 'src/orders.ts', sourceFile, text, roles: facts.roles(path) }, facts, active, new Set(['null-thrower', 'string-thrower', 'every-call']));
    expect(result.problems).toEqual(['rule string-thrower failed: no options', 'rule null-thrower failed at 4:3: null']);
    expect(result.findings.map((f) => `${f.ruleId} ${f.line}:${f.column}`)).toEqual(['every-call 4:3', 'every-call 5:3', 'every-call 6:3']);
  });
});
