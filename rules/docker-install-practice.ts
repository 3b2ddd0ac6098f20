// docker-install-practice: dependency installs in a Node service Dockerfile that do not install
// exactly the lockfile — `npm install` instead of `npm ci`, `yarn install` / `pnpm install` /
// `bun install` without a frozen lockfile — or that leave dev dependencies in the final image (an
// install in the final stage without `--omit=dev` / `--production`, `NODE_ENV=production`, or a
// later prune). The first builds an image from versions nobody tested (a range resolved on build
// day); the second ships compilers, test runners and their vulnerabilities to production and
// doubles the image. Installs of named tools (`npm install -g pm2`) are not dependency installs.
import { defineProjectRule } from '../src/core/rule.js';
import type { DockerInstruction } from '../src/project/dockerfile.js';
import { shellCommands, stageChain } from '../src/project/dockerfile.js';
import { chainInstructions, programOf, serviceDockerfiles } from '../src/project/operations.js';

type Manager = 'npm' | 'yarn' | 'pnpm' | 'bun';

interface Install {
  manager: Manager;
  command: string;
  frozen: boolean;
  /** The install leaves devDependencies out (flag or environment). */
  production: boolean;
}

/** Options that take a value as the next word (`npm install --prefix api`), so the value is not a package name. */
const VALUE_OPTIONS = new Set(['--prefix', '--omit', '--include', '--only', '--registry', '--cache', '--loglevel', '--workspace', '-w', '--userconfig', '--cwd', '--filter', '-F', '--dir', '-C', '--network-timeout', '--modules-folder', '--store-dir', '--mutex']);
const INSTALL_WORDS: Record<Manager, readonly string[]> = { npm: ['install', 'i', 'ci', 'isntall'], yarn: ['install'], pnpm: ['install', 'i'], bun: ['install', 'i'] };
const PRODUCTION_FLAG = /^(--omit=dev|--only=prod(uction)?|--production(=true)?|--prod|-P)$/;
const PRODUCTION_ENV = /^(NODE_ENV=production|NPM_CONFIG_PRODUCTION=true|NPM_CONFIG_OMIT=dev)$/i;

/** `--omit="dev"` → `--omit=dev`: the shell removes the quotes. */
function unquote(word: string): string {
  return word.replace(/["']/g, '');
}

/** A dependency install from the manifest (no package names, not global), or undefined. */
function installOf(command: string, productionEnv: boolean): Install | undefined {
  const words = command.split(' ').map(unquote);
  let inlineEnv = false;
  while (words[0] !== undefined && (/^\w+=/.test(words[0]) || words[0] === 'env')) inlineEnv ||= PRODUCTION_ENV.test(words.shift() ?? '');
  const manager = programOf(words[0] ?? '') as Manager;
  if (!(manager in INSTALL_WORDS)) return undefined;
  const positional: string[] = [];
  const options: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i] ?? '';
    if (!w.startsWith('-')) positional.push(w);
    else {
      options.push(VALUE_OPTIONS.has(w) && words[i + 1] !== undefined ? `${w}=${words[++i]}` : w);
    }
  }
  const [sub, ...packages] = positional;
  // Bare `yarn` installs; `yarn add x`, `npm install -g pm2`, `npm run build` do not install the manifest.
  const installs = sub === undefined ? manager === 'yarn' : INSTALL_WORDS[manager].includes(sub);
  if (!installs || packages.length > 0 || options.some((o) => o === '-g' || o === '--global')) return undefined;
  const frozen =
    manager === 'npm'
      ? sub === 'ci'
      : options.some((o) => o === '--frozen-lockfile' || o === '--immutable' || (manager === 'pnpm' && o === '--offline'));
  const production = productionEnv || inlineEnv || options.some((o) => PRODUCTION_FLAG.test(o));
  return { manager, command, frozen, production };
}

/** `npm prune --omit=dev`, `pnpm prune --prod`, `yarn workspaces focus --production` later in the image: dev dependencies are removed. */
function prunes(command: string): boolean {
  return (
    /^(npm|pnpm|bun) prune\b.*(--omit=dev|--omit dev|--production|--prod)\b/.test(command) ||
    /^yarn workspaces focus\b.*--production\b/.test(command) ||
    /^rm -rf? .*node_modules/.test(command)
  );
}

