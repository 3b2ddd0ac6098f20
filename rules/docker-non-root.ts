// docker-non-root: a Node service image whose final stage never switches to an unprivileged
// `USER`, or switches back to root at the end. The process then runs as root inside the container:
// a remote code execution in the service (a deserialization bug, a vulnerable dependency) gets root
// in the container, can rewrite the application and its dependencies, and is one kernel or runtime
// bug away from root on the host. Judged on the stage `docker build` produces (the last one),
// following `FROM <stage>` inheritance, in images that declare a CMD or ENTRYPOINT (the others are
// base images). Without a USER line only images known to default to root are flagged (Docker
// Hub's official images, a few well-known Node images): a company base image may set its own
// user; distroless `:nonroot` images and entrypoints that drop privileges (`gosu`, `su-exec`) run
// unprivileged.
import { defineProjectRule } from '../src/core/rule.js';
import type { DockerInstruction } from '../src/project/dockerfile.js';
import { baseImageOf, shellCommands, type ImageReference } from '../src/project/dockerfile.js';
import { chainInstructions, commandWords, programOf, resolveWord, serviceDockerfiles } from '../src/project/operations.js';

/** Programs that start the service as another user (in an entrypoint, or installed for one). */
const PRIVILEGE_DROPPERS = new Set(['gosu', 'su-exec', 'setpriv', 'runuser', 's6-setuidgid', 'chpst', 'setuidgid']);

/** Options of useradd/adduser (shadow, Debian, BusyBox) that take a value, so the value is not the user name. */
const USERADD_VALUE_OPTIONS = new Set(['-u', '-g', '-G', '-d', '-h', '-s', '-c', '-k', '-e', '-f', '-p', '-K', '--uid', '--gid', '--groups', '--home', '--home-dir', '--shell', '--comment', '--gecos', '--ingroup']);

/** The user an `adduser`/`useradd` command of the image creates (its last positional word), resolved through ARG/ENV defaults. */
function createdUser(instructions: readonly DockerInstruction[]): string | undefined {
  let user: string | undefined;
  for (const i of instructions) {
    if (i.keyword !== 'RUN') continue;
    for (const command of shellCommands(i)) {
      const words = command.split(' ');
      if (!['adduser', 'useradd'].includes(programOf(words[0] ?? ''))) continue;
      let name: string | undefined;
      for (let k = 1; k < words.length; k++) {
        const w = words[k] ?? '';
        if (USERADD_VALUE_OPTIONS.has(w)) k++;
        else if (!w.startsWith('-')) name = w;
      }
      if (name) user = resolveWord(name, instructions);
    }
  }
  return user && /^[\w.-]+$/.test(user) ? user : undefined;
}

/** Images from other publishers that run as root unless told otherwise (on top of Docker Hub's official images). */
const ROOT_BY_DEFAULT = new Set(['bitnami/node', 'keymetrics/pm2', 'mhart/alpine-node']);

/**
 * Whether we know the image's default user is root: Docker Hub's official images (`node`,
 * `alpine`, `debian`, `docker.io/library/node`) and a few well-known Node images. Other images
 * (a company base image, `cimg/node`, Red Hat's UBI Node images) may set a user we cannot see.
 */
