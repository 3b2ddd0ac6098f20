// require-engines: a package that does not say which Node version it runs on — no `engines.node`
// in package.json, no `volta.node`, no `.nvmrc`, `.node-version` or `.tool-versions` entry at the
// repository root. Developers, CI and the deploy target then each use whatever Node they have:
// code that relies on a newer API works locally and crashes in production on an older runtime,
// and upgrades of the production runtime happen without anyone deciding them.
import { posix } from 'node:path';
import { defineProjectRule } from '../src/core/rule.js';
import { packageJsonKeyPosition, repositoryRoot, rootFiles } from '../src/project/operations.js';
import { serviceEntryPoints } from '../src/project/services.js';

function nonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

function field(obj: unknown, key: string): unknown {
  return obj && typeof obj === 'object' && !Array.isArray(obj) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** `engines.node` or `volta.node` in a package.json's fields. */
function declaresNode(raw: unknown): boolean {
  return nonEmptyString(field(field(raw, 'engines'), 'node')) || nonEmptyString(field(field(raw, 'volta'), 'node'));
}

export default defineProjectRule({
  id: 'require-engines',
  repository: true,
  category: 'operations',
  severity: 'low',
  recommended: true,
  defaultOptions: {},
  messages: {
    missing:
      'package.json does not say which Node version the service runs on: add `"engines": { "node": "{{example}}" }` (or an `.nvmrc`) so that CI, developers and the deploy target use the same major',
    noNodeEngine:
      '`engines` does not name a Node version: add `"node": "{{example}}"` so that CI, developers and the deploy target use the same major',
  },
  docs: {
    description: 'Require the Node version to be declared: `engines.node` in package.json, `volta`, `.nvmrc`, `.node-version` or `.tool-versions`.',
    why:
      'Without a declared Node version, each developer, the CI runner and the production image use whatever Node they happen to have. ' +
      'Code written against a newer API passes locally and fails in production on an older runtime; a base image or platform upgrade ' +
      'moves production to a new major that nobody tested. Tooling (npm, Volta, nvm, fnm, cloud build packs) reads these declarations to pick the runtime. ' +
      'In a monorepo the root package.json or a root version file declares it, or, when the root runs no service itself, every workspace package ' +
      'that runs (a server entry point or a `start` script) does.',
    fix: 'Add `"engines": { "node": ">=22" }` (the majors you test on) to package.json, and an `.nvmrc` with the exact version for developers and CI.',
    sites: 'packages (at the repository root)',
    examples: {
      invalid: [{ filename: 'package.json', code: '{\n  "name": "orders-api",\n  "scripts": { "start": "node dist/main.js" }\n}\n' }],
      valid: [{ filename: 'package.json', code: '{\n  "name": "orders-api",\n  "engines": { "node": ">=22" },\n  "scripts": { "start": "node dist/main.js" }\n}\n' }],
    },
  },
  check(context) {
    const { facts } = context;
    const pkg = facts.packageJson;
    if (!pkg) return;
    const root = repositoryRoot(facts);
    context.countSite();
    const engines = pkg.raw.engines;
    if (declaresNode(pkg.raw)) return;
    const versionFiles = rootFiles(facts, 'node-version', root);
    if (versionFiles.some((f) => !f.relPath.endsWith('.tool-versions') || /^\s*(nodejs|node)\s+\S/m.test(f.text ?? ''))) return;
    // A workspace root with no service of its own may leave the version to the packages that run:
    // every workspace package with a service entry point or a `start` script (a worker) declares it
    // (Ghost's ghost/core).
    const [rootPackage, ...workspace] = facts.packages;
    const runs = (p: (typeof workspace)[number]) => serviceEntryPoints(facts.packageView(p)).length > 0 || nonEmptyString(field(field(p.packageJson?.raw, 'scripts'), 'start'));
    const services = workspace.filter(runs);
    // The root's own `start` script usually starts the workspace's (`turbo run start`): only its entry points count.
    if (rootPackage && serviceEntryPoints(facts.packageView(rootPackage)).length === 0 && services.length > 0 && services.every((p) => declaresNode(p.packageJson?.raw))) return;
    const data = { example: '>=22' };
    const file = posix.join(root, 'package.json');
    if (engines !== undefined) context.report({ file, ...packageJsonKeyPosition(pkg.text, ['engines']), messageId: 'noNodeEngine', data });
    else context.report({ file, line: 1, column: 1, messageId: 'missing', data });
  },
});
