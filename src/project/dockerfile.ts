// A Dockerfile as the operations rules need it: build stages, each with its base (an image
// reference, an earlier stage, `scratch`, or unknown when a build argument without a default picks
// it) and its instructions with 1-based lines, exec-form arrays and variable-expanded arguments.
// Parsing is dockerfile-ast's (the Dockerfile language server's parser: continuations, heredocs,
// comments, parser directives, `ARG` expansion); this module is the only one that imports it, so
// rules see our small model and never the package.
import type { Instruction } from 'dockerfile-ast';
import { lazyRequire } from '../core/lazy.js';

const dockerfileAst = lazyRequire<typeof import('dockerfile-ast')>('dockerfile-ast');

export interface ImageReference {
  /** As written after expansion: `docker.io/node:20-alpine`. */
  text: string;
  /** `docker.io`, `gcr.io`, `localhost:5000`; null for Docker Hub short names. */
  registry: string | null;
  /** `node`, `distroless/nodejs20-debian12`. */
  name: string;
  tag: string | null;
  digest: string | null;
}

export interface DockerInstruction {
  /** Upper case: `RUN`, `CMD`. */
  keyword: string;
  line: number;
  column: number;
  /** The arguments after flags, `ARG`/`ENV` variables expanded where the file defines them. */
  args: string[];
  /** The arguments as written, continuation lines joined; a heredoc keeps its lines. */
  text: string;
  /** `RUN`/`CMD`/`ENTRYPOINT` in exec form (a closed JSON array): its strings; null in shell form. */
  exec: string[] | null;
  /** `--chown=node:node` → `chown` → `node:node` (null for a flag without value). */
  flags: ReadonlyMap<string, string | null>;
}

export type StageBase =
  | { kind: 'image'; image: ImageReference }
  | { kind: 'stage'; stage: DockerStage }
  | { kind: 'scratch' }
  /** The image comes from a build argument without a default (`FROM ${BASE_IMAGE}`). */
  | { kind: 'unknown'; text: string };

export interface DockerStage {
  index: number;
  /** `AS build` → `build` (lower case, as Docker compares stage names); null when unnamed. */
  name: string | null;
  from: DockerInstruction;
  base: StageBase;
  /** The image reference as written, before expansion (`node:${NODE_VERSION}-alpine`). */
  imageText: string;
  /** Column of the image reference on the FROM line. */
  imageColumn: number;
  /** The stage's instructions after its FROM, in order. */
  instructions: DockerInstruction[];
}

export interface DockerfileModel {
  stages: DockerStage[];
  /** The stage `docker build` produces without `--target`: the last one. */
  final: DockerStage | null;
}

/** `gcr.io/distroless/nodejs20-debian12:nonroot`, `node@sha256:…`, `localhost:5000/node` → parts. */
export function parseImageReference(text: string): ImageReference {
  const at = text.indexOf('@');
  const digest = at >= 0 ? text.slice(at + 1) : null;
  const withoutDigest = at >= 0 ? text.slice(0, at) : text;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const tag = colon > slash ? withoutDigest.slice(colon + 1) : null;
  const path = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  const segments = path.split('/');
  const first = segments[0] ?? '';
  const hasRegistry = segments.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  return {
    text,
    registry: hasRegistry ? first : null,
    name: hasRegistry ? segments.slice(1).join('/') : path,
    tag,
    digest,
  };
}

/** Docker's rule: the arguments are exec form when they parse as a JSON array of strings; anything else is shell form. */
function execForm(keyword: string, text: string): string[] | null {
  if (!['RUN', 'CMD', 'ENTRYPOINT'].includes(keyword) || !text.trim().startsWith('[')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : null;
  } catch {
    return null;
  }
}

function toInstruction(i: Instruction): DockerInstruction {
  const start = i.getRange().start;
  const withFlags = i as Instruction & { getFlags?: () => Array<{ getName(): string; getValue(): string | null }> };
  const flags = new Map<string, string | null>();
  for (const f of withFlags.getFlags?.() ?? []) flags.set(f.getName(), f.getValue());
  const keyword = i.getKeyword().toUpperCase();
  const text = i.getArgumentsContent() ?? '';
  return {
    keyword,
    line: start.line + 1,
    column: start.character + 1,
    args: i.getExpandedArguments().map((a) => a.getValue()),
    text,
    exec: execForm(keyword, text),
    flags,
  };
}

export function parseDockerfile(source: string): DockerfileModel {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const parsed = dockerfileAst().DockerfileParser.parse(text);
  const stages: DockerStage[] = [];
  for (const raw of parsed.getInstructions()) {
    const instruction = toInstruction(raw);
    if (instruction.keyword !== 'FROM') {
      stages[stages.length - 1]?.instructions.push(instruction);
      continue;
    }
    const [image = '', as, alias] = instruction.args;
    const from = raw as Instruction & { getImageRange?: () => { start: { character: number } } | null; getImage?: () => string | null };
    const imageRange = from.getImageRange?.();
    const lower = image.toLowerCase();
    const earlier = stages.find((s) => s.name !== null && s.name === lower);
    let base: StageBase;
    if (earlier) base = { kind: 'stage', stage: earlier };
    else if (lower === 'scratch') base = { kind: 'scratch' };
    else if (image === '' || image.includes('$')) base = { kind: 'unknown', text: image };
    else base = { kind: 'image', image: parseImageReference(image) };
    stages.push({
      index: stages.length,
      name: as?.toLowerCase() === 'as' && alias ? alias.toLowerCase() : null,
      from: instruction,
      base,
      imageText: from.getImage?.() ?? image,
      imageColumn: (imageRange?.start.character ?? instruction.column + 4) + 1,
      instructions: [],
    });
  }
  return { stages, final: stages[stages.length - 1] ?? null };
}

/** The stage and the earlier stages it is built `FROM`, base first: instructions apply in this order. */
export function stageChain(stage: DockerStage): DockerStage[] {
  const chain: DockerStage[] = [];
  for (let s: DockerStage | undefined = stage; s; s = s.base.kind === 'stage' ? s.base.stage : undefined) chain.unshift(s);
  return chain;
}

/** The image a stage ends up on, following `FROM <stage>`; null for scratch or an unknown base. */
export function baseImageOf(stage: DockerStage): ImageReference | null {
  const root = stageChain(stage)[0];
  return root?.base.kind === 'image' ? root.base.image : null;
}

/**
 * The commands of a `RUN` in shell form, one string each: heredoc markers dropped, shell comments
 * removed, split at `&&`, `||`, `;`, `|` and line ends. Exec form gives its array joined.
 */
export function shellCommands(instruction: DockerInstruction): string[] {
  if (instruction.exec) return [instruction.exec.join(' ')];
  const heredoc = /<<-?\s*["']?(\w+)["']?/g;
  const terminators = new Set([...instruction.text.matchAll(heredoc)].map((m) => m[1]));
  return instruction.text
    .replace(heredoc, ' ')
    .split('\n')
    .filter((line) => !terminators.has(line.trim()))
    .map((line) => line.replace(/(^|\s)#.*$/, ''))
    .join('\n')
    .split(/&&|\|\||;|\||\n/)
    .map((c) => c.trim().replace(/\s+/g, ' '))
    .filter((c) => c !== '');
}