function rootByDefault(image: ImageReference | null): boolean {
  if (!image || (image.registry !== null && image.registry !== 'docker.io')) return false;
  const name = image.name.replace(/^library\//, '');
  return !name.includes('/') || ROOT_BY_DEFAULT.has(name);
}

/** `root`, `0`, `root:root`, `0:0`: the user part names root. */
function isRootUser(value: string): boolean {
  const user = value.split(':')[0] ?? '';
  return user === 'root' || user === '0';
}

/** Images whose default user is not root: distroless `:nonroot` / `:debug-nonroot` tags, Chainguard's Node image. */
function runsUnprivilegedByDefault(image: ImageReference | null): boolean {
  if (!image) return false;
  if (image.tag !== null && /(^|-)nonroot($|-)/.test(image.tag)) return true;
  return image.registry === 'cgr.dev' && /^chainguard\/node$/.test(image.name) && !(image.tag ?? '').includes('dev');
}

/** The image drops privileges itself: a CMD/ENTRYPOINT through gosu or su-exec, or such a tool installed for the entrypoint script. */
function dropsPrivileges(instructions: readonly DockerInstruction[]): boolean {
  return instructions.some(
    (i) => (i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT' || i.keyword === 'RUN') && commandWords(i).some((w) => PRIVILEGE_DROPPERS.has(programOf(w))),
  );
}

export default defineProjectRule({
  id: 'docker-non-root',
  repository: true,
  category: 'operations',
  severity: 'high',
  recommended: true,
  cwe: [250],
  defaultOptions: {},
  messages: {
    noUser:
      'The final stage (`FROM {{image}}`) never switches to a non-root user, so the service runs as root in the container: add `USER {{user}}` after the steps that need root, before CMD',
    userNotUsed:
      'The final stage (`FROM {{image}}`) creates the user `{{user}}` but never switches to it, so the service runs as root in the container: add `USER {{user}}` after the steps that need root, before CMD',
    backToRoot:
      '`USER {{value}}` is the last user of the final stage, so the service runs as root in the container: switch to an unprivileged user (`USER {{user}}`) after the steps that need root',
  },
  docs: {
    description: 'Require the final stage of a Node service Dockerfile to run as a non-root user.',
    why:
      'Containers run as root unless the image says otherwise, and the official Node images only create the `node` user without switching to it. ' +
      'A service running as root turns any code execution bug (a vulnerable dependency, unsafe deserialization) into root inside the container: ' +
      'the attacker can rewrite the application and its dependencies, read every mounted secret, and is one kernel or runtime escape away from the host. ' +
      'Kubernetes clusters that enforce `runAsNonRoot` refuse to start such an image at all.',
    fix:
      'Add `USER node` (official Node images) or create an unprivileged user (`RUN addgroup -S app && adduser -S app -G app`, then `USER app`) ' +
      'after the last step that needs root and before `CMD`; copy application files with `COPY --chown=node:node`. Distroless `:nonroot` images need nothing. ' +
      'Dockerfiles for development or tests (`Dockerfile.dev`, `.devcontainer/`, `Dockerfile.integration`, under `test/`) are not judged.',
    sites: 'Node service Dockerfiles',
    examples: {
      invalid: [
        {
          filename: 'Dockerfile',
          code: 'FROM node:22-alpine\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD ["node", "src/server.js"]\n',
        },
      ],
      valid: [
        {
          filename: 'Dockerfile',
          code: 'FROM node:22-alpine\nWORKDIR /app\nCOPY --chown=node:node package*.json ./\nRUN npm ci --omit=dev\nCOPY --chown=node:node . .\nUSER node\nCMD ["node", "src/server.js"]\n',
        },
      ],
    },
  },
  check(context) {
    for (const { relPath, final, chain } of serviceDockerfiles(context.facts)) {
      const instructions = chainInstructions(chain);
      // An image that declares no command is a base or build image; the one that runs it is judged.
      if (!instructions.some((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT')) continue;
      const image = baseImageOf(final);
      const users = instructions.filter((i) => i.keyword === 'USER');
      const last = users[users.length - 1];
      const value = last?.args[0];
      // Without a USER line, an image whose default user we do not know is not judged.
      if (!last && !rootByDefault(image) && !runsUnprivilegedByDefault(image)) continue;
      context.countSite();
      const created = createdUser(instructions);
      const user = created ?? (image?.name === 'node' ? 'node' : 'app');
      if (last && value !== undefined) {
        // A build argument without a default decides the user: we cannot tell.
        if (isRootUser(value) && !value.includes('$') && !dropsPrivileges(instructions)) {
          context.report({ file: relPath, line: last.line, column: last.column, messageId: 'backToRoot', data: { value, user } });
        }
        continue;
      }
      if (runsUnprivilegedByDefault(image) || dropsPrivileges(instructions)) continue;
      const from = final.from;
      context.report({ file: relPath, line: from.line, column: from.column, messageId: created ? 'userNotUsed' : 'noUser', data: { image: from.args[0] ?? '', user } });
    }
  },
});
