// docker-signal-handling: a Node service image started in a way that keeps SIGTERM from node —
// `CMD`/`ENTRYPOINT` in shell form (`CMD node dist/main.js`: `/bin/sh -c` is PID 1), or through
// the package manager (`CMD ["npm", "start"]`, `yarn start`, `pnpm run serve`: npm is PID 1 and
// does not pass the signal on reliably). `docker stop` and every Kubernetes rollout then wait out
// the grace period and SIGKILL the process: in-flight requests are cut, the graceful shutdown
// code never runs. Fine: exec form starting node (`["node", "dist/main.js"]`), `exec node …` in
// shell form, an init (`tini`, `dumb-init`); `npm start` is flagged even under an init.
import { defineProjectRule } from '../src/core/rule.js';
import type { DockerInstruction } from '../src/project/dockerfile.js';
import { programOf, serviceDockerfiles, type ServiceDockerfile } from '../src/project/operations.js';

const INITS = new Set(['tini', 'tini-static', 'dumb-init', 'catatonit', 'init', 's6-svscan']);
const PACKAGE_MANAGERS = new Set(['npm', 'yarn', 'pnpm']);
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
/** Package manager subcommands that are not a script run (`yarn node app.js` runs node itself). */
const NOT_SCRIPTS = new Set(['exec', 'node', 'dlx', 'x', 'install', 'i', 'ci']);
/** Package manager options that take a value (`npm --prefix api start`, `pnpm --filter api start`). */
const VALUE_OPTIONS = new Set(['--prefix', '--cwd', '-C', '--dir', '--filter', '-F', '--workspace', '-w']);

/** `npm --prefix api run start:prod` → `run`, `start:prod`: the words after the manager's options. */
function subcommand(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const w = argv[i] ?? '';
    if (w.startsWith('-')) {
      if (VALUE_OPTIONS.has(w)) i++;
      continue;
    }
    out.push(w);
    if (out.length === 2) break;
  }
  return out;
}

interface Process {
  /** The instruction a user edits to fix it. */
  at: DockerInstruction;
  argv: string[];
  /** The argv came from shell-form text (`/bin/sh -c …`). */
  shell: boolean;
}

/** The container's command: the last ENTRYPOINT and CMD of the final stage's chain, as Docker combines them. */
function containerProcess({ chain }: ServiceDockerfile): Process | null {
  let entrypoint: { i: DockerInstruction; stage: number } | undefined;
  let cmd: { i: DockerInstruction; stage: number } | undefined;
  chain.forEach((stage, index) => {
    for (const i of stage.instructions) {
      if (i.keyword === 'ENTRYPOINT') entrypoint = { i, stage: index };
      if (i.keyword === 'CMD') cmd = { i, stage: index };
    }
  });
  // An ENTRYPOINT set in a later stage resets the CMD it inherits.
  if (entrypoint && cmd && cmd.stage < entrypoint.stage) cmd = undefined;
  if (entrypoint && !entrypoint.i.exec) return { at: entrypoint.i, argv: words(entrypoint.i.text), shell: true };
  if (!cmd) return entrypoint ? { at: entrypoint.i, argv: entrypoint.i.exec ?? [], shell: false } : null;
  const cmdArgv = cmd.i.exec ?? words(cmd.i.text);
  return { at: cmd.i, argv: [...(entrypoint?.i.exec ?? []), ...cmdArgv], shell: cmd.i.exec === null && !entrypoint };
}

