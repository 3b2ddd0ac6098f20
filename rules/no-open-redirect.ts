// no-open-redirect: request input that chooses where a response sends the browser — Express
// `res.redirect`/`res.location`, Koa `ctx.redirect`, Fastify `reply.redirect`, a `Location`
// header set with `setHeader`/`set`/`header`/`writeHead` — in the handler, in a function of the
// same file, or in a project function in another file. `/login?next=https://evil.example` then
// is a link on the real site that lands on a phishing copy, and OAuth codes or tokens carried in
// the redirect leak to another origin. Flows come from the taint engine (src/core/taint.ts, sinks
// in src/core/sinks/redirect.ts): a fixed path prefix (`/orders/${id}`, `./callback?${q}`, `original?${q}`), a relative-path check
// that also rejects `//`, an origin comparison and an allow list end them.
import { redirectSinks } from '../src/core/sinks/redirect.js';
import { defineFileRule } from '../src/core/rule.js';
import { flowMessages, injectionListeners } from '../src/core/taint.js';

const ADVICE =
  "the client chooses where the browser goes (a phishing page on another site) — redirect only to an allow-listed URL, or to a relative path (`url.startsWith('/') && !url.startsWith('//')`)";

export default defineFileRule({
  id: 'no-open-redirect',
  category: 'security',
  severity: 'medium',
  recommended: true,
  cwe: [601],
  defaultOptions: {},
  messages: flowMessages(ADVICE),
  docs: {
    description: 'Disallow redirects to a request-chosen URL that is not checked against an allow list or restricted to a relative path.',
    why:
      '`res.redirect(req.query.returnTo)` after a login turns `https://shop.example/login?returnTo=https://shop-example.evil` into ' +
      'a link that starts on the real site, passes its login and ends on a copy that asks for the card number again. When the ' +
      'redirect carries an OAuth code or a token in its query string, the other site receives it. `//evil.example` and ' +
      '`/\\evil.example` are absolute URLs to a browser even though they start with a slash. The rule follows the value from the ' +
      'request through variables, string building, functions of the same file and project services in other files. A fixed ' +
      'same-site path before the value keeps it on the site (`/orders/${id}`, `./callback?${params}`, `original?${params}`), as long ' +
      'as the fixed text goes past the slash: after `/`, `./` or `.` alone the value can supply the second slash. A path-relative ' +
      'first segment counts only when it is closed by `/`, `?` or `#`, has no `:` before it (`java` + `script:…` is a javascript: URL) ' +
      'and is not a dot segment, `%2e` counting as a dot (`%2e%2e/` is `../`).',
    fix:
      'Redirect to a path you build (`/orders/${id}`), to a value from an allow list, or to a relative path after checking it: ' +
      "`if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\\\')) next = '/';`. For absolute URLs, parse " +
      'them against your origin and compare: `new URL(next, BASE).origin === BASE`.',
    sites: 'redirects and `Location` headers',
    examples: {
      invalid: [
        {
          filename: 'src/routes/auth.ts',
          code:
            "import { Router } from 'express';\nimport { authenticate } from '../services/auth.js';\n\nexport const auth = Router();\n\n" +
            "auth.post('/login', async (req, res) => {\n  await authenticate(req.body.email, req.body.password);\n" +
            "  res.redirect(req.query.returnTo as string);\n});\n",
        },
      ],
      valid: [
        {
          filename: 'src/routes/auth.ts',
          code:
            "import { Router } from 'express';\nimport { authenticate } from '../services/auth.js';\n\nexport const auth = Router();\n\n" +
            "auth.post('/login', async (req, res) => {\n  await authenticate(req.body.email, req.body.password);\n" +
            "  const returnTo = String(req.query.returnTo ?? '/');\n" +
            "  if (!returnTo.startsWith('/') || returnTo.startsWith('//')) return res.redirect('/');\n  res.redirect(returnTo);\n});\n\n" +
            "auth.get('/orders/:id/receipt', (req, res) => {\n  res.redirect(`/orders/${req.params.id}`);\n});\n",
        },
      ],
    },
  },
  create(context) {
    return injectionListeners(context, redirectSinks);
  },
});
