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

  it('flags logging wrappers and callbacks that log values: a one-line wrapper\'s message parameter (its callers are not logger calls: `log(req.body.email)`, an exported wrapper given to socket.on in another file), another substitution, a second statement, a property of the parameter, a logUser(userId) helper, a route handler, a forEach callback, a function passed to socket.on, a decorated event handler', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'wrappers-and-callbacks-that-log-values');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/middleware/queue-request.js', line: 6, column: 23, message: '`logging.debug` builds its message from `queueName`, `message`: values inside the text cannot be searched or grouped — pass them as fields (`{ queueName, message }`) beside a constant message' },
      { file: 'src/middleware/queue-request.js', line: 10, column: 22, message: '`logging.warn` builds its message from `message`: values inside the text cannot be searched or grouped — pass them as fields (`{ message }`) beside a constant message' },
      { file: 'src/middleware/queue-request.js', line: 12, column: 44, message: '`logging.info` builds its message from `message.id`: values inside the text cannot be searched or grouped — pass them as fields (`{ messageId }`) beside a constant message' },
      { file: 'src/middleware/queue-request.js', line: 17, column: 18, message: '`logging.info` builds its message from `userId`: values inside the text cannot be searched or grouped — pass them as fields (`{ userId }`) beside a constant message' },
      { file: 'src/middleware/queue-request.js', line: 21, column: 48, message: '`logging.info` builds its message from `req.params.id`: values inside the text cannot be searched or grouped — pass them as fields (`{ paramsId }`) beside a constant message' },
      { file: 'src/middleware/queue-request.js', line: 23, column: 57, message: '`logging.info` builds its message from `message`: values inside the text cannot be searched or grouped — pass them as fields (`{ message }`) beside a constant message' },
      { file: 'src/middleware/request-queue.js', line: 5, column: 19, message: '`logging.debug` builds its message from `message`: values inside the text cannot be searched or grouped — pass them as fields (`{ message }`) beside a constant message' },
      { file: 'src/middleware/request-queue.js', line: 9, column: 18, message: '`logging.warn` builds its message from `msg`: values inside the text cannot be searched or grouped — pass them as fields (`{ msg }`) beside a constant message' },
      { file: 'src/realtime/chat-socket.js', line: 4, column: 18, message: '`logging.info` builds its message from `message`: values inside the text cannot be searched or grouped — pass them as fields (`{ message }`) beside a constant message' },
      { file: 'src/realtime/log-helpers.js', line: 4, column: 18, message: '`logging.info` builds its message from `message`: values inside the text cannot be searched or grouped — pass them as fields (`{ message }`) beside a constant message' },
      { file: 'src/realtime/log-helpers.js', line: 7, column: 54, message: '`logging.info` builds its message from `chatMessage`: values inside the text cannot be searched or grouped — pass them as fields (`{ chatMessage }`) beside a constant message' },
      { file: 'src/routes/accounts.js', line: 4, column: 39, message: '`logging.info` builds its message from `message`: values inside the text cannot be searched or grouped — pass them as fields (`{ message }`) beside a constant message' },
      { file: 'src/services/notifications.listener.ts', line: 10, column: 21, message: "`this.logger.log` builds its message from `message`: values inside the text cannot be searched or grouped — pass them as an object message: `this.logger.log({ message: 'constant message', message })`" },
      { file: 'src/services/sync.service.ts', line: 12, column: 21, message: "`this.logger.log` builds its message from `message`: values inside the text cannot be searched or grouped — pass them as an object message: `this.logger.log({ message: 'constant message', message })`" },
    ]);
  });

  it('still flags members of objects that can change or hold values: a let, a property assigned later (in its module or the importer), a computed key or index, a value that is not fixed text, a parameter, the request', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'values-shaped-like-fixed-messages');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/services/library.service.ts', line: 13, column: 21, message: "`this.logger.log` builds its message from `StatusMessages.Ready`: values inside the text cannot be searched or grouped — pass them as an object message: `this.logger.log({ message: 'constant message', Ready })`" },
      { file: 'src/services/library.service.ts', line: 14, column: 21, message: "`this.logger.log` builds its message from `SyncMessages.Started`: values inside the text cannot be searched or grouped — pass them as an object message: `this.logger.log({ message: 'constant message', Started })`" },
      { file: 'src/services/library.service.ts', line: 15, column: 21, message: "`this.logger.log` builds its message from `Banners.StartedAt`: values inside the text cannot be searched or grouped — pass them as an object message: `this.logger.log({ message: 'constant message', StartedAt })`" },
      { file: 'src/services/library.service.ts', line: 16, column: 22, message: "`this.logger.warn` builds its message from `CodeMessages[code]`: values inside the text cannot be searched or grouped — pass them as an object message: `this.logger.warn({ message: 'constant message', value })`" },
      { file: 'src/services/library.service.ts', line: 17, column: 21, message: "`this.logger.log` builds its message from `messages.Started`: values inside the text cannot be searched or grouped — pass them as an object message: `this.logger.log({ message: 'constant message', Started })`" },
      { file: 'src/services/library.service.ts', line: 18, column: 21, message: "`this.logger.log` builds its message from `req.body.Started`: values inside the text cannot be searched or grouped — pass them as an object message: `this.logger.log({ message: 'constant message', Started })`" },
      { file: 'src/services/library.service.ts', line: 19, column: 21, message: "`this.logger.log` builds its message from `LocalMessages.Done`: values inside the text cannot be searched or grouped — pass them as an object message: `this.logger.log({ message: 'constant message', Done })`" },
      { file: 'src/services/library.service.ts', line: 21, column: 21, message: "`this.logger.log` builds its message from `ScanMessages.Queued`: values inside the text cannot be searched or grouped — pass them as an object message: `this.logger.log({ message: 'constant message', Queued })`" },
      { file: 'src/services/library.service.ts', line: 26, column: 21, message: "`this.logger.log` builds its message from `ImportMessages.Done`: values inside the text cannot be searched or grouped — pass them as an object message: `this.logger.log({ message: 'constant message', Done })`" },
    ]);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