function words(text: string): string[] {
  return text
    .replace(/\\\n/g, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^["']|["']$/g, ''))
    .filter((w) => w !== '');
}

/** Drops an init and its options (`tini -g --`, `dumb-init --rewrite 15:2`), `env VAR=…` and `exec`. */
function afterWrappers(argv: string[]): { rest: string[]; init: boolean; exec: boolean } {
  let rest = argv;
  let init = false;
  let exec = false;
  for (;;) {
    const program = programOf(rest[0] ?? '');
    if (INITS.has(program)) {
      init = true;
      rest = rest.slice(1);
      while (rest[0]?.startsWith('-')) rest = rest.slice(rest[0] === '--' ? 1 : rest[0] === '--rewrite' || rest[0] === '-e' ? 2 : 1);
    } else if (program === 'exec') {
      exec = true;
      rest = rest.slice(1);
    } else if (program === 'env' || /^\w+=/.test(rest[0] ?? '')) {
      rest = rest.slice(1);
    } else return { rest, init, exec };
  }
}

export default defineProjectRule({
  id: 'docker-signal-handling',
  repository: true,
  category: 'operations',
  severity: 'medium',
  recommended: true,
  defaultOptions: {},
  messages: {
    shellForm:
      '`{{keyword}} {{command}}` is in shell form: `/bin/sh` runs as PID 1 and does not pass SIGTERM on to node, so graceful shutdown never runs and the container is killed after the grace period; write the exec form `{{keyword}} {{exec}}`',
    packageManager:
      '`{{command}}` starts the service through {{manager}}, which does not pass SIGTERM on to node reliably, so graceful shutdown may never run: start node directly ({{suggestion}})',
  },
  docs: {
    description: 'Require a Node service image to start node so that it receives SIGTERM: exec form, not shell form or `npm start`.',
    why:
      '`docker stop`, a Kubernetes rollout or a scale-down sends SIGTERM to PID 1 and kills the container with SIGKILL when the grace period ends. ' +
      'In shell form (`CMD node server.js`) PID 1 is `/bin/sh -c`, which does not forward the signal; through `npm start` PID 1 is npm, ' +
      'which runs the script in yet another shell. Node never sees SIGTERM, so the graceful shutdown handler never runs: every deploy ' +
      'waits out the grace period and then cuts in-flight requests and open connections.',
    fix:
      'Start node directly in exec form: `CMD ["node", "dist/main.js"]`. In shell form, prefix the last command with `exec`. ' +
      'If the process must be wrapped, use an init that forwards signals: `ENTRYPOINT ["dumb-init", "--"]` or `tini`, or `docker run --init`.',
    sites: 'Node service Dockerfiles that set CMD or ENTRYPOINT',
    examples: {
      invalid: [
        { filename: 'Dockerfile', code: 'FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nUSER node\nCMD ["npm", "start"]\n' },
        { filename: 'Dockerfile', code: 'FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nUSER node\nCMD node dist/main.js\n' },
      ],
      valid: [{ filename: 'Dockerfile', code: 'FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nUSER node\nCMD ["node", "dist/main.js"]\n' }],
    },
  },
  check(context) {
    const scripts = context.facts.packageJson?.scripts ?? {};
    for (const dockerfile of serviceDockerfiles(context.facts)) {
      const process = containerProcess(dockerfile);
      if (!process) continue;
      context.countSite();
      const wrapped = afterWrappers(process.argv);
      const { init } = wrapped;
      let { rest, exec } = wrapped;
      let shell = process.shell;
      // `["sh", "-c", "node server.js"]` is shell form written as an array.
      if (SHELLS.has(programOf(rest[0] ?? '')) && rest[1] === '-c' && rest[2] !== undefined) {
        ({ rest, exec } = afterWrappers(words(rest.slice(2).join(' '))));
        shell = true;
      }
      const { at } = process;
      const command = process.argv.join(' ');
      const manager = programOf(rest[0] ?? '');
      const [sub, next] = subcommand(rest);
      if (PACKAGE_MANAGERS.has(manager) && sub !== undefined && !NOT_SCRIPTS.has(sub)) {
        const script = sub === 'run' || sub === 'run-script' ? next : sub;
        const target = script ? /^node\s+([\w./-]+)$/.exec(scripts[script]?.trim() ?? '')?.[1] : undefined;
        const suggestion = target ? `\`CMD ["node", "${target}"]\`, what the \`${script}\` script runs` : `\`CMD ["node", "<entry file>"]\` with what the \`${script ?? 'start'}\` script runs`;
        context.report({ file: dockerfile.relPath, line: at.line, column: at.column, messageId: 'packageManager', data: { command, manager, suggestion } });
        continue;
      }
      if (shell && !exec && !init) {
        const simple = rest.every((w) => /^[\w./:=@,-]+$/.test(w));
        const suggestion = simple ? JSON.stringify(rest).replace(/","/g, '", "') : '["node", "<entry file>"]';
        context.report({ file: dockerfile.relPath, line: at.line, column: at.column, messageId: 'shellForm', data: { keyword: at.keyword, command: at.text.trim(), exec: suggestion } });
      }
    }
  },
});
