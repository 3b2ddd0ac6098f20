import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'structured-log-message';

describe(RULE, () => {
  it('flags a template message on Fastify request.log (pino)', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'fastify-request-log');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/routes/sessions.ts',
        line: 5,
        column: 22,
        message:
          "`request.log.info` builds its message from `request.body.email`: values inside the text cannot be searched or grouped — pass them as fields first: `request.log.info({ email }, 'constant message')`",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags a template message on an injected NestJS Logger', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'nestjs-logger-template');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/shipments.service.ts',
        line: 8,
        column: 21,
        message:
          "`this.logger.log` builds its message from `shipmentId`, `carrier`: values inside the text cannot be searched or grouped — pass them as an object message: `this.logger.log({ message: 'constant message', shipmentId, carrier })`",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags template and concatenated messages on a pino logger imported from the project logger module', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'pino-logger-module-template');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/orders/orders.service.ts',
        line: 10,
        column: 15,
        message:
          "`logger.info` builds its message from `order.id`, `order.customerId`: values inside the text cannot be searched or grouped — pass them as fields first: `logger.info({ orderId, customerId }, 'constant message')`",
      },
      {
        file: 'src/orders/orders.service.ts',
        line: 14,
        column: 25,
        message:
          "`logger.debug` builds its message from `quantity`: values inside the text cannot be searched or grouped — pass them as fields first: `logger.debug({ quantity }, 'constant message')`",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('flags a project logger class that wraps winston, instantiated in another file', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'project-logger-class');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/subscribers/account-events.ts',
        line: 6,
        column: 14,
        message:
          '`audit.info` builds its message from `accountId`, `reason`: values inside the text cannot be searched or grouped — pass them as fields (`{ accountId, reason }`) beside a constant message',
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags string concatenation on a CommonJS winston logger', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'winston-concatenation');
    expect(await findingsOf(RULE, dir)).toEqual([
      {
        file: 'src/stock.ts',
        line: 6,
        column: 12,
        message:
          "`log.warn` builds its message from `sku`, `remaining`: values inside the text cannot be searched or grouped — pass them as fields after the message: `log.warn('constant message', { sku, remaining })`",
      },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
