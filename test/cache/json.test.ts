// The cache's JSON for module facts: Maps, Sets and undefined survive the round trip, and writing
// without the encoded copy gives the same text as encoding first.
import { describe, expect, it } from 'vitest';
import { decode, encode, stringifyEncoded } from '../../src/cache/json.js';

const moduleFacts = {
  path: '/srv/orders/src/orders.service.ts',
  exports: new Map<string, unknown>([
    ['createOrder', { async: true, asyncMethods: new Set<string>(), alias: null, line: 12, logger: undefined }],
    ['OrdersService', { async: false, asyncMethods: new Set(['create', 'cancel']), line: 30 }],
  ]),
  imports: [{ specifier: 'pg', resolved: null, typeOnly: false, lazy: undefined }],
  evidence: { env: { reads: new Map([['DATABASE_URL', [4, 9]]]) }, pgTimeoutSet: false },
};

describe('cache JSON', () => {
  it('writes the same text with and without building the encoded copy', () => {
    expect(stringifyEncoded(moduleFacts)).toBe(JSON.stringify(encode(moduleFacts)));
  });

  it('reads back Maps, Sets and undefined as written', () => {
    const back = decode(JSON.parse(stringifyEncoded(moduleFacts))) as typeof moduleFacts;
    expect(back).toEqual(moduleFacts);
    expect(back.exports).toBeInstanceOf(Map);
    expect((back.exports.get('OrdersService') as { asyncMethods: Set<string> }).asyncMethods).toEqual(new Set(['create', 'cancel']));
    expect(Object.hasOwn(back.exports.get('createOrder') as object, 'logger')).toBe(true);
  });

  it('decodes a fresh parse in place: its arrays and plain objects are kept', () => {
    const parsed = JSON.parse(stringifyEncoded(moduleFacts)) as { imports: unknown[]; evidence: { env: unknown } };
    const { imports, evidence } = parsed;
    const back = decode(parsed) as typeof moduleFacts;
    expect(back).toBe(parsed);
    expect(back.imports).toBe(imports);
    expect(back.evidence).toBe(evidence);
    expect(back).toEqual(moduleFacts);
    expect(back.evidence.env.reads).toBeInstanceOf(Map);
    expect(Object.hasOwn(back.imports[0] as object, 'lazy')).toBe(true);
    expect(back.imports[0]?.lazy).toBeUndefined();
  });
});
