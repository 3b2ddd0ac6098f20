import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-reflected-xss';
const ADVICE =
  'a `<script>` in the request runs in the browser on your origin — escape it (`escape-html`, `he.encode`) or render it through a template that escapes, or send JSON or `text/plain`';
const reaches = (source: string, sink: string) => `\`${source}\` reaches \`${sink}\`: ${ADVICE}`;

describe(RULE, () => {
  it('flags markup concatenated with a query value in res.send, and counts the response as a site', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'express-send-markup');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/routes/search.ts', line: 6, column: 3, message: reaches('req.query.q', 'res.send') }]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags a bare reflected string in res.send (Express sends strings as text/html)', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'express-send-bare-text'))).toEqual([
      { file: 'src/routes/products.js', line: 7, column: 3, message: reaches('req.params.sku', 'res.send') },
    ]);
  });

  it('flags a node:http HTML response built from req.url', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'node-http-html-response'))).toEqual([
      { file: 'src/server.ts', line: 7, column: 3, message: reaches('req.url', 'res.end') },
    ]);
  });

  it('flags a Koa body that starts with markup', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'koa-body-markup'))).toEqual([
      { file: 'src/server.ts', line: 8, column: 3, message: reaches('ctx.query.name', 'ctx.body') },
    ]);
  });

  it('flags a Fastify reply typed text/html', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'fastify-html-content-type'))).toEqual([
      { file: 'src/server.ts', line: 7, column: 10, message: reaches('request.query.email', 'reply.send') },
    ]);
  });

  it('reports at the call into a project function in another file that writes the HTML', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'error-page-in-another-file'))).toEqual([
      {
        file: 'src/routes/invites.ts',
        line: 8,
        column: 3,
        message: `\`req.query.token\` reaches \`res.send\` in src/views/error-page.ts through \`sendErrorPage\`: ${ADVICE}`,
      },
    ]);
  });

  it('does not count JSON, objects or non-HTML responses as sites', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'json-and-objects'))).toBe(0);
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'non-html-content-type'))).toBe(0);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
