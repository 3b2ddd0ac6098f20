// What the operations rules judge: the Dockerfiles that build a Node service image for production,
// and the files at the repository root (lockfile, CI configuration, Node version files). A rule that
// cannot see the thing it judges counts no site: a repository without a Dockerfile is "not
// applicable" to the Docker rules, a directory without package.json to the repository rules.
import { posix } from 'node:path';
import { baseImageOf, shellCommands, stageChain, type DockerfileModel, type DockerInstruction, type DockerStage, type ImageReference } from './dockerfile.js';
import type { ProjectFacts } from './facts.js';
import { CI_AT_TOP, type RepositoryFile, type RepositoryFileKind } from './repository-files.js';
import { fileRoles } from './roles.js';

export interface ServiceDockerfile {
  relPath: string;
  dockerfile: DockerfileModel;
  /** The stage `docker build` produces; its chain (`FROM <stage>` ancestors, base first). */
  final: DockerStage;
  chain: DockerStage[];
}

const NO_EVIDENCE = { shebang: false, browserSyntax: false, serverImports: false, readsArgv: false, listens: false };
/** Words in a Dockerfile's name, directory or final stage that mark it for development or tests. */
const NOT_PRODUCTION = new Set(['dev', 'develop', 'development', 'devcontainer', 'local', 'test', 'tests', 'testing', 'e2e', 'debug', 'ci']);
/**
 * Names that mark a test image only as the whole name beside `Dockerfile` or of the final stage
 * (`Dockerfile.integration`, `integration.Dockerfile`, `AS integration`): as a word of a directory,
 * a file name or a command they name a production service as often (`integration-service/Dockerfile`,
 * `integration-worker.Dockerfile`, a service that integrates third-party APIs).
 */
const TEST_IMAGE_NAMES = new Set(['integration']);
/** `node`, `alpine-node`, `nodejs20-debian12` (distroless), `pm2` (keymetrics' Node image). */
const NODE_IMAGE = /(^|[-_])(node(js)?\d*|pm2)([-_.]|$)/;
/** Programs that mean the container runs Node. */
const NODE_PROGRAMS = new Set(['node', 'nodejs', 'npm', 'npx', 'yarn', 'pnpm', 'ts-node', 'tsx', 'pm2', 'pm2-runtime']);

/** The last path segment of the image is a Node image. */
export function isNodeImage(image: ImageReference | null): boolean {
  return image !== null && NODE_IMAGE.test(image.name.split('/').pop() ?? '');
}

