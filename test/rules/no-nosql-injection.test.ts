import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-nosql-injection';
const OPERATOR =
  "a client can send an object such as `{ \"$ne\": null }` instead of a string and match any document — convert it with `String()`, check `typeof … === 'string'`, parse it with a schema, or compare with `{ $eq: value }`";
const CODE = "the database runs the client's text as JavaScript — replace `$where` with query operators and pass the value as data";
const operator = (source: string, sink: string) => `\`${source}\` reaches \`${sink}\` as a query value: ${OPERATOR}`;
const code = (source: string, sink: string) => `\`${source}\` reaches \`$where\` of \`${sink}\`: ${CODE}`;
const invalid = (name: string) => fixtureCase(RULE, 'invalid', name);

describe(RULE, () => {
  it('flags the whole body as a filter, a body id in updateMany and findById', async () => {
    const dir = invalid('filter-from-request-body');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/controllers/orders.controller.ts', line: 5, column: 24, message: operator('req.body', 'Order.find') },
      { file: 'src/controllers/orders.controller.ts', line: 10, column: 24, message: operator('req.body.orderId', 'Order.updateMany') },
      { file: 'src/controllers/orders.controller.ts', line: 15, column: 23, message: operator('req.body.orderId', 'Order.findById') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(3);
  });

  it('flags a destructured body field in a login query (String() on the password does not help the email)', async () => {
    expect(await findingsOf(RULE, invalid('login-field-from-body'))).toEqual([{ file: 'src/auth.js', line: 10, column: 22, message: operator('req.body.email', 'User.findOne') }]);
  });

  it('flags req.query under Express 4 (qs parses ?email[$ne]=x into an object)', async () => {
    expect(await findingsOf(RULE, invalid('query-string-under-express-4'))).toEqual([
      { file: 'src/routes/orders.ts', line: 7, column: 23, message: operator('req.query.email', 'Order.find') },
    ]);
  });

  it("flags req.query under Express 5 when the app sets the 'extended' query parser", async () => {
    expect(await findingsOf(RULE, invalid('express-5-with-extended-query-parser'))).toEqual([
      { file: 'src/routes/orders.ts', line: 7, column: 23, message: operator('req.query.status', 'Order.find') },
    ]);
  });

  it('flags route params in $where code on driver collections (a string is enough to inject code)', async () => {
    expect(await findingsOf(RULE, invalid('where-code-from-route-params'))).toEqual([
      { file: 'src/reviews.ts', line: 9, column: 23, message: code('req.params.id', 'reviews.find') },
      { file: 'src/reviews.ts', line: 15, column: 23, message: code('req.params.id', 'collection.findOne') },
    ]);
  });

  it('flags a filter object filled in field by field, not the $regex operand', async () => {
    expect(await findingsOf(RULE, invalid('filter-built-step-by-step'))).toEqual([
      { file: 'src/routes/tickets.js', line: 10, column: 25, message: operator('req.body.assignee', 'collection.find') },
    ]);
  });

  it('flags NestJS @Body() values in a Mongoose model query and an aggregate $match', async () => {
    expect(await findingsOf(RULE, invalid('nestjs-body-into-model'))).toEqual([
      { file: 'src/users/users.controller.ts', line: 12, column: 12, message: operator("@Body('email') email", 'this.users.findOne') },
      { file: 'src/users/users.controller.ts', line: 17, column: 12, message: operator('@Body() body', 'this.users.aggregate') },
    ]);
  });

  it('reports at the call into a service whose query takes the argument', async () => {
    expect(await findingsOf(RULE, invalid('service-in-another-file'))).toEqual([
      {
        file: 'src/routes/orders.ts',
        line: 7,
        column: 18,
        message: `\`req.body.customerId\` reaches \`Order.find\` in src/services/orders.service.ts through \`ordersOfCustomer\` as a query value: ${OPERATOR}`,
      },
    ]);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
