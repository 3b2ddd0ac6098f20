// docker-pinned-base: `FROM node`, `FROM node:latest` — a base image without a tag or digest,
// or with `latest`, in a Node service Dockerfile. Each build pulls whatever the registry calls
// latest that day: a rebuild of an unchanged commit can move to a new Node major, a new libc or a
// new OS release, and a rollback does not roll back the runtime. Other tags (`node:22-alpine`,
// `node:lts`, `node:alpine`) are left alone; build arguments are expanded with their defaults, and
// an image chosen by an argument without a default is not judged.
import { defineProjectRule } from '../src/core/rule.js';
import { serviceDockerfiles } from '../src/project/operations.js';

export default defineProjectRule({
  id: 'docker-pinned-base',
  repository: true,
  category: 'operations',
  severity: 'low',
  recommended: true,
  defaultOptions: {},
  messages: {
    noTag:
      '`FROM {{image}}` has no tag, so each build pulls whatever `latest` is that day: pin a version (`{{image}}:{{example}}`) or a digest so that rebuilds and rollbacks run the same runtime',
    latestTag:
      '`FROM {{image}}` follows `latest`, so each build pulls whatever it is that day: pin a version (`{{name}}:{{example}}`) or a digest so that rebuilds and rollbacks run the same runtime',
  },
  docs: {
    description: 'Require Dockerfile base images to be pinned to a tag other than `latest`, or to a digest.',
    why:
      'A base image without a tag is `latest`, and `latest` moves. Building the same commit next month can bring a new Node major, ' +
      'a different libc or OS release, and with them native modules that no longer load or behaviour changes nobody reviewed. ' +
      'Rolling back to an earlier commit does not roll back the runtime either, so the build that worked cannot be reproduced.',
    fix: 'Name a version in every `FROM`: `node:22-alpine`, `node:22.11.0-bookworm-slim`, or a digest (`node:22-alpine@sha256:…`); let Renovate or Dependabot propose upgrades.',
    sites: 'base images of Node service Dockerfiles',
    examples: {
      invalid: [{ filename: 'Dockerfile', code: 'FROM node\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nUSER node\nCMD ["node", "server.js"]\n' }],
      valid: [{ filename: 'Dockerfile', code: 'FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nUSER node\nCMD ["node", "server.js"]\n' }],
    },
  },
  check(context) {
    for (const { relPath, dockerfile } of serviceDockerfiles(context.facts)) {
      for (const stage of dockerfile.stages) {
        if (stage.base.kind !== 'image') continue;
        context.countSite();
        const { image } = stage.base;
        if (image.digest !== null || (image.tag !== null && image.tag !== 'latest')) continue;
        // `FROM ${BASE_IMAGE}`: the build passes the image; the argument's untagged default is a fallback.
        if (image.tag === null && stage.imageText.includes('$')) continue;
        const name = image.text.replace(/:latest$/, '');
        const example = /(^|\/)node$/.test(image.name) ? '22-alpine' : '<version>';
        context.report({
          file: relPath,
          line: stage.from.line,
          column: stage.imageColumn,
          messageId: image.tag === null ? 'noTag' : 'latestTag',
          data: { image: image.text, name, example },
        });
      }
    }
  },
});
