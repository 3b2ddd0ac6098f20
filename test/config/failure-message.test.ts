// What a thrown value says in a problem line or the CLI's internal-error line (src/config/errors.ts):
// code may throw anything, and reporting it must not throw in turn.
import { describe, expect, it } from 'vitest';
import { failureMessage } from '../../src/config/errors.js';

describe('failureMessage', () => {
  it('gives an Error’s message, an error-like object’s message, and anything else as a string', () => {
    expect(failureMessage(new TypeError('pool exhausted'))).toBe('pool exhausted');
    expect(failureMessage({ name: 'QueryError', message: 'relation "orders" does not exist' })).toBe('relation "orders" does not exist');
    expect(failureMessage(null)).toBe('null');
    expect(failureMessage(undefined)).toBe('undefined');
    expect(failureMessage('timeout after 30 s')).toBe('timeout after 30 s');
    expect(failureMessage(503)).toBe('503');
  });

  it('does not throw for a value with no string form', () => {
    expect(failureMessage(Object.create(null))).toBe('[object Object]');
    expect(
      failureMessage({
        toString: () => {
          throw new Error('no');
        },
      }),
    ).toBe('[object Object]');
    const throwingMessage = Object.defineProperty({}, 'message', {
      get() {
        throw new Error('no');
      },
    });
    expect(failureMessage(throwingMessage)).toBe('[object Object]');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(failureMessage(proxy)).toBe('a value that cannot be shown');
  });
});
