#!/usr/bin/env node
// discover-equality.mjs — the discovery walk (src/core/walk.ts) against the globby discovery it
// replaces: for every directory given (default: every repository of /work/repos and every
// fixtures/projects/* project, and every fixture case directory with --cases), the source list
// and the repository-file list of both, with no configured ignores and with a few.
// Usage: node bench/discover-equality.mjs [DIR...] [--build DIR] [--cases]
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let build = '.build';
let cases = false;
const dirs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--build') build = args[++i];
  else if (args[i] === '--cases') cases = true;
  else dirs.push(resolve(args[i]));
}
const url = (p) => pathToFileURL(join(resolve(repo, build), p)).href;
const discover = await import(url('src/core/discover.js'));
const walk = await import(url('src/core/walk.js'));
const repoFiles = await import(url('src/project/repository-files.js'));

const subdirs = (d) => readdirSync(d).map((n) => join(d, n)).filter((p) => statSync(p).isDirectory()).sort();
if (dirs.length === 0) {
  dirs.push(...subdirs('/work/repos'), ...subdirs(join(repo, 'fixtures/projects')));
  if (cases) {
    for (const rule of subdirs(join(repo, 'fixtures')).filter((d) => !d.endsWith('/projects'))) {
      for (const kind of subdirs(rule)) dirs.push(...subdirs(kind));
    }
  }
}
const IGNORE_SETS = [[], ['**/test/**', 'scripts', '**/*.spec.ts', 'src/legacy', '**/generated', '**/fixtures', '.github/**']];
const { BUILTIN_IGNORES } = discover;
let failures = 0;
let walked = 0;
for (const dir of dirs) {
  for (const ignores of IGNORE_SETS) {
    const lists = walk.walkLists(dir, [...BUILTIN_IGNORES, ...ignores], [discover.SOURCE_LIST, repoFiles.REPOSITORY_LIST]);
    const oldSources = discover.globSourceFiles(dir, ignores);
    const oldRepository = repoFiles.globRepositoryFiles(dir, ignores);
    if (lists === null) {
      console.log(`${dir} ignores=${ignores.length}: walk gave up (globby used)`);
      continue;
    }
    walked++;
    const [sources, repository] = lists;
    const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
    const ok = same(sources, oldSources) && same(repository, oldRepository);
    if (!ok) failures++;
    const diff = (a, b) => a.filter((x) => !b.includes(x)).slice(0, 5);
    if (!ok || !cases) console.log(`${ok ? 'same' : 'DIFFERENT'}  ${dir} ignores=${ignores.length}: sources ${sources.length}/${oldSources.length}, repository files ${repository.length}/${oldRepository.length}${ok ? '' : ` only new: ${JSON.stringify([...diff(sources, oldSources), ...diff(repository, oldRepository)])} only old: ${JSON.stringify([...diff(oldSources, sources), ...diff(oldRepository, repository)])}`}`);
  }
}
console.log(`${dirs.length} directories x ${IGNORE_SETS.length} ignore sets: ${walked} walked, ${failures} different`);
process.exit(failures ? 1 : 0);
