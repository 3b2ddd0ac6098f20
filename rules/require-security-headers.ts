// require-security-headers: an Express, Koa, Fastify or NestJS service whose code never installs
// helmet (koa-helmet, @fastify/helmet) nor sets the core security headers itself. Its responses
// then go out without `X-Content-Type-Options`, a CSP or `X-Frame-Options` (so browsers
// MIME-sniff uploads, frame the pages for clickjacking and run injected scripts freely), and an
// Express app also announces itself with `X-Powered-By: Express`.
//
// A service is a server entry point (a file that calls `.listen`) whose import closure creates an
// app of one of those frameworks. What counts as installed is looked for in that closure and in
// every non-test file of the entry point's package, because routing-controllers middlewares,
// @fastify/autoload plugins and similar are loaded from a directory, not imported. The servers of
// one package therefore pass or fail together: one finding per package, at its first entry point.
// helmet counts however it is loaded (`import`, `require`, `await import('helmet')`); a service that
// sets some headers (single helmet middlewares, a CSP by hand) but not the core pair is told which
// of nosniff and a CSP/frame policy it lacks.
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { defineProjectRule } from '../src/core/rule.js';
import type { ProjectFacts } from '../src/project/facts.js';
import { importClosure } from '../src/project/graph.js';
import type { SecurityHeadersEvidence, WebFramework } from '../src/project/evidence/security-headers.js';

/** Setting these two by hand counts as "an equivalent set": nosniff, and a CSP or a frame policy. */
const NOSNIFF = 'x-content-type-options';
const FRAMING = ['content-security-policy', 'x-frame-options'];

const FIXES: Record<WebFramework, string> = {
  Express: "`app.use(helmet())` (helmet)",
  NestJS: "`app.use(helmet())` (helmet) after `NestFactory.create`",
  Koa: "`app.use(helmet())` (koa-helmet)",
  Fastify: "`await app.register(helmet)` (@fastify/helmet)",
  'NestJS (Fastify)': "`await app.register(helmet)` (@fastify/helmet) after `NestFactory.create`",
};

/** The directory of the nearest package.json at or above `file`, within the scanned root. */
function packageDirOf(file: string, root: string, cache: Map<string, string>): string {
  let dir = dirname(file);
  const seen: string[] = [];
  for (;;) {
    const hit = cache.get(dir);
    if (hit !== undefined) return remember(hit);
    seen.push(dir);
    if (existsSync(join(dir, 'package.json')) || dir === root || !dir.startsWith(root + sep)) return remember(dir);
    dir = dirname(dir);
  }
  function remember(result: string): string {
    for (const d of seen) cache.set(d, result);
    return result;
  }
}

const HEADER_NAMES: Record<string, string> = {
  'content-security-policy': 'Content-Security-Policy',
  'strict-transport-security': 'Strict-Transport-Security',
  'x-content-type-options': 'X-Content-Type-Options',
  'x-frame-options': 'X-Frame-Options',
  'referrer-policy': 'Referrer-Policy',
  'cross-origin-opener-policy': 'Cross-Origin-Opener-Policy',
  'cross-origin-resource-policy': 'Cross-Origin-Resource-Policy',
};

/** What a service that sets some security headers (a helmet middleware, a CSP by hand) still lacks of the core pair, and what that leaves open. */
function incomplete(headers: ReadonlySet<string>): { set: string; missing: string; risk: string; add: string } {
  const set = [...headers].sort().map((h) => `\`${HEADER_NAMES[h] ?? h}\``).join(', ');
  const noSniff = !headers.has(NOSNIFF);
  const framing = !FRAMING.some((h) => headers.has(h));
  const missing = [noSniff ? '`X-Content-Type-Options: nosniff`' : '', framing ? 'a `Content-Security-Policy` or `X-Frame-Options`' : ''].filter(Boolean).join(' nor ');
  const risk = [noSniff ? 'browsers MIME-sniff its responses (an uploaded file can run as a script)' : '', framing ? 'its pages can be framed for clickjacking and run injected scripts' : ''].filter(Boolean).join(', and ');
  const add = [noSniff ? '`helmet.noSniff()` (or the header by hand)' : '', framing ? '`helmet.contentSecurityPolicy()`' : ''].filter(Boolean).join(' and ');
  return { set, missing, risk, add };
}

function evidenceOf(facts: ProjectFacts, file: string): SecurityHeadersEvidence | undefined {
  return facts.modules.get(file)?.evidence.securityHeaders;
}

