// no-reflected-xss: request input written into a response the browser renders as HTML without
// escaping — Express `res.send` (a string is sent as `text/html`), `res.write`/`res.end` of
// markup or of an HTML response, Fastify `reply.send` with an HTML content type, Koa
// `ctx.body = …` when the body can start with `<` (Koa then serves it as HTML), Hono `c.html` —
// in the handler, in a function of the same file, or in a project function in another file. A
// link with `<script>` in the query then runs on the site's origin in the victim's browser:
// sessions, tokens and every action the user may take. Flows come from the taint engine
// (src/core/taint.ts, sinks in src/core/sinks/html.ts): escaping (escape-html, he, validator,
// lodash, xss, sanitize-html, DOMPurify, the project's own `escapeHtml`), JSON responses, objects,
// and a non-HTML content type (JSON, plain text, XML) end them. Templates rendered with
// `res.render` escape by default and are not sinks here.
import { htmlSinks } from '../src/core/sinks/html.js';
import { defineFileRule } from '../src/core/rule.js';
import { flowMessages, injectionListeners } from '../src/core/taint.js';

const ADVICE =
  'a `<script>` in the request runs in the browser on your origin — escape it (`escape-html`, `he.encode`) or render it through a template that escapes, or send JSON or `text/plain`';

export default defineFileRule({
  id: 'no-reflected-xss',
  category: 'security',
  severity: 'high',
  recommended: true,
  cwe: [79],
  defaultOptions: {},
  messages: flowMessages(ADVICE),
  docs: {
    description: 'Disallow request input in an HTML response without escaping.',
    why:
      '`res.send(`<p>No results for ${req.query.q}</p>`)` answers `/search?q=<script>…</script>` with a page that runs the ' +
      "attacker's script on the site's origin: it reads the session, calls the API as the user and rewrites the page. " +
      'Express sends every string as `text/html` unless told otherwise, so `res.send(\'Unknown id \' + req.params.id)` is ' +
      'enough; Koa serves a string body that starts with `<` as HTML. The rule follows the value from the request through ' +
      'variables, string building, functions of the same file and project services in other files.',
    fix:
      'Escape values before they go into markup (`escape-html`, `he.encode`, `validator.escape`), or render HTML through a ' +
      'template engine that escapes by default (`res.render`), or answer with JSON (`res.json`) or `res.type(\'text/plain\')`.',
    sites: 'HTML responses',
    examples: {
      invalid: [
        {
          filename: 'src/routes/search.ts',
          code:
            "import { Router } from 'express';\nimport { searchProducts } from '../services/catalog.js';\n\nexport const search = Router();\n\n" +
            "search.get('/search', async (req, res) => {\n  const term = String(req.query.q ?? '');\n  const products = await searchProducts(term);\n" +
            "  if (products.length === 0) return res.status(404).send(`<p>No products match <b>${term}</b></p>`);\n" +
            "  res.render('search', { term, products });\n});\n",
        },
      ],
      valid: [
        {
          filename: 'src/routes/search.ts',
          code:
            "import escapeHtml from 'escape-html';\nimport { Router } from 'express';\nimport { searchProducts } from '../services/catalog.js';\n\n" +
            "export const search = Router();\n\n" +
            "search.get('/search', async (req, res) => {\n  const term = String(req.query.q ?? '');\n  const products = await searchProducts(term);\n" +
            "  if (products.length === 0) return res.status(404).send(`<p>No products match <b>${escapeHtml(term)}</b></p>`);\n" +
            "  res.json({ term, products });\n});\n",
        },
      ],
    },
  },
  create(context) {
    return injectionListeners(context, htmlSinks);
  },
});
