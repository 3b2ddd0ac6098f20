// no-ssrf: request input that chooses where the server sends an outbound request — the URL, host
// or path given to fetch, axios (and its instances), got, node:http(s), needle, superagent or
// undici, or their `url`/`baseURL`/`host`/`hostname` options — in the handler, in a function of
// the same file, or in a project function in another file the handler calls. A client then makes
// the server call the cloud metadata service (`169.254.169.254`, instance credentials), internal
// admin APIs and databases behind the firewall, or other paths of a partner API with the
// server's credentials. Flows come from the taint engine (src/core/taint.ts, sinks in
// src/core/sinks/url.ts): a value after the `?` of a fixed origin, `URLSearchParams`, a path
// segment encoded with `encodeURIComponent` onto a fixed origin, and a host allow-list check end
// them; a schema's `.url()` does not (any URL passes it).
import { urlSinks } from '../src/core/sinks/url.js';
import { defineFileRule } from '../src/core/rule.js';
import { flowMessages, injectionListeners } from '../src/core/taint.js';

const ADVICE =
  'a client picks the host or path the server calls (cloud metadata, internal services) — check the host against an allow list (`ALLOWED_HOSTS.includes(new URL(url).hostname)`), or call a fixed origin and pass the value as an `encodeURIComponent` path segment or a query parameter';

export default defineFileRule({
  id: 'no-ssrf',
  category: 'security',
  severity: 'high',
  recommended: true,
  cwe: [918],
  defaultOptions: {},
  messages: flowMessages(ADVICE),
  docs: {
    description: 'Disallow request input in the URL, host or path of an outbound HTTP request without a host allow list.',
    why:
      'A webhook tester, an image proxy or a "fetch this link" feature that passes `req.body.url` to `fetch` lets any client make ' +
      'the server request `http://169.254.169.254/latest/meta-data/` (the cloud instance\'s credentials), `http://localhost:6379` ' +
      'or an admin API that trusts the internal network. A request-chosen path on a partner API (`/users/../admin`) reaches ' +
      'endpoints the code never meant to call, with the server\'s API key. Validating that the value is a URL does not help: ' +
      'the attack is a valid URL. The rule follows the value from the request through variables, string building, functions of ' +
      'the same file and project services in other files.',
    fix:
      'Call a fixed origin (a constant, configuration or environment value) and put request values only in the query string ' +
      '(`url.searchParams.set(\'q\', q)`, `URLSearchParams`) or in path segments encoded with `encodeURIComponent`. When the ' +
      'user must choose the URL, parse it and refuse it unless its host is on an allow list: ' +
      '`if (!ALLOWED_HOSTS.includes(new URL(target).hostname)) return res.sendStatus(400);` (and resolve the name to check it is ' +
      'not a private address when the list is broad).',
    sites: 'outbound HTTP calls',
    examples: {
      invalid: [
        {
          filename: 'src/routes/link-preview.ts',
          code:
            "import { Router } from 'express';\n\nexport const previews = Router();\n\n" +
            "previews.post('/previews', async (req, res) => {\n  const page = await fetch(req.body.url);\n" +
            "  const html = await page.text();\n  res.json({ title: /<title>(.*?)<\\/title>/i.exec(html)?.[1] ?? null });\n});\n",
        },
      ],
      valid: [
        {
          filename: 'src/routes/link-preview.ts',
          code:
            "import { Router } from 'express';\n\nconst ALLOWED_HOSTS = ['github.com', 'gitlab.com'];\nconst SEARCH_API = process.env.SEARCH_API_URL ?? 'https://search.internal';\n" +
            "export const previews = Router();\n\n" +
            "previews.post('/previews', async (req, res) => {\n  const target = new URL(req.body.url);\n" +
            "  if (!ALLOWED_HOSTS.includes(target.hostname)) return res.status(400).json({ error: 'host not allowed' });\n" +
            "  const page = await fetch(target);\n  res.json({ status: page.status });\n});\n\n" +
            "previews.get('/search', async (req, res) => {\n  const url = new URL('/v1/search', SEARCH_API);\n  url.searchParams.set('q', String(req.query.q));\n" +
            "  const results = await fetch(url);\n  res.json(await results.json());\n});\n",
        },
      ],
    },
  },
  create(context) {
    return injectionListeners(context, urlSinks);
  },
});
