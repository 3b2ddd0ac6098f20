// The discovery walk (src/core/walk.ts) on synthetic trees: the exact source and repository-file
// lists, and the same lists as the globby discovery it replaced (kept as its fallback).
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '../support/fixtures.js';
import { BUILTIN_IGNORES, SOURCE_LIST, discoverFiles, globSourceFiles } from '../../src/core/discover.js';
import { walkLists } from '../../src/core/walk.js';
import { REPOSITORY_LIST, globRepositoryFiles, readRepositoryFiles } from '../../src/project/repository-files.js';

/** Both lists by the walk, after checking it did not give up and that globby finds the same. */
function lists(root: string, ignores: string[] = []): { sources: string[]; repository: string[] } {
  const walked = walkLists(root, [...BUILTIN_IGNORES, ...ignores], [SOURCE_LIST, REPOSITORY_LIST]);
  expect(walked).not.toBeNull();
  const [sources, repository] = walked as [string[], string[]];
  expect(sources).toEqual(globSourceFiles(root, ignores));
  expect(repository).toEqual(globRepositoryFiles(root, ignores));
  expect(discoverFiles(root, ignores)).toEqual(sources);
  return { sources, repository };
}

describe('discovery walk', () => {
  it('applies nested .gitignore files to their own directory, with negations, directory patterns, anchors and **', () => {
    const root = writeProject({
      '.gitignore': '*.gen.ts\n/scripts\ntmp/\n**/fixtures/**/*.js\n.env*\n!.env.example\n',
      'src/app.ts': '',
      'src/app.gen.ts': '',
      'src/keep.gen.ts': '',
      'src/.gitignore': '!keep.gen.ts\n/local.ts\nnested/**/deep.ts\n',
      'src/local.ts': '',
      'src/lib/local.ts': '',
      'src/nested/a/b/deep.ts': '',
      'src/nested/deep.ts': '', // `nested/**/deep.ts`: `**/` also matches no directory
      'scripts/seed.ts': '',
      'packages/api/scripts/seed.ts': '',
      'packages/api/tmp/cache.ts': '',
      'test/fixtures/x/data.js': '',
      'test/fixtures/data.ts': '',
      '.env': 'A=1',
      '.env.example': 'A=',
      'packages/api/.env.production': 'A=2',
      'packages/api/Dockerfile': 'FROM node:20',
      'packages/api/.gitignore': 'Dockerfile\n',
      'Dockerfile': 'FROM node:20',
    });
    const { sources, repository } = lists(root);
    expect(sources).toEqual(['packages/api/scripts/seed.ts', 'src/app.ts', 'src/keep.gen.ts', 'src/lib/local.ts', 'test/fixtures/data.ts']);
    expect(repository).toEqual(['.env.example', 'Dockerfile']);
  });

  it('never re-includes a file under an ignored directory, even with a negation inside it', () => {
    const root = writeProject({
      '.gitignore': 'generated/\n!generated/keep.ts\n',
      'generated/keep.ts': '',
      'generated/other.ts': '',
      'generated/.gitignore': '!*\n',
      'generated/.env': 'A=1',
      'lib/generated': '',
      'lib/index.ts': '',
      'vendor/.gitignore': '*\n!keep.ts\n!.gitignore\n',
      'vendor/keep.ts': '',
      'vendor/drop.ts': '',
      'vendor/sub/keep.ts': '',
    });
    const { sources, repository } = lists(root);
    // vendor/sub/ is ignored by `*` (a directory), so nothing under it comes back.
    expect(sources).toEqual(['lib/index.ts', 'vendor/keep.ts']);
    expect(repository).toEqual([]);
  });

  it('applies the .gitignore files above the root up to the git top to sources only (as globby did)', () => {
    const top = writeProject({
      '.gitignore': 'legacy/\n*.local.ts\n',
      'services/.gitignore': 'api/src/old.ts\n.env\n',
      'services/api/src/index.ts': '',
      'services/api/src/old.ts': '',
      'services/api/src/dev.local.ts': '',
      'services/api/legacy/a.ts': '',
      'services/api/.env': 'A=1',
    });
    mkdirSync(join(top, '.git'));
    const root = join(top, 'services', 'api');
    const { sources, repository } = lists(root);
    expect(sources).toEqual(['src/index.ts']);
    expect(repository).toEqual(['.env']);
  });

  it('keeps dotfiles out of sources but lists dot repository files, and skips build output everywhere', () => {
    const root = writeProject({
      '.eslintrc.js': '',
      '.storybook/main.ts': '',
      'src/.hidden.ts': '',
      'src/index.ts': '',
      '.github/workflows/ci.yml': 'on: push',
      '.npmrc': '//registry.npmjs.org/:_authToken=x',
      '.nvmrc': '20',
      'dist/.env': 'A=1',
      'packages/web/build/Dockerfile': 'FROM node',
      'packages/web/.next/server.js': '',
      'src/types.d.ts': '',
      'package-lock.json': '{}',
      'config/service-account.json': '{"private_key": "x"}',
      'config/settings.json': '{}',
    });
    const { sources, repository } = lists(root);
    expect(sources).toEqual(['src/index.ts']);
    expect(repository).toEqual(['.github/workflows/ci.yml', '.npmrc', '.nvmrc', 'config/service-account.json', 'config/settings.json', 'package-lock.json']);
    expect(readRepositoryFiles(root).map((f) => f.relPath)).toEqual(['.github/workflows/ci.yml', '.npmrc', '.nvmrc', 'config/service-account.json', 'package-lock.json']);
  });

  it('does not follow symbolic links to files or directories', () => {
    const root = writeProject({ 'src/index.ts': '', 'shared/util.ts': '', 'shared/.env': 'A=1' });
    symlinkSync(join(root, 'shared'), join(root, 'src', 'shared'), 'dir');
    symlinkSync(join(root, 'src', 'index.ts'), join(root, 'src', 'alias.ts'));
    symlinkSync(join(root, 'shared', '.env'), join(root, '.env'));
    symlinkSync(root, join(root, 'loop'), 'dir');
    const { sources, repository } = lists(root);
    expect(sources).toEqual(['shared/util.ts', 'src/index.ts']);
    expect(repository).toEqual(['shared/.env']);
  });

  it('prunes configured ignores as globby expanded them: an existing directory, **/name, globs', () => {
    const root = writeProject({
      'src/index.ts': '',
      'src/legacy/old.ts': '',
      'src/legacy/.env': 'A=1',
      'packages/a/generated/client.ts': '',
      'packages/a/src/generated.ts': '',
      'packages/a/src/user.spec.ts': '',
      'scripts/seed.ts': '',
      'scripts-extra/seed.ts': '',
    });
    const { sources, repository } = lists(root, ['src/legacy', '**/generated', '**/*.spec.ts', 'scripts']);
    expect(sources).toEqual(['packages/a/src/generated.ts', 'scripts-extra/seed.ts', 'src/index.ts']);
    expect(repository).toEqual([]);
  });

  it('gives up (globby decides) when a .gitignore pattern reaches out of its directory', () => {
    const root = writeProject({
      'src/index.ts': '',
      'src/other.ts': '',
      'src/sub/.gitignore': '../other.ts\n',
    });
    expect(walkLists(root, [...BUILTIN_IGNORES], [SOURCE_LIST])).toBeNull();
    expect(discoverFiles(root, [])).toEqual(globSourceFiles(root, []));
  });

  it('gives up when two directory names differ only by case (the .gitignore rules ignore case)', () => {
    const root = writeProject({ 'Src/a.ts': '', 'src/.gitignore': 'a.ts\n', 'src/a.ts': '' });
    expect(walkLists(root, [...BUILTIN_IGNORES], [SOURCE_LIST])).toBeNull();
    // globby's one matcher, case-insensitive, applies src/.gitignore to Src/ too.
    expect(discoverFiles(root, [])).toEqual([]);
  });
});
