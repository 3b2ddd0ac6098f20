import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-swallowed-error';
const at = (f: { file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column}`;

describe(RULE, () => {
  it('flags empty catch blocks, with or without a binding', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'empty-catch-block');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/services/invoice.service.ts',
        line: 8,
        column: 5,
        message: 'empty `catch` swallows any error from `mailer.send(…)`: log it with the error, handle it (fallback value, response, rethrow), or add a comment saying why it is safe to ignore',
      },
      {
        file: 'src/services/invoice.service.ts',
        line: 14,
        column: 5,
        message: 'empty `catch` swallows any error from `invoices.update(…)`: log it with the error, handle it (fallback value, response, rethrow), or add a comment saying why it is safe to ignore',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('flags a catch whose only statement logs a message without the error (logger, console, NestJS Logger)', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'catch-logs-without-error'));
    expect(found.map(at)).toEqual(['src/services/payment.service.ts:8:5', 'src/services/payment.service.ts:16:5', 'src/services/payment.service.ts:28:7']);
    expect(found[0]?.message).toBe(
      '`catch` only logs `logger.warn(…)` and drops the error from `stripe.paymentIntents.capture(…)`: pass the error to the logger so its message and stack are recorded, or handle it',
    );
    expect(found[2]?.message).toMatch(/^`catch` only logs `this\.logger\.error\(…\)` and drops the error from `stripe\.payouts\.create\(…\)`/);
  });

  it('flags empty `.catch` callbacks and a `.catch` callback that logs without the error', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'empty-catch-callback');
    const found = await findingsOf(RULE, dir);
    expect(found.map(at)).toEqual(['src/services/audit.service.ts:5:64', 'src/services/audit.service.ts:9:65', 'src/services/audit.service.ts:15:12']);
    expect(found[0]?.message).toBe(
      '`.catch` with an empty callback swallows the rejection of `auditClient.post(…)`: log it with the error, handle it, or add a comment saying why it is safe to ignore',
    );
    expect(found[2]?.message).toBe(
      '`.catch` callback only logs `logger.warn(…)` and drops the rejection of `auditClient.post(…)`: pass the error to the logger so its message and stack are recorded',
    );
    expect(await sitesOf(RULE, dir)).toBe(3);
  });

  it('flags `.catch(noop)`: lodash noop (named or `_.noop`) and local empty functions', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'catch-noop'));
    expect(found.map(at)).toEqual([
      'src/services/cache-warmer.ts:11:94',
      'src/services/cache-warmer.ts:12:98',
      'src/services/cache-warmer.ts:13:90',
      'src/services/cache-warmer.ts:14:92',
    ]);
    expect(found.map((f) => f.message.split(' swallows')[0])).toEqual(['`.catch(noop)`', '`.catch(_.noop)`', '`.catch(ignore)`', '`.catch(doNothing)`']);
    expect(found[0]?.message).toBe('`.catch(noop)` swallows the rejection of `catalog.listFeatured(…).then(…)`: log it with the error or handle it');
  });

  it('flags an empty catch around a require of a computed path (a plugin loader, not an optional dependency)', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'computed-require-in-try'));
    expect(found.map(at)).toEqual(['src/plugins/load-plugins.ts:14:7']);
    expect(found[0]?.message).toMatch(/^empty `catch` swallows any error from `require\(…\)`/);
  });

  it('does not flag an empty catch around JSON.parse followed by `return <literal>` (the parse error is the answer)', async () => {
    const dir = fixtureCase(RULE, 'valid', 'json-parse-fallback-after-try');
    expect(await findingsOf(RULE, dir)).toEqual([]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('still flags an empty catch followed by `return <literal>` when the try holds another call (a query, a file read)', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'empty-catch-before-fallback-return'));
    // The parse's own result is not returned inside the try: the return after it also runs on success.
    expect(found.map(at)).toEqual(['src/services/subscription.service.ts:8:5', 'src/services/subscription.service.ts:17:5', 'src/services/subscription.service.ts:26:5']);
    expect(found[0]?.message).toMatch(/^empty `catch` swallows any error from `db\(…\)\.where\(…\)\.first\(…\)`/);
    expect(found[1]?.message).toMatch(/^empty `catch` swallows any error from `JSON\.parse\(…\)`/);
  });

  it('counts catch clauses and `.catch` handlers it accepts as sites', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'catch-logs-the-error'))).toBe(4);
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'swallow-in-tests'))).toBe(0);
  });

  it('flags a parse whose catch logs without naming the input, a try that also reads a file or uses the parsed value, a reviver, a log naming a property called like the input', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'parse-catch-without-the-input'));
    expect(found.map(at)).toEqual(['src/billing/plan-migration.ts:15:5', 'src/billing/plan-migration.ts:24:5', 'src/webhooks/invoice-events.ts:15:5', 'src/webhooks/invoice-events.ts:25:5', 'src/webhooks/invoice-events.ts:35:5']);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
