import { describe, expect, it } from 'vitest';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'no-open-redirect';
const ADVICE =
  "the client chooses where the browser goes (a phishing page on another site) — redirect only to an allow-listed URL, or to a relative path (`url.startsWith('/') && !url.startsWith('//')`)";
const reaches = (source: string, sink: string) => `\`${source}\` reaches \`${sink}\`: ${ADVICE}`;

describe(RULE, () => {
  it('flags res.redirect of a query parameter, and counts every redirect as a site', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'redirect-query-url');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/routes/auth.ts', line: 9, column: 3, message: reaches('req.query.returnTo', 'res.redirect') }]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it('flags res.redirect(status, url) with a destructured query value', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'redirect-with-status'))).toEqual([
      { file: 'src/routes/links.js', line: 7, column: 3, message: reaches('req.query.target', 'res.redirect') },
    ]);
  });

  it('flags a scheme prefix followed by request input (the host is the client\'s)', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'scheme-prefix-concatenation'))).toEqual([
      { file: 'src/routes/session.js', line: 7, column: 3, message: reaches('req.params.site', 'res.redirect') },
    ]);
  });

  it("flags '/' + value (a protocol-relative //host)", async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'leading-slash-then-value'))).toEqual([
      { file: 'src/routes/shortcuts.ts', line: 7, column: 3, message: reaches('req.query.page', 'res.redirect') },
    ]);
  });

  it("does not take startsWith('/') alone as a relative-path check", async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'starts-with-slash-only'))).toEqual([
      { file: 'src/routes/auth.ts', line: 7, column: 36, message: reaches('req.query.next', 'res.redirect') },
    ]);
  });

  it('flags Koa ctx.redirect', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'koa-ctx-redirect'))).toEqual([
      { file: 'src/server.ts', line: 9, column: 3, message: reaches('ctx.query.redirect_uri', 'ctx.redirect') },
    ]);
  });

  it('flags Fastify reply.redirect', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'fastify-reply-redirect'))).toEqual([
      { file: 'src/server.ts', line: 7, column: 10, message: reaches('request.query.next', 'reply.redirect') },
    ]);
  });

  it('flags a Location header set with setHeader and writeHead', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'location-header');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/routes/downloads.ts', line: 6, column: 3, message: reaches('req.query.mirror', "res.setHeader('Location')") },
      { file: 'src/routes/downloads.ts', line: 11, column: 3, message: reaches('req.query.cdn', 'res.writeHead') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(2);
  });

  it("flags res.location on a response (named or typed so), and dot-relative or protocol-relative prefixes that leave the next character to the client", async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'location-and-relative-prefixes'))).toEqual([
      { file: 'src/routes/navigation.ts', line: 6, column: 3, message: reaches('req.query.url', 'res.location') },
      { file: 'src/routes/navigation.ts', line: 11, column: 3, message: reaches('req.query.path', 'res.redirect') },
      { file: 'src/routes/navigation.ts', line: 15, column: 3, message: reaches('req.query.path', 'res.redirect') },
      { file: 'src/routes/navigation.ts', line: 19, column: 3, message: reaches('req.query.host', 'res.redirect') },
      { file: 'src/routes/navigation.ts', line: 23, column: 3, message: reaches('req.query.to', 'out.location') },
    ]);
  });

  it('flags prefixes that only look like a fixed relative segment: no closing character, the value first, a backslash, a scheme, //, a segment after the value, a relative URL on a chosen base, a percent-encoded dot segment', async () => {
    // valid/relative-first-segment: 'original?', 'comments#', 'photos/' before the value stay on the site.
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'relative-segment-lookalikes'))).toEqual([
      { file: 'src/routes/links.ts', line: 7, column: 3, message: reaches('req.query.rest', 'res.redirect') },
      { file: 'src/routes/links.ts', line: 12, column: 3, message: reaches('req.query.target', 'res.redirect') },
      { file: 'src/routes/links.ts', line: 17, column: 3, message: reaches('req.query.path', 'res.redirect') },
      { file: 'src/routes/links.ts', line: 22, column: 3, message: reaches('req.query.link', 'res.redirect') },
      { file: 'src/routes/links.ts', line: 26, column: 3, message: reaches('req.query.host', 'res.redirect') },
      { file: 'src/routes/links.ts', line: 31, column: 3, message: reaches('req.query.base', 'res.redirect') },
      { file: 'src/routes/links.ts', line: 36, column: 3, message: reaches('req.query.base', 'res.redirect') },
      { file: 'src/routes/links.ts', line: 41, column: 3, message: reaches('req.query.next', 'res.redirect') },
      { file: 'src/routes/links.ts', line: 45, column: 3, message: reaches('req.query.next', 'res.redirect') },
      { file: 'src/routes/links.ts', line: 49, column: 3, message: reaches('req.query.next', 'res.redirect') },
    ]);
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }
});
