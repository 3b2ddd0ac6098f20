import { describe, expect, it } from 'vitest';
import rule from '../../rules/require-http-timeout.js';
import { lintText } from '../../src/core/engine.js';
import type { FileRule, RawFinding } from '../../src/core/types.js';
import { findingsOf, fixtureCase, fixtureCases, sitesOf } from '../support/fixtures.js';

const RULE = 'require-http-timeout';
const at = (f: { file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column}`;
const NO_TIMEOUT = (callee: string, option = '{ timeout }') => `\`${callee}\` has no timeout: pass \`${option}\` or create the client with one`;
const NO_SIGNAL = (callee: string) => `\`${callee}\` has no \`signal\`: pass \`signal: AbortSignal.timeout(ms)\``;
const INSTANCE = (callee: string, where: string) =>
  `\`${callee}\` runs on an axios instance created without a timeout (${where}): set \`timeout\` in \`axios.create\``;

function lint(code: string, filename = 'src/services/webhook.service.ts'): RawFinding[] {
  return lintText({ text: code, filename, rules: [rule as FileRule<Record<string, unknown>>] });
}

/** The file text after applying a finding's first suggestion. */
function applySuggestion(code: string, finding: RawFinding | undefined): string {
  const edits = [...(finding?.suggest?.[0]?.edits ?? [])].sort((a, b) => b.start - a.start);
  return edits.reduce((text, e) => text.slice(0, e.start) + e.text + text.slice(e.end), code);
}

describe(RULE, () => {
  it('flags axios calls without a timeout on the call (and `timeout: 0`)', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'axios-call-without-timeout');
    const file = 'src/services/shipping.service.ts';
    expect(await findingsOf(RULE, dir)).toEqual([
      { file, line: 11, column: 26, message: NO_TIMEOUT('axios.get') },
      { file, line: 16, column: 9, message: NO_TIMEOUT('axios.post') },
      { file, line: 20, column: 9, message: NO_TIMEOUT('axios') },
      { file, line: 24, column: 26, message: NO_TIMEOUT('axios.request') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(4);
  });

  it('does not take `axios.defaults.timeout` set in a test setup file as the service\'s (tests do not run in production)', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'axios-defaults-timeout-only-in-tests');
    expect(await findingsOf(RULE, dir)).toEqual([{ file: 'src/services/catalog.service.ts', line: 4, column: 26, message: NO_TIMEOUT('axios.get') }]);
  });

  it('names an inline dynamic import as written, with its spaces: `(await import(\'axios\')).default.get`', () => {
    const code = "export async function latestRates() {\n  const res = await (await import('axios')).default.get('https://rates.example.com/latest');\n  return res.data;\n}\n";
    expect(lint(code).map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual([`2:21 ${NO_TIMEOUT("(await import('axios')).default.get")}`]);
  });

  it('resolves axios instances across files, through a barrel and a default export', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'axios-instance-without-timeout-across-files');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/services/catalog.service.ts', line: 9, column: 26, message: INSTANCE('searchClient.get', 'src/lib/search-client.ts') },
      { file: 'src/services/customer.service.ts', line: 5, column: 9, message: INSTANCE('crm.put', 'src/lib/crm-client.ts') },
    ]);
    // paymentsClient (created with a timeout) is a site, not a finding.
    expect(await sitesOf(RULE, dir)).toBe(3);
  });

  it('flags instances created in the same file and class fields holding one', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'axios-instance-in-same-file');
    expect(await findingsOf(RULE, dir)).toEqual([
      { file: 'src/services/exchange-rates.service.ts', line: 6, column: 26, message: INSTANCE('ratesApi.get', 'src/services/exchange-rates.service.ts') },
      { file: 'src/services/tax.service.ts', line: 11, column: 28, message: INSTANCE('this.http.post', 'src/services/tax.service.ts') },
    ]);
  });

  it('flags fetch, node-fetch and undici without a signal', async () => {
    const dir = fixtureCase(RULE, 'invalid', 'fetch-without-signal');
    const file = 'src/services/webhook.service.ts';
    expect(await findingsOf(RULE, dir)).toEqual([
      { file, line: 5, column: 26, message: NO_SIGNAL('fetch') },
      { file, line: 10, column: 9, message: NO_SIGNAL('fetch') },
      { file, line: 18, column: 26, message: NO_SIGNAL('nodeFetch') },
      { file, line: 23, column: 26, message: NO_SIGNAL('undiciFetch') },
      { file, line: 28, column: 32, message: NO_SIGNAL('request') },
    ]);
    expect(await sitesOf(RULE, dir)).toBe(5);
  });

  it('flags got calls and a got.extend instance without a timeout', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'got-without-timeout'));
    expect(found).toEqual([
      { file: 'src/services/address.service.ts', line: 5, column: 24, message: NO_TIMEOUT('got.post', '{ timeout: { request: ms } }') },
      {
        file: 'src/services/address.service.ts',
        line: 10,
        column: 10,
        message: '`geoClient.get` runs on a got instance created without a timeout (src/lib/geo-client.ts): set `timeout` in `got.extend`',
      },
      { file: 'src/services/address.service.ts', line: 14, column: 10, message: NO_TIMEOUT('got', '{ timeout: { request: ms } }') },
      { file: 'src/services/sms.service.ts', line: 5, column: 9, message: NO_TIMEOUT('got.post', '{ timeout: { request: ms } }') },
    ]);
  });

  it('flags superagent chains without .timeout()', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'superagent-chain-without-timeout'));
    expect(found.map(at)).toEqual(['src/services/loyalty.service.ts:4:9', 'src/services/reviews.service.js:4:21']);
    expect(found[1]?.message).toBe('`request.get` has no `.timeout(…)` in its chain: add `.timeout({ response: ms, deadline: ms })`');
  });

  it('flags node:http/https requests without a timeout option or .setTimeout', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'node-http-request-without-timeout'));
    expect(found.map(at)).toEqual(['src/services/legacy-erp.service.ts:6:17', 'src/services/legacy-erp.service.ts:17:5']);
    expect(found[1]?.message).toBe('`https.get` has no timeout: pass `{ timeout }` in the options or call `.setTimeout(ms, …)` on the request');
  });

  it('flags needle calls without a response or read timeout', async () => {
    const found = await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'needle-without-response-timeout'));
    expect(found.map(at)).toEqual(['src/services/sms.service.js:4:21', 'src/services/sms.service.js:9:21']);
    expect(found[0]?.message).toBe('`needle` has no `response_timeout`: pass `{ response_timeout: ms }` (needle waits forever for a response by default)');
  });

  it('checks CLI scripts too: a hung sync job is still a hung job', async () => {
    expect(await findingsOf(RULE, fixtureCase(RULE, 'invalid', 'cli-script-without-timeout'))).toEqual([
      { file: 'scripts/sync-catalog.ts', line: 4, column: 26, message: NO_TIMEOUT('axios.get') },
    ]);
  });

  describe('fetch suggestion', () => {
    it('adds an options object when there is none', () => {
      const code = 'export async function ping(url: string) {\n  return fetch(url);\n}\n';
      const [finding] = lint(code);
      expect(finding?.suggest?.[0]?.message).toBe('Abort after 10 s: add `signal: AbortSignal.timeout(10_000)`');
      expect(applySuggestion(code, finding)).toBe('export async function ping(url: string) {\n  return fetch(url, { signal: AbortSignal.timeout(10_000) });\n}\n');
    });

    it('adds the signal to a one-line options object', () => {
      const code = "await fetch(hookUrl, { method: 'POST', body });\n";
      expect(applySuggestion(code, lint(code)[0])).toBe("await fetch(hookUrl, { method: 'POST', body, signal: AbortSignal.timeout(10_000) });\n");
    });

    it('adds the signal on its own line to a multi-line options object with a trailing comma', () => {
      const code = "await fetch(hookUrl, {\n  method: 'POST',\n  body,\n});\n";
      expect(applySuggestion(code, lint(code)[0])).toBe("await fetch(hookUrl, {\n  method: 'POST',\n  body,\n  signal: AbortSignal.timeout(10_000),\n});\n");
    });

    it('fills an empty options object', () => {
      const code = 'await fetch(statusUrl, {});\n';
      expect(applySuggestion(code, lint(code)[0])).toBe('await fetch(statusUrl, { signal: AbortSignal.timeout(10_000) });\n');
    });

    it('offers no edit for options held in a variable (shared object)', () => {
      const code = "const init = { method: 'POST' };\nawait fetch(hookUrl, init);\n";
      const [finding] = lint(code);
      expect(finding?.messageId).toBe('fetch');
      expect(finding?.suggest).toBeUndefined();
    });
  });

  describe('guards', () => {
    it('accepts AbortSignal.any / controller signals, a Request object and a shadowed fetch', () => {
      expect(lint('await fetch(new Request(url, { signal }));\nawait fetch(request);\nawait fetch(url, { signal: AbortSignal.any([a, b]) });\n')).toEqual([]);
      expect(lint('function fetch(key: string) { return key; }\nfetch(`price:${sku}`);\n')).toEqual([]);
    });

    it('accepts `axios.defaults.timeout` for plain axios calls and for instances', () => {
      const code = "import axios from 'axios';\naxios.defaults.timeout = 5000;\nconst api = axios.create({ baseURL });\nawait axios.get(url);\nawait api.get('/x');\n";
      expect(lint(code)).toEqual([]);
    });

    it('does not count `axios.defaults.timeout = 0`', () => {
      const code = "import axios from 'axios';\naxios.defaults.timeout = 0;\nawait axios.get(url);\n";
      expect(lint(code).map((f) => f.messageId)).toEqual(['call']);
    });

    it('accepts a timer that destroys the request and `.timeout()` set on a stored superagent request', () => {
      const http = "import https from 'https';\nexport function download(fileUrl: string) {\n  const req = https.get(fileUrl, (res) => res.resume());\n  setTimeout(() => req.destroy(), 30_000);\n}\n";
      const agent = "import superagent from 'superagent';\nexport async function balance(url: string) {\n  const req = superagent.get(url);\n  req.timeout(3000);\n  return (await req).body;\n}\n";
      expect([...lint(http), ...lint(agent)]).toEqual([]);
    });

    it('ignores non-request members of axios and http', () => {
      expect(lint("import axios from 'axios';\nimport http from 'http';\naxios.isAxiosError(err);\naxios.toString();\nhttp.createServer(app);\n")).toEqual([]);
    });
  });

  for (const dir of fixtureCases(RULE, 'valid')) {
    it(`does not flag valid/${dir.split('/').pop()}`, async () => {
      expect(await findingsOf(RULE, dir)).toEqual([]);
    });
  }

  it('counts the checked calls in valid fixtures', async () => {
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'axios-instance-with-timeout-across-files'))).toBe(4);
    expect(await sitesOf(RULE, fixtureCase(RULE, 'valid', 'ky-client'))).toBe(0);
  });

  it('runs its docs examples', () => {
    for (const ex of rule.docs.examples.invalid) expect(lint(ex.code, ex.filename).length, ex.filename).toBeGreaterThan(0);
    for (const ex of rule.docs.examples.valid) expect(lint(ex.code, ex.filename), ex.filename).toEqual([]);
  });
});
