import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-ssrf';
const ADVICE =
  'a client picks the host or path the server calls (cloud metadata, internal services) — check the host against an allow list (`ALLOWED_HOSTS.includes(new URL(url).hostname)`), or call a fixed origin and pass the value as an `encodeURIComponent` path segment or a query parameter';
const reaches = (source: string, sink: string) => `\`${source}\` reaches \`${sink}\`: ${ADVICE}`;

describe(RULE, () => {
  it('flags a body field used as the URL of fetch, and counts the call as a site', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'fetch-body-url');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/routes/webhooks.ts', line: 7, column: 26, message: reaches('req.body.endpoint', 'fetch') }]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags a route parameter that picks the host of an axios call', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'axios-host-in-template'))).toEqual([
      { file: 'src/routes/stores.ts', line: 7, column: 26, message: reaches('req.params.region', 'axios.get') },
    ]);
  });

  it('flags an unencoded path segment on a fixed origin (got)', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'unencoded-path-segment'))).toEqual([
      { file: 'src/routes/customers.ts', line: 8, column: 26, message: reaches('req.params.id', 'got') },
    ]);
  });

  it('flags the hostname option of https.request (CommonJS, destructured body)', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'node-http-hostname-option'))).toEqual([
      { file: 'src/routes/diagnostics.js', line: 8, column: 17, message: reaches('req.body.host', 'https.request') },
    ]);
  });

  it('flags a whole URL given to an axios instance imported from another module (it replaces the baseURL)', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'imported-axios-instance');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/routes/catalog.ts', line: 8, column: 26, message: reaches('req.query.resource', 'partnerApi.get') }]);
    expect(await sitesOf(RULE, dir)).toBe(1);
  });

  it('flags needle with a URL concatenated from the query', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'needle-concatenated-url'))).toEqual([
      { file: 'src/routes/quotes.js', line: 8, column: 3, message: reaches('req.query.provider', 'needle.get') },
    ]);
  });

  it("does not take a schema's .url() as a sanitizer", async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'schema-url-does-not-sanitize'))).toEqual([
      { file: 'src/routes/avatars.ts', line: 10, column: 23, message: reaches('req.body', 'fetch') },
    ]);
  });

  it("does not take a zod DTO's .url() as a sanitizer under a global zod pipe either", async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nestjs-zod-dto-url'))).toEqual([
      { file: 'src/hooks/hooks.controller.ts', line: 8, column: 23, message: reaches('@Body() dto', 'fetch') },
    ]);
  });

  it('reports at the controller call into a NestJS service that requests the URL with HttpService', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'nestjs-service-in-another-file'))).toEqual([
      {
        file: 'src/feeds/feeds.controller.ts',
        line: 10,
        column: 12,
        message: `\`@Body('feedUrl') feedUrl\` reaches \`this.httpService.get\` in src/feeds/feeds.service.ts through \`this.feeds.fetchFeed\`: ${ADVICE}`,
      },
    ]);
  });

  it('counts every outbound call as a site, also those with nothing request-derived', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'not-request-input'))).toBe(2);
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'host-allow-list'))).toBe(2);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
