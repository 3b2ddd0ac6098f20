import { describe, expect, it } from 'vitest';
import { baseImageOf, parseDockerfile, parseImageReference, shellCommands, stageChain } from '../../src/project/dockerfile.js';
import { packageJsonKeyPosition } from '../../src/project/operations.js';

const MULTI_STAGE = `# syntax=docker/dockerfile:1
ARG NODE_VERSION=22
FROM node:\${NODE_VERSION}-alpine AS build
WORKDIR /app
COPY package*.json ./
RUN npm ci && \\
    npm run build

FROM build AS prune
RUN npm prune --omit=dev

FROM gcr.io/distroless/nodejs22-debian12:nonroot
COPY --from=prune --chown=1000:1000 /app /app
USER 1000
CMD ["dist/main.js"]
`;

describe('parseDockerfile', () => {
  it('splits stages with their names, bases, lines and instructions', () => {
    const { stages, final } = parseDockerfile(MULTI_STAGE);
    expect(stages.map((s) => [s.name, s.from.line, s.instructions.map((i) => `${i.keyword}@${i.line}`)])).toEqual([
      ['build', 3, ['WORKDIR@4', 'COPY@5', 'RUN@6']],
      ['prune', 9, ['RUN@10']],
      [null, 12, ['COPY@13', 'USER@14', 'CMD@15']],
    ]);
    expect(final).toBe(stages[2]);
  });

  it('expands ARG defaults in FROM and keeps the written text', () => {
    const [build] = parseDockerfile(MULTI_STAGE).stages;
    expect(build?.base).toEqual({ kind: 'image', image: { text: 'node:22-alpine', registry: null, name: 'node', tag: '22-alpine', digest: null } });
    expect(build?.imageText).toBe('node:${NODE_VERSION}-alpine');
    expect(build?.imageColumn).toBe(6);
  });

  it('links `FROM <stage>` to the earlier stage, case-insensitively, and follows the chain to the image', () => {
    const df = parseDockerfile('FROM node:22 AS Base\nRUN npm ci\nFROM base\nCMD ["node", "server.js"]\n');
    const [base, final] = df.stages;
    expect(final?.base).toEqual({ kind: 'stage', stage: base });
    expect(stageChain(final!)).toEqual([base, final]);
    expect(baseImageOf(final!)?.text).toBe('node:22');
  });

  it('marks scratch and an image chosen by a build argument without default', () => {
    const df = parseDockerfile('ARG BASE_IMAGE\nFROM ${BASE_IMAGE} AS runtime\nFROM scratch\n');
    expect(df.stages.map((s) => s.base)).toEqual([{ kind: 'unknown', text: '${BASE_IMAGE}' }, { kind: 'scratch' }]);
  });

  it('joins continuation lines into one instruction at its first line', () => {
    const run = parseDockerfile(MULTI_STAGE).stages[0]?.instructions[2];
    expect(run?.line).toBe(6);
    expect(shellCommands(run!)).toEqual(['npm ci', 'npm run build']);
  });

  it('tells exec form (a closed JSON array) from shell form', () => {
    const df = parseDockerfile('FROM node:22\nCMD ["node", "--enable-source-maps", "dist/main.js"]\nENTRYPOINT npm start\nCMD [ "npm", "start"\n');
    const [cmd, entrypoint, unclosed] = df.stages[0]?.instructions ?? [];
    expect(cmd?.exec).toEqual(['node', '--enable-source-maps', 'dist/main.js']);
    expect(entrypoint?.exec).toBeNull();
    expect(entrypoint?.text).toBe('npm start');
    expect(unclosed?.exec).toBeNull();
  });

  it('reads flags and leaves comments out of the instructions', () => {
    const df = parseDockerfile('FROM --platform=$BUILDPLATFORM node:22 AS build\n# install\nCOPY --chown=node:node . .\n');
    const [stage] = df.stages;
    expect(stage?.from.flags.get('platform')).toBe('$BUILDPLATFORM');
    expect(stage?.imageColumn).toBe(32);
    expect(stage?.instructions.map((i) => [i.keyword, i.flags.get('chown'), i.args])).toEqual([['COPY', 'node:node', ['.', '.']]]);
  });

  it('splits a heredoc RUN into its commands and drops shell comments inside continuations', () => {
    const df = parseDockerfile('FROM node:22\nRUN <<EOF\nnpm ci\n# then build\nnpm run build\nEOF\nRUN apk add --no-cache tini \\\n  # init for signals\n  && npm ci --omit=dev\n');
    const [heredoc, continued] = df.stages[0]?.instructions ?? [];
    expect(shellCommands(heredoc!)).toEqual(['npm ci', 'npm run build']);
    expect(continued?.line).toBe(7);
    expect(shellCommands(continued!)).toEqual(['apk add --no-cache tini', 'npm ci --omit=dev']);
  });

  it('ignores a byte order mark and an empty file', () => {
    expect(parseDockerfile('\ufeffFROM node:22\n').stages[0]?.from.line).toBe(1);
    expect(parseDockerfile('')).toEqual({ stages: [], final: null });
  });
});

describe('parseImageReference', () => {
  it('splits registry, name, tag and digest', () => {
    expect(parseImageReference('docker.io/node:lts-alpine')).toMatchObject({ registry: 'docker.io', name: 'node', tag: 'lts-alpine', digest: null });
    expect(parseImageReference('localhost:5000/team/node')).toMatchObject({ registry: 'localhost:5000', name: 'team/node', tag: null });
    expect(parseImageReference('node@sha256:0123abcd')).toMatchObject({ registry: null, name: 'node', tag: null, digest: 'sha256:0123abcd' });
    expect(parseImageReference('bitnami/node:22')).toMatchObject({ registry: null, name: 'bitnami/node', tag: '22' });
  });
});

describe('packageJsonKeyPosition', () => {
  const text = '{\n  "name": "orders-api",\n  "scripts": {\n    "build": "tsc",\n    "test": "echo \\"no test\\""\n  },\n  "engines": {}\n}\n';
  it('finds top-level and nested keys, not values with the same text', () => {
    expect(packageJsonKeyPosition(text, ['engines'])).toEqual({ line: 7, column: 3 });
    expect(packageJsonKeyPosition(text, ['scripts', 'test'])).toEqual({ line: 5, column: 5 });
    expect(packageJsonKeyPosition(text, ['test'])).toEqual({ line: 1, column: 1 });
  });
});

describe('exec form', () => {
  it('keeps blanks and escapes inside the JSON strings, across continuation lines', () => {
    const df = parseDockerfile('FROM node:22\nCMD ["sh", \\\n  "-c", "yarn start"]\nRUN ["node", "-e", "console.log(\\"ready\\")"]\n');
    expect(df.stages[0]?.instructions.map((i) => i.exec)).toEqual([['sh', '-c', 'yarn start'], ['node', '-e', 'console.log("ready")']]);
  });

  it('leaves flags out of a RUN\'s commands', () => {
    const run = parseDockerfile('FROM node:22\nRUN --mount=type=cache,target=/root/.npm npm ci --omit=dev\n').stages[0]?.instructions[0];
    expect(run?.flags.get('mount')).toBe('type=cache,target=/root/.npm');
    expect(shellCommands(run!)).toEqual(['npm ci --omit=dev']);
  });
});