export default defineProjectRule({
  id: 'require-security-headers',
  category: 'security',
  severity: 'medium',
  recommended: true,
  cwe: [693],
  defaultOptions: {},
  messages: {
    missing:
      'This {{framework}} server{{others}} never installs helmet or sets `X-Content-Type-Options` and a `Content-Security-Policy`/`X-Frame-Options` itself: ' +
      'its responses carry no browser protections against clickjacking, MIME sniffing and injected scripts — add {{fix}}',
    incomplete:
      'This {{framework}} server{{others}} sets {{set}} but not {{missing}}: {{risk}} — add {{add}}, or {{fix}} for the full set',
    poweredBy:
      'This {{framework}} server{{others}} sets its own security headers but leaves `X-Powered-By: Express` on, telling scanners what to attack — ' +
      "call `app.disable('x-powered-by')` (helmet removes it too)",
  },
  docs: {
    description: 'Require helmet (or an equivalent set of security headers) on Express, Koa, Fastify and NestJS services.',
    why:
      'Browsers only apply their defences when the server asks for them: `X-Content-Type-Options: nosniff` stops an uploaded file from being ' +
      'run as a script, `Content-Security-Policy`/`X-Frame-Options` stop injected scripts and clickjacking frames, `Strict-Transport-Security` ' +
      'stops downgrades to plain HTTP. None of the Node frameworks send them by default, and Express adds `X-Powered-By: Express` for every ' +
      'scanner to see. helmet sets all of them with safe defaults in one line.',
    fix:
      'Install helmet where the app is created: `app.use(helmet())` for Express and NestJS, `app.use(helmet())` from koa-helmet for Koa, ' +
      '`await app.register(helmet)` from @fastify/helmet for Fastify. Setting the headers by hand counts when at least ' +
      '`X-Content-Type-Options` and a CSP or `X-Frame-Options` are set (and, on Express, `X-Powered-By` is disabled).',
    sites: 'web service packages',
    examples: {
      invalid: [
        {
          filename: 'src/server.ts',
          code:
            "import express from 'express';\nimport { ordersRouter } from './orders/orders.router';\n\n" +
            "const app = express();\napp.use(express.json());\napp.use('/orders', ordersRouter);\n\napp.listen(Number(process.env.PORT ?? 3000));\n",
        },
      ],
      valid: [
        {
          filename: 'src/server.ts',
          code:
            "import express from 'express';\nimport helmet from 'helmet';\nimport { ordersRouter } from './orders/orders.router';\n\n" +
            "const app = express();\napp.use(helmet());\napp.use(express.json());\napp.use('/orders', ordersRouter);\n\napp.listen(Number(process.env.PORT ?? 3000));\n",
        },
      ],
    },
  },
  check(ctx) {
    const { facts } = ctx;
    const packageDirs = new Map<string, string>();
    const packageFiles = new Map<string, string[]>();
    const filesOfPackage = (dir: string): string[] => {
      let files = packageFiles.get(dir);
      if (!files) {
        files = [...facts.modules.keys()].filter((f) => !facts.roles(f).has('test') && packageDirOf(f, facts.root, packageDirs) === dir);
        packageFiles.set(dir, files);
      }
      return files;
    };

    // One verdict per package: what counts as installed is searched package-wide, so its servers pass or fail together.
    const services = new Map<string, Array<{ entry: string; framework: WebFramework; app: string }>>();
    for (const entry of facts.entryPoints) {
      const created = [...importClosure(facts, entry)].flatMap((f) => (evidenceOf(facts, f)?.apps ?? []).map((a) => ({ ...a, app: `${f}:${a.line}:${a.column}` })))[0];
      if (!created) continue; // plain node:http, a worker, a socket server: not applicable
      const dir = packageDirOf(entry, facts.root, packageDirs);
      const servers = services.get(dir) ?? [];
      // Two entry points that start the same app (a server file and a script that imports it) are one server.
      if (!servers.some((s) => s.app === created.app)) servers.push({ entry, framework: created.framework, app: created.app });
      services.set(dir, servers);
    }
    for (const [dir, servers] of services) {
      ctx.countSite();
      const searched = new Set(filesOfPackage(dir));
      for (const { entry } of servers) for (const f of importClosure(facts, entry)) searched.add(f);
      let helmet = false;
      let poweredByOff = false;
      const headers = new Set<string>();
      for (const file of searched) {
        const evidence = evidenceOf(facts, file);
        if (!evidence) continue;
        helmet ||= evidence.helmet;
        poweredByOff ||= evidence.poweredByOff;
        for (const h of evidence.headers) headers.add(h);
      }
      if (helmet) continue;
      const { entry, framework } = servers[0]!;
      const at = facts.modules.get(entry)?.listenAt ?? { line: 1, column: 1 };
      const file = relative(facts.root, entry).split(sep).join('/');
      const others = servers.length > 1 ? ` (and ${servers.length - 1} other server${servers.length > 2 ? 's' : ''} of this package)` : '';
      const ownHeaders = headers.has(NOSNIFF) && FRAMING.some((h) => headers.has(h));
      if (!ownHeaders && headers.size > 0) ctx.report({ file, line: at.line, column: at.column, messageId: 'incomplete', data: { framework, others, fix: FIXES[framework], ...incomplete(headers) } });
      else if (!ownHeaders) ctx.report({ file, line: at.line, column: at.column, messageId: 'missing', data: { framework, others, fix: FIXES[framework] } });
      else if ((framework === 'Express' || framework === 'NestJS') && !poweredByOff) ctx.report({ file, line: at.line, column: at.column, messageId: 'poweredBy', data: { framework, others } });
    }
  },
});
