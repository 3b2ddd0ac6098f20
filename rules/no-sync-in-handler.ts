// no-sync-in-handler: blocking calls (`fs.*Sync`, `child_process.*Sync`, the synchronous key
// derivation and compression functions, bcrypt's `hashSync`) made while a request is handled.
// Node serves every request on one thread: while `readFileSync` or `pbkdf2Sync` runs, no other
// request gets an answer, so one slow disk or one login storm stalls the whole instance. Start-up
// code, CLI scripts and tests may block; request handling (the handler model of
// src/core/handlers.ts) may not, except inside a lazy initialiser (`if (!template) template =
// readFileSync(…)`, see src/core/lazy-init.ts), which runs once. This is the precise version of
// `n/no-sync`.
import { ts } from '../src/core/typescript.js';
import { handlerModelOf } from '../src/core/handlers.js';
import type { Helpers } from '../src/core/helpers.js';
import { inLazyInitialiser } from '../src/core/lazy-init.js';
import { defineFileRule } from '../src/core/rule.js';

/** Blocking functions by module, with what to call instead. */
const CRYPTO_SYNC: Record<string, string> = {
  pbkdf2Sync: '`crypto.pbkdf2` (promisified)',
  scryptSync: '`crypto.scrypt` (promisified)',
  generateKeyPairSync: '`crypto.generateKeyPair` (promisified)',
  generatePrimeSync: '`crypto.generatePrime` (promisified)',
};
const BCRYPT_SYNC: Record<string, string> = { hashSync: '`await bcrypt.hash(…)`', compareSync: '`await bcrypt.compare(…)`', genSaltSync: '`await bcrypt.genSalt(…)`' };
const BCRYPT_MODULES = new Set(['bcrypt', 'bcryptjs']);

interface Blocking {
  name: string;
  instead: string;
}

/** The blocking function a call makes, or undefined. */
function blockingCall(call: ts.CallExpression, helpers: Helpers): Blocking | undefined {
  const ref = helpers.calleeOf(call);
  if (!ref || ref.kind !== 'module' || ref.resolved) return undefined;
  const fn = ref.path[ref.path.length - 1];
  if (fn === undefined) return undefined;
  const display = [ref.module === 'child_process' ? 'child_process' : ref.module, ...ref.path].join('.');
  // fs.readFileSync, fs.promises is never sync; `import { readFileSync } from 'fs'` too
  if (ref.module === 'fs' && ref.path.length === 1 && fn.endsWith('Sync')) {
    const base = fn.slice(0, -4);
    return { name: display, instead: base === 'exists' ? '`fs.promises.access` (or `stat`)' : `\`fs.promises.${base}\`` };
  }
  if (ref.module === 'child_process' && ref.path.length === 1 && fn.endsWith('Sync')) return { name: display, instead: `\`${fn.slice(0, -4)}\` (promisified) or a job queue` };
  if (ref.module === 'zlib' && ref.path.length === 1 && fn.endsWith('Sync')) return { name: display, instead: `\`zlib.${fn.slice(0, -4)}\` (promisified) or a stream` };
  if (ref.module === 'crypto' && ref.path.length === 1 && CRYPTO_SYNC[fn]) return { name: display, instead: CRYPTO_SYNC[fn] };
  if (BCRYPT_MODULES.has(ref.module) && ref.path.length === 1 && BCRYPT_SYNC[fn]) return { name: display, instead: BCRYPT_SYNC[fn] };
  return undefined;
}

export default defineFileRule({
  id: 'no-sync-in-handler',
  category: 'resilience',
  severity: 'medium',
  recommended: true,
  defaultOptions: {},
  messages: {
    blocking: '`{{call}}` blocks the event loop while a request is handled, so every other request waits: use {{instead}}',
  },
  docs: {
    description: 'Disallow blocking `*Sync` calls inside request handlers and the functions they call.',
    why:
      'A Node server answers every request on one thread. A synchronous file read, child process, key derivation ' +
      '(`pbkdf2Sync`, `scryptSync`, bcrypt `hashSync`) or compression inside request handling holds that thread until it ' +
      'returns: every other request on the instance waits, latency spikes under load, and health checks time out. ' +
      'Blocking at start-up (reading config before `listen`) is fine and is not flagged, and so is a read written inside a ' +
      'lazy initialiser that runs once, whichever request comes first (`if (!template) template = readFileSync(…)`, ' +
      '`settings ??= JSON.parse(readFileSync(…))`). It stays flagged when the memo can be filled again (it is reset, written ' +
      'on some paths only, after a `return` or `throw` that may skip the write, keyed by request data, exported for other ' +
      'modules to reset, or inside a `try` that retries), when a falsy value is tested for truthiness (`if (!maintenance) ' +
      'maintenance = existsSync(…)`, `count ||= readdirSync(dir).length`: `false` and `0` are read again on every call; ' +
      '`=== undefined` or `??=` keep them), and ' +
      'in the functions the initialiser calls: a factory called once may return methods that block on every request.',
    fix:
      'Use the asynchronous form and `await` it (`await readFile(path)` from `node:fs/promises`, `promisify(crypto.scrypt)`, ' +
      '`await bcrypt.hash(…)`), or move the work out of the request: read the file once at start-up, or hand it to a job queue.',
    sites: 'request handlers',
    examples: {
      invalid: [
        {
          filename: 'src/routes/invoices.ts',
          code:
            "import { Router } from 'express';\nimport { readFileSync } from 'node:fs';\n\nexport const invoicesRouter = Router();\n\n" +
            "invoicesRouter.get('/:id/pdf', (req, res) => {\n  const pdf = readFileSync(`invoices/${req.params.id}.pdf`);\n  res.type('application/pdf').send(pdf);\n});\n",
        },
      ],
      valid: [
        {
          filename: 'src/routes/invoices.ts',
          code:
            "import { Router } from 'express';\nimport { readFileSync } from 'node:fs';\nimport { readFile } from 'node:fs/promises';\n\n" +
            "const template = readFileSync('templates/invoice.html', 'utf8'); // once, at start-up\nexport const invoicesRouter = Router();\n\n" +
            "invoicesRouter.get('/:id/pdf', async (req, res) => {\n  const pdf = await readFile(`invoices/${req.params.id}.pdf`);\n  res.type('application/pdf').send(pdf);\n});\n\n" +
            "invoicesRouter.get('/template', (_req, res) => {\n  res.send(template);\n});\n",
        },
      ],
    },
  },
  create(context) {
    const { helpers } = context;
    const { roles } = context.file;
    if (roles.has('test') || roles.has('cli') || roles.has('browser')) return {};
    const model = () => handlerModelOf(context);
    return {
      SourceFile() {
        // Each handler counts once, where it is registered (a handler imported from a controller file too).
        const m = model();
        for (const h of m.handlers) context.countSite(h.fn);
        for (let i = 0; i < m.importedHandlers.length; i++) context.countSite();
      },
      CallExpression(call: ts.CallExpression) {
        const blocking = blockingCall(call, helpers);
        // `if (!template) template = readFileSync(…)`: read once, by whichever request comes first
        if (!blocking || !model().requestContext(call) || inLazyInitialiser(call, helpers, (n) => !!model().requestContext(n))) return;
        context.report({ node: call, messageId: 'blocking', data: { call: blocking.name, instead: blocking.instead } });
      },
    };
  },
});