/** The words of a CMD/ENTRYPOINT/RUN (exec array, or shell text split at blanks and quotes). */
export function commandWords(instruction: DockerInstruction): string[] {
  if (instruction.exec) return instruction.exec.flatMap((s) => s.split(/\s+/));
  return shellCommands(instruction).flatMap((c) => c.split(/[\s"']+/));
}

/** The program a word names: `/usr/local/bin/node` → `node`. */
export function programOf(word: string): string {
  return posix.basename(word);
}

const DEV_PROGRAMS = new Set(['nodemon', 'ts-node-dev', 'tsnd', 'node-dev']);

/** `Dockerfile.dev`, `.devcontainer/Dockerfile`, `Dockerfile.integration`, a final stage `AS development`, `CMD ["npm", "run", "start:dev"]`, `CMD ["./start.dev.sh"]`. */
function namedForDevelopment(relPath: string, chain: readonly DockerStage[]): boolean {
  const devWord = (text: string) => text.toLowerCase().split(/[/._:-]+/).some((w) => NOT_PRODUCTION.has(w));
  const testImageName = (text: string) => TEST_IMAGE_NAMES.has(text.toLowerCase().replace(/^dockerfile[.-]|[.-]dockerfile$/, ''));
  const final = chain[chain.length - 1];
  if (devWord(relPath) || testImageName(posix.basename(relPath)) || (final?.name != null && (devWord(final.name) || testImageName(final.name)))) return true;
  // The program and script words of the command, not option values (`--log-level debug`).
  const commandNames = (i: DockerInstruction) => commandWords(i).filter((w, k, all) => !w.startsWith('-') && !(all[k - 1] ?? '').startsWith('-'));
  return chainInstructions(chain).some(
    (i) => (i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && commandNames(i).some((w) => devWord(w) || DEV_PROGRAMS.has(programOf(w))),
  );
}

/** Some stage copies files in (`COPY . .`, `COPY --from=build …`): the image packages this project, not a tool (`RUN npm i -g maildev`). */
function buildsProject(dockerfile: DockerfileModel): boolean {
  return dockerfile.stages.some((s) => s.instructions.some((i) => i.keyword === 'COPY' || i.keyword === 'ADD'));
}

function runsNode(chain: DockerStage[]): boolean {
  if (isNodeImage(baseImageOf(chain[chain.length - 1] as DockerStage))) return true;
  return chain.some((s) => s.instructions.some((i) => (i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && commandWords(i).some((w) => NODE_PROGRAMS.has(programOf(w)))));
}

/**
 * The Dockerfiles that build a Node service of this project for production: not under a test or
 * fixture directory, not named for development or tests (`Dockerfile.dev`, `.devcontainer/`,
 * `Dockerfile.integration`, a final stage called `development`, a command that runs `start:dev`
 * or nodemon), copying from the build
 * context, and with a final stage that runs Node (a Node base image, or a CMD/ENTRYPOINT that
 * starts node, npm, yarn or pnpm). An nginx image serving a built front end is not one, nor an
 * image that only installs a tool (`RUN npm i -g maildev`).
 */
export function serviceDockerfiles(facts: ProjectFacts): ServiceDockerfile[] {
  const out: ServiceDockerfile[] = [];
  for (const { relPath, dockerfile } of facts.dockerfiles()) {
    const final = dockerfile.final;
    if (!final || fileRoles(relPath, NO_EVIDENCE).has('test')) continue;
    const chain = stageChain(final);
    if (!namedForDevelopment(relPath, chain) && buildsProject(dockerfile) && runsNode(chain)) out.push({ relPath, dockerfile, final, chain });
  }
  return out;
}

/** `$USERNAME`, `${USERNAME}` → the value an `ARG`/`ENV` of the instructions gives it (the last one), or the word as is. */
export function resolveWord(word: string, instructions: readonly DockerInstruction[]): string {
  const name = /^\$\{?(\w+)\}?$/.exec(word)?.[1];
  if (!name) return word;
  let value = word;
  for (const i of instructions) {
    if (i.keyword !== 'ARG' && i.keyword !== 'ENV') continue;
    for (const a of i.args) if (a.startsWith(`${name}=`)) value = a.slice(name.length + 1);
  }
  return value;
}

/** The instructions of a stage chain, base stage first. */
export function chainInstructions(chain: readonly DockerStage[]): DockerInstruction[] {
  return chain.flatMap((s) => s.instructions);
}

/**
 * The repository root the repository rules judge, as a POSIX path relative to `facts.root` ('' is
 * the scanned directory itself). Monorepo support decides it; a single package is its own root.
 */
export function repositoryRoot(_facts: ProjectFacts): string {
  return '';
}

/** The repository files of `kind` directly in `dir` (or, for CI, in the CI directories under it). */
export function rootFiles(facts: ProjectFacts, kind: RepositoryFileKind, dir: string): RepositoryFile[] {
  const prefix = dir === '' ? '' : `${dir}/`;
  return facts.repositoryFiles().filter((f) => {
    if (f.kind !== kind || !f.relPath.startsWith(prefix)) return false;
    const rest = f.relPath.slice(prefix.length);
    return kind === 'ci' ? CI_AT_TOP.test(rest) : !rest.includes('/');
  });
}

/**
 * 1-based line and column of a key of package.json's text, given as a path from the top
 * (`['engines']`, `['scripts', 'test']`), or line 1, column 1 when absent.
 */
export function packageJsonKeyPosition(text: string, path: readonly string[]): { line: number; column: number } {
  const keys: Array<string | null> = [];
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') {
      line++;
      lineStart = i + 1;
    } else if (ch === '{' || ch === '[') keys.push(null);
    else if (ch === '}' || ch === ']') keys.pop();
    else if (ch === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      const key = text.slice(start + 1, i);
      if (!/^\s*:/.test(text.slice(i + 1, i + 40))) continue;
      keys[keys.length - 1] = key;
      if (keys.length === path.length && keys.every((k, depth) => k === path[depth])) return { line, column: start - lineStart + 1 };
    }
  }
  return { line: 1, column: 1 };
}
