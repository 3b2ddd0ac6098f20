// require-strict-typescript: a TypeScript package whose tsconfig.json, after `extends`, does not
// turn on `strict`. Without `strictNullChecks` every `findOne()` that can return null type-checks
// as if it always found something, and without `noImplicitAny` untyped parameters silently opt out
// of checking: the compiler stops catching the `Cannot read properties of undefined` crashes that
// take services down in production.
//
// One finding per root tsconfig (the scanned root's and each workspace package's, see
// ../src/project/tsconfig.ts). `strict: true` passes, and so does setting every strict flag one
// by one; `strict: true` with `strictNullChecks` or another flag turned back off does not. A config
// whose `extends` cannot be resolved (a package config that is not installed) is not judged
// unless its own chain already decides it.
import { relative, sep } from 'node:path';
import { defineProjectRule } from '../src/core/rule.js';
import { propertyPosition, rootTsconfigs, type Tsconfig } from '../src/project/tsconfig.js';

/** The flags `strict` turns on that a project must otherwise set itself (TypeScript 2.3–4.3's set). */
const STRICT_FLAGS = ['noImplicitAny', 'strictNullChecks', 'strictFunctionTypes', 'strictBindCallApply', 'strictPropertyInitialization', 'noImplicitThis', 'alwaysStrict'];
const TURNED_OFF_TOO = [...STRICT_FLAGS, 'useUnknownInCatchVariables'];

type Verdict = { kind: 'pass' } | { kind: 'unknown' } | { kind: 'off'; flags: string[] } | { kind: 'missing'; flags: string[] };

export function strictVerdict(config: Tsconfig): Verdict {
  const options = config.compilerOptions;
  if (options.strict === true) {
    const off = TURNED_OFF_TOO.filter((f) => options[f] === false);
    return off.length > 0 ? { kind: 'off', flags: off } : { kind: 'pass' };
  }
  const missing = STRICT_FLAGS.filter((f) => options[f] !== true);
  if (missing.length === 0) return { kind: 'pass' };
  return config.unresolved.length > 0 ? { kind: 'unknown' } : { kind: 'missing', flags: missing };
}

/** The config of the chain that sets strictness (the nearest one that sets `strict` or a strict flag), if not the root one. */
function inheritedFrom(config: Tsconfig): string | undefined {
  const setter = config.chain.find((f) => 'strict' in f.compilerOptions || STRICT_FLAGS.some((flag) => flag in f.compilerOptions));
  return setter && setter !== config.chain[0] ? setter.path : undefined;
}

export default defineProjectRule({
  id: 'require-strict-typescript',
  repository: true,
  category: 'architecture',
  severity: 'medium',
  recommended: true,
  defaultOptions: {},
  messages: {
    missing:
      '{{config}} does not enable `strict`{{source}}: {{flags}} {{verb}} off, so the compiler lets nulls and untyped values through — ' +
      'set `"strict": true` in compilerOptions{{where}}',
    turnedOff:
      '{{config}} enables `strict` but turns {{flags}} back off{{source}}, so the compiler lets nulls and untyped values through — ' +
      'remove the override{{where}} and fix what the compiler then reports',
  },
  docs: {
    description: 'Require `strict` in the tsconfig.json of every TypeScript package.',
    why:
      'Without `strictNullChecks`, a value that can be `null` or `undefined` (a `findOne()` that found nothing, an optional ' +
      'field, a missing header) type-checks as if it were always there, and the `Cannot read properties of undefined` ' +
      'shows up in production instead of in the editor. Without `noImplicitAny`, untyped parameters quietly turn checking ' +
      'off. `strict` turns these and the other safety checks on together, and new ones as TypeScript adds them.',
    fix:
      'Set `"strict": true` in compilerOptions (in the shared base config when packages extend one) and fix what the compiler ' +
      'reports; a large code base can get there package by package. Do not turn single strict flags back off.',
    sites: 'TypeScript packages (root tsconfig.json files)',
    examples: {
      invalid: [
        {
          filename: 'tsconfig.json',
          code: '{\n  "compilerOptions": {\n    "target": "ES2022",\n    "module": "NodeNext",\n    "outDir": "dist",\n    "noImplicitAny": true\n  }\n}\n',
        },
      ],
      valid: [
        {
          filename: 'tsconfig.json',
          code: '{\n  "extends": "./tsconfig.base.json",\n  "compilerOptions": {\n    "strict": true,\n    "outDir": "dist"\n  }\n}\n',
        },
      ],
    },
  },
  check(ctx) {
    const { facts } = ctx;
    const rel = (file: string) => relative(facts.root, file).split(sep).join('/');
    for (const { path, config } of rootTsconfigs(facts)) {
      const verdict = strictVerdict(config);
      if (verdict.kind === 'unknown') continue;
      ctx.countSite();
      if (verdict.kind === 'pass') continue;
      const own = config.chain[0]!;
      const base = inheritedFrom(config);
      const inBase = base !== undefined && !base.includes(`${sep}node_modules${sep}`) && base.startsWith(facts.root);
      const at =
        verdict.kind === 'off'
          ? propertyPosition(own, ...verdict.flags.map((f) => ['compilerOptions', f]), ['compilerOptions', 'strict'], ['extends'], ['compilerOptions'])
          : propertyPosition(own, ['compilerOptions', 'strict'], ['compilerOptions'], ['extends']);
      const source = base ? ` (inherited from ${inBase ? rel(base) : base.slice(base.lastIndexOf(`node_modules${sep}`) + 13)})` : '';
      const where = inBase ? ` of ${rel(base!)} or of this file` : '';
      const flags = verdict.kind === 'missing' && verdict.flags.length === STRICT_FLAGS.length ? 'all strict checks' : verdict.flags.map((f) => `\`${f}\``).join(', ');
      ctx.report({
        file: rel(path),
        ...at,
        messageId: verdict.kind === 'off' ? 'turnedOff' : 'missing',
        data: { config: rel(path), source, where, flags, verb: verdict.flags.length > 1 ? 'are' : 'is' },
      });
    }
  },
});
