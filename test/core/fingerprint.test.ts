// Fingerprints follow a finding through edits: the same when lines above it move, new when its
// enclosing function is renamed, different for the same code in two functions, and untouched when
// an identical finding elsewhere in the file is fixed.
import { describe, expect, it } from 'vitest';
import { getRule } from '../../rules/index.js';
import { lintText } from '../../src/core/engine.js';
import { fingerprints } from '../../src/core/fingerprint.js';
import type { FileRule } from '../../src/core/types.js';
import { scan } from '../../src/scan.js';
import { onlyRule, writeProject } from '../support/fixtures.js';

const consoleRule = getRule('no-console-log') as FileRule<Record<string, unknown>>;
const symbols = (text: string) => lintText({ text, filename: 'src/orders.service.ts', rules: [consoleRule] }).map((f) => `${f.line} ${f.symbol}`);

describe('enclosingSymbol', () => {
  it('names classes, methods, functions, function-valued bindings and members, outermost first', () => {
    const code = [
      "console.log('boot');",
      'export class OrdersService {',
      "  create() { console.log('a'); }",
      "  private readonly onFail = (err: Error) => { console.error(err); };",
      "  constructor() { console.log('c'); }",
      "  get total() { console.log('t'); return 1; }",
      '}',
      "export function createOrder() { console.log('b'); }",
      "export const cancelOrder = async () => { [1].forEach(() => console.log('x')); };",
      "export const handlers = { refund() { console.log('r'); }, retry: function () { console.log('y'); } };",
      "module.exports.ship = function () { console.log('s'); };",
      "export default function () { console.log('d'); }",
    ].join('\n');
    expect(symbols(code)).toEqual([
      '1 ',
      '3 OrdersService.create',
      '4 OrdersService.onFail',
      '5 OrdersService.constructor',
      '6 OrdersService.total',
      '8 createOrder',
      '9 cancelOrder',
      '10 handlers.refund',
      '10 handlers.retry',
      '11 ship',
      '12 default',
    ]);
  });

  it('names a callback by the call it is registered with when that call starts with a string', () => {
    const code = [
      "router.post('/orders', async (req, res) => { console.log('post'); });",
      "process.on('SIGTERM', () => { console.log('bye'); });",
      "describe('orders', () => { it('refunds', () => { console.log('t'); }); });",
      "setInterval(() => { console.log('tick'); }, 1000);",
    ].join('\n');
    expect(symbols(code)).toEqual(["1 router.post('/orders')", "2 process.on('SIGTERM')", "3 describe('orders').it('refunds')", '4 ']);
  });
});

describe('fingerprints of a scanned file', () => {
  const service = (name: string, above = '') =>
    [
      above,
      `export async function ${name}(id: string) {`,
      "  console.error('payment failed', id);",
      '}',
      '',
      'export async function refundOrder(id: string) {',
      "  console.error('payment failed', id);",
      '}',
      '',
    ].join('\n');
  const printsOf = async (text: string) => {
    const report = await scan({ root: writeProject({ 'src/orders.service.ts': text }), config: onlyRule('no-console-log') });
    return report.findings.map((f) => `${f.line} ${f.fingerprint}`);
  };

  it('stay when lines are inserted above, change when the enclosing function is renamed', async () => {
    const before = await printsOf(service('createOrder'));
    const [a, b] = before.map((p) => p.split(' ')[1]);
    expect(before).toEqual([`3 ${a}`, `7 ${b}`]);
    // Identical findings in two functions are told apart by the function.
    expect(a).not.toBe(b);
    expect(await printsOf(service('createOrder', "import { logger } from './logger';\n\n// Orders.\n"))).toEqual([`6 ${a}`, `10 ${b}`]);
    const renamed = await printsOf(service('placeOrder'));
    expect(renamed[0]).not.toBe(`3 ${a}`);
    expect(renamed[1]).toBe(`7 ${b}`);
  });

  it('of a finding stay when an identical finding in another function is fixed', async () => {
    const [, b] = (await printsOf(service('createOrder'))).map((p) => p.split(' ')[1]);
    const fixed = service('createOrder').replace("  console.error('payment failed', id);\n}\n\nexport async function refundOrder", "  logger.error({ id }, 'payment failed');\n}\n\nexport async function refundOrder");
    expect(await printsOf(fixed)).toEqual([`7 ${b}`]);
  });

  it('tell identical findings in one function apart by occurrence', () => {
    const same = { ruleId: 'no-console-log', file: 'src/a.ts', symbol: 'createOrder', code: "console.log('x')" };
    const [first, second] = fingerprints([same, same]);
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect(second).not.toBe(first);
    expect(fingerprints([{ ...same, code: " console.log('x')\n" }])).toEqual([first]);
    expect(fingerprints([{ ...same, symbol: 'cancelOrder' }])).not.toEqual([first]);
  });
});