/** `ENV NODE_ENV=production`, `ENV NODE_ENV production`, `ARG NODE_ENV=development`: whether installs after it omit dev dependencies. */
function productionEnvAfter(i: DockerInstruction, before: boolean): boolean {
  const args = i.args.map(unquote);
  const pairs = args.length === 2 && !args[0]?.includes('=') ? [`${args[0]}=${args[1]}`] : args;
  let production = before;
  for (const p of pairs) if (/^(NODE_ENV|NPM_CONFIG_PRODUCTION|NPM_CONFIG_OMIT)=/i.test(p)) production = PRODUCTION_ENV.test(p);
  return production;
}

function frozenCommand(manager: Manager, production: boolean): string {
  const prod = production ? { npm: ' --omit=dev', yarn: ' --production', pnpm: ' --prod', bun: ' --production' }[manager] : '';
  return manager === 'npm' ? `npm ci${prod}` : `${manager} install --frozen-lockfile${prod}`;
}

export default defineProjectRule({
  id: 'docker-install-practice',
  repository: true,
  category: 'operations',
  severity: 'medium',
  recommended: true,
  defaultOptions: {},
  messages: {
    notFrozen:
      '`{{command}}` can resolve versions other than the lockfile\'s, so the image runs dependencies nobody tested: use `{{fix}}`, which installs exactly the lockfile and fails when it is out of date',
    devDependencies:
      '`{{command}}` in the final stage installs dev dependencies into the production image: use `{{fix}}`, or build in an earlier stage and prune before the final one',
    notFrozenWithDev:
      '`{{command}}` does not hold to the lockfile and installs dev dependencies into the final image: use `{{fix}}` (or build in an earlier stage and install production dependencies only in the final one)',
  },
  docs: {
    description: 'Require Dockerfile dependency installs to follow the lockfile (`npm ci`, frozen lockfile) and to keep dev dependencies out of the final image.',
    why:
      '`npm install` and a `yarn`/`pnpm` install without a frozen lockfile resolve version ranges on build day: the image can contain a dependency ' +
      'version that no test ran against, and two builds of the same commit can differ. An install in the final stage without `--omit=dev` ships ' +
      'TypeScript, test runners and linters to production, making the image larger and adding their vulnerabilities to what scanners report and attackers can reach.',
    fix:
      'Use `npm ci` (`yarn install --frozen-lockfile`, `yarn install --immutable` on Yarn 2+, `pnpm install --frozen-lockfile`). Build in an earlier stage ' +
      'and install with `npm ci --omit=dev` in the final one, or run `npm prune --omit=dev` after the build; `ENV NODE_ENV=production` before the install also omits dev dependencies.',
    sites: 'dependency installs in Node service Dockerfiles',
    examples: {
      invalid: [{ filename: 'Dockerfile', code: 'FROM node:22-alpine\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n' }],
      valid: [{ filename: 'Dockerfile', code: 'FROM node:22-alpine\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n' }],
    },
  },
  check(context) {
    const devDependencies = context.facts.packageJson?.raw.devDependencies;
    // Without dev dependencies in the manifest there is nothing to leave out.
    const hasDevDependencies = context.facts.packageJson === null || (typeof devDependencies === 'object' && devDependencies !== null && Object.keys(devDependencies).length > 0);
    for (const { relPath, dockerfile, chain } of serviceDockerfiles(context.facts)) {
      // The final image's commands in build order, to see whether a later one prunes dev dependencies.
      const finalCommands = chainInstructions(chain).flatMap((at) => (at.keyword === 'RUN' ? shellCommands(at).map((command) => ({ at, command })) : []));
      for (const stage of dockerfile.stages) {
        const own = new Set(stage.instructions);
        const inFinal = chain.includes(stage);
        let productionEnv = false;
        for (const i of chainInstructions(stageChain(stage))) {
          if (i.keyword === 'ENV' || i.keyword === 'ARG') productionEnv = productionEnvAfter(i, productionEnv);
          if (i.keyword !== 'RUN' || !own.has(i)) continue;
          for (const command of shellCommands(i)) {
            const install = installOf(command, productionEnv);
            if (!install) continue;
            context.countSite();
            const position = finalCommands.findIndex((c) => c.at === i && c.command === command);
            const later = finalCommands.slice(position + 1);
            const removedLater = later.some((c) => prunes(c.command) || installOf(c.command, false)?.production === true);
            const dev = inFinal && hasDevDependencies && !install.production && !removedLater;
            if (install.frozen && !dev) continue;
            const messageId = !install.frozen && dev ? 'notFrozenWithDev' : dev ? 'devDependencies' : 'notFrozen';
            const fix = frozenCommand(install.manager, dev || install.production);
            context.report({ file: relPath, line: i.line, column: i.column, messageId, data: { command: install.command, fix } });
          }
        }
      }
    }
  },
});
