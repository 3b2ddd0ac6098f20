// The ESLint plugin's project facts: built lazily for a project root on first use and kept for the
// life of the ESLint process (an editor's language server lints the same files again and again).
//
// What a file rule reads across files is the facts of the modules the linted file imports (their
// exports, followed through re-exports and `export const a = b` aliases). So each lint stats those
// modules (plus the linted file itself, whose facts its importers read) and, when one changed on
// disk, re-parses only that file and rebuilds its module facts; the project facts are then
// re-assembled from the cached per-module facts, which walks no file. Cost of a lint: one parse
// (the editor's text) and a few `stat`s; after an imported module changed, one more parse.
//
// Full reloads (every file parsed): the first lint under a root, a change of package.json,
// tsconfig.json/jsconfig.json or prodcheck.config.json (dependencies, path mapping and ignores change
// what everything means), and a tracked file that disappeared. A module imported for the first time
// that did not exist at load time (a new file) is parsed alone and the module facts of every file are
// rebuilt from their cached trees (resolution changed: a walk per file, no parse).
//
// Limitation: project-wide facts held by a file the linted file does not import (`axios.defaults.timeout`
// set in a bootstrap module, the handlers that reach a module's exports, server entry points) are
// refreshed when that file is itself linted after it changed on disk (in an editor: when it is saved
// from the editor), when it is re-parsed as someone's import, or on a full reload.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ts } from 'ts-morph';
import { loadConfig } from '../config/load.js';
import { loadSources } from '../core/discover.js';
import { stampOf } from '../core/files.js';
import { normaliseText, parseText, SOURCE_EXTENSIONS } from '../core/parse.js';
import { buildProjectFacts, type ProjectFacts } from '../project/facts.js';
import { buildModuleFacts, type ModuleFacts } from '../project/modules.js';
import { ModuleResolver } from '../project/resolve.js';
import { readPathMapping, type PathMapping } from '../project/tsconfig-paths.js';

interface TrackedFile {
  path: string;
  relPath: string;
  sourceFile: ts.SourceFile;
  /** `mtime:size` when it was parsed. */
  stamp: string;
  module?: ModuleFacts;
}

interface RootState {
  root: string;
  /** package.json and tsconfig.json/jsconfig.json stamps. */
  configStamp: string;
  ignores: readonly string[];
  /** tsconfig/jsconfig `paths` and `baseUrl` (refreshed with configStamp). */
  mapping: PathMapping | null;
  files: Map<string, TrackedFile>;
  facts: ProjectFacts;
}

/** What the cache did for one lint, for tests and for measuring. */
export interface CacheEvent {
  kind: 'load' | 'hit' | 'refresh' | 'new-files';
  /** Files parsed for the project facts during this lint (the linted file's own parse excluded). */
  parsed: number;
}

const states = new Map<string, RootState>();
let lastEvent: CacheEvent = { kind: 'hit', parsed: 0 };

export function lastCacheEvent(): CacheEvent {
  return lastEvent;
}

/** Forget every cached project (tests). */
export function clearProjectCache(): void {
  states.clear();
}

/** What a file is now, as a string to compare: the CLI's cache's stamp of it without the content hash (../core/files.ts `stampOf`). */
function stampKey(file: string): string {
  try {
    return JSON.stringify(stampOf(statSync(file), null));
  } catch {
    return 'missing';
  }
}

function configStampOf(root: string): string {
  return ['package.json', 'tsconfig.json', 'jsconfig.json', 'prodcheck.config.json'].map((f) => stampKey(join(root, f))).join('|');
}

function ignoresOf(root: string): readonly string[] {
  try {
    return loadConfig({ root }).ignores;
  } catch {
    return []; // A broken prodcheck config is the CLI's to report; the editor keeps linting.
  }
}

function assemble(state: Omit<RootState, 'facts'>): ProjectFacts {
  const files = [...state.files.values()];
  const facts = buildProjectFacts({ root: state.root, files, ignores: state.ignores });
  for (const f of files) f.module = facts.modules.get(f.path);
  return facts;
}

function load(root: string, configStamp: string): RootState {
  const ignores = existsSync(root) ? ignoresOf(root) : [];
  const parsed = existsSync(root) ? loadSources(root, ignores).parsed : [];
  const files = new Map<string, TrackedFile>();
  for (const p of parsed) files.set(p.path, { path: p.path, relPath: p.relPath, sourceFile: p.sourceFile, stamp: stampKey(p.path) });
  const base = { root, configStamp, ignores, mapping: readPathMapping(root), files };
  const state: RootState = { ...base, facts: assemble(base) };
  lastEvent = { kind: 'load', parsed: parsed.length };
  return state;
}

/** The project files whose facts a rule checking `module` can read: its imports, then re-exports and aliases, transitively. */
function readModules(module: ModuleFacts, state: RootState): Set<string> {
  const out = new Set<string>();
  const queue: string[] = [];
  const add = (p: string | null | undefined) => {
    if (p && !out.has(p)) {
      out.add(p);
      queue.push(p);
    }
  };
  for (const imp of module.imports) add(imp.resolved);
  while (queue.length > 0) {
    const m = state.files.get(queue.pop()!)?.module;
    if (!m) continue;
    for (const r of m.reexports) add(r.from);
    for (const info of m.exports.values()) if (info.alias?.kind === 'module') add(info.alias.resolved);
  }
  return out;
}

/** Imports of the linted file that resolve on disk now but not in the cached file set: new files. */
function newImports(module: ModuleFacts, state: RootState): string[] {
  const unresolved = module.imports.filter((i) => !i.resolved);
  if (unresolved.length === 0) return [];
  const onDisk = { has: (p: string) => SOURCE_EXTENSIONS.some((e) => p.endsWith(e)) && !p.endsWith('.d.ts') && existsSync(p) && !p.split(sep).includes('node_modules') };
  const resolver = new ModuleResolver(onDisk as unknown as ReadonlySet<string>, state.mapping);
  const found = new Set<string>();
  for (const i of unresolved) {
    const p = resolver.resolve(module.path, i.specifier);
    if (p && !state.files.has(p)) found.add(p);
  }
  return [...found];
}

function parseDisk(path: string, editor: { path: string; text: string; sourceFile: ts.SourceFile }): ts.SourceFile | null {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  if (path === editor.path && normaliseText(raw) === editor.text) return editor.sourceFile; // saved: the editor's parse is the disk's
  const parsed = parseText(path, raw);
  return parsed.problem ? null : parsed.sourceFile;
}

/**
 * The project facts for a lint of `editor.path` under `root` (refreshed as described above), and the
 * linted file's module facts built from the editor's text (its imports, its role evidence).
 */
export function projectFactsFor(root: string, editor: { path: string; text: string; sourceFile: ts.SourceFile }): { facts: ProjectFacts; module: ModuleFacts } {
  const configStamp = configStampOf(root);
  let state = states.get(root);
  if (!state || state.configStamp !== configStamp) {
    state = load(root, configStamp);
    states.set(root, state);
    return { facts: state.facts, module: moduleOf(editor, state.facts) };
  }
  let module = moduleOf(editor, state.facts);

  // New files the editor's text imports: parse them alone, then rebuild every module's facts (resolution changed).
  const added = newImports(module, state);
  let parsed = 0;
  if (added.length > 0) {
    for (const path of added) {
      const sf = parseDisk(path, editor);
      parsed++;
      if (sf) state.files.set(path, { path, relPath: relative(root, path).split(sep).join('/'), sourceFile: sf, stamp: stampKey(path) });
    }
    for (const f of state.files.values()) delete f.module;
    state.facts = assemble(state);
    module = moduleOf(editor, state.facts);
    lastEvent = { kind: 'new-files', parsed };
  }

  // Changed modules among those the rules read, and the linted file itself (its importers read it).
  const watched = readModules(module, state);
  watched.add(editor.path);
  const changed: TrackedFile[] = [];
  for (const path of watched) {
    const tracked = state.files.get(path);
    if (!tracked) continue;
    const stamp = stampKey(path);
    if (stamp === tracked.stamp) continue;
    if (stamp === 'missing') {
      state = load(root, configStamp); // a tracked file was deleted: the file set changed
      states.set(root, state);
      return { facts: state.facts, module: moduleOf(editor, state.facts) };
    }
    tracked.stamp = stamp;
    changed.push(tracked);
  }
  if (changed.length > 0) {
    for (const tracked of changed) {
      const sf = parseDisk(tracked.path, editor);
      if (sf !== editor.sourceFile) parsed++;
      if (!sf) continue; // mid-edit and unparsable: keep the last good facts
      tracked.sourceFile = sf;
      delete tracked.module;
    }
    state.facts = assemble(state);
    module = moduleOf(editor, state.facts);
    lastEvent = { kind: 'refresh', parsed };
  } else if (added.length === 0) {
    lastEvent = { kind: 'hit', parsed: 0 };
  }
  return { facts: state.facts, module };
}

function moduleOf(editor: { path: string; sourceFile: ts.SourceFile }, facts: ProjectFacts): ModuleFacts {
  return buildModuleFacts(editor.path, editor.sourceFile, (spec) => facts.resolveImport(editor.path, spec));
}
